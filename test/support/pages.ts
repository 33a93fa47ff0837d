/**
 * Every item of a paged listing (a repository's `Page`: items and the cursor of the next
 * page), read page by page until no cursor is left: for checks that must see the whole of a
 * batch job's recipients or an issuer's credentials, however many pages they span.
 *
 * @example
 * const recipients = await allPages((cursor) => ctx.batchJobs.recipients(jobId, cursor));
 */
export async function allPages<T>(
  read: (cursor: string | undefined) => Promise<{ items: readonly T[]; cursor?: string }>,
): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  do {
    const page = await read(cursor);
    items.push(...page.items);
    cursor = page.cursor;
  } while (cursor !== undefined);
  return items;
}
