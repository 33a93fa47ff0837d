import { ServiceError } from '#shared/domain/errors.ts';
import type { Page } from '#shared/domain/ports/repositories.ts';

/**
 * The pieces every in-memory store shares: records kept as deep copies without `undefined`
 * members (so a caller mutating what it wrote or read changes nothing stored, as with a
 * table), the key checks the DynamoDB keys make, and opaque page cursors.
 */

/** Default number of items per page, as the DynamoDB stores. */
export const MEMORY_PAGE_SIZE = 50;

/** A deep copy of `value` without `undefined` members: what a table would hand back. */
export function stored<T>(value: T): T {
  if (Array.isArray(value)) {
    return value.filter((entry) => entry !== undefined).map(stored) as T;
  }
  if (value !== null && typeof value === 'object') {
    if (Object.getPrototypeOf(value) !== Object.prototype) return structuredClone(value);
    const copy: Record<string, unknown> = {};
    for (const [name, member] of Object.entries(value)) {
      if (member !== undefined) copy[name] = stored(member);
    }
    return copy as T;
  }
  return value;
}

/**
 * The same check the DynamoDB keys make of an id that becomes part of a key: non-empty and
 * without `#`, else VALIDATION.
 */
export function keyPart(value: string, what: string): string {
  if (value.length === 0 || value.includes('#')) {
    throw new ServiceError('VALIDATION', `${what} must be non-empty and must not contain "#"`, {
      fields: [{ pointer: '', detail: `invalid ${what}: ${JSON.stringify(value)}` }],
    });
  }
  return value;
}

function refuseCursor(cause?: unknown): never {
  throw new ServiceError('VALIDATION', 'the cursor is not one this listing issued', {
    cause,
    fields: [{ pointer: '/cursor', detail: 'not a cursor of this listing' }],
  });
}

/**
 * One page of `entries` (sort key and record, in listing order) after the position `cursor`
 * names. A cursor is base64url JSON of the listing it belongs to and the last sort key
 * returned; one of another listing, or edited, is refused with VALIDATION naming `/cursor`,
 * as the DynamoDB stores refuse theirs. A full page carries a cursor even when nothing
 * follows (DynamoDB's LastEvaluatedKey does the same), and the next page is then empty.
 *
 * @example
 * pageOf('ISSUER#a/ACH', sorted, cursor, 50, false);
 */
export function pageOf<T>(
  listing: string,
  entries: readonly (readonly [string, T])[],
  cursor: string | undefined,
  pageSize: number,
  newestFirst: boolean,
): Page<T> {
  let after: string | undefined;
  if (cursor !== undefined) {
    if (cursor.length > 2000 || !/^[A-Za-z0-9_-]+$/.test(cursor)) refuseCursor();
    let decoded: unknown;
    try {
      decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    } catch (error) {
      refuseCursor(error);
    }
    const position = decoded as { l?: unknown; k?: unknown } | null;
    if (
      position === null ||
      typeof position !== 'object' ||
      Array.isArray(position) ||
      Object.keys(position).length !== 2 ||
      position.l !== listing ||
      typeof position.k !== 'string' ||
      position.k === ''
    )
      refuseCursor();
    after = position.k as string;
  }
  const ordered = [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (newestFirst) ordered.reverse();
  const rest =
    after === undefined
      ? ordered
      : ordered.filter(([key]) =>
          newestFirst ? key < (after as string) : key > (after as string),
        );
  const page = rest.slice(0, pageSize);
  const items = page.map(([, record]) => stored(record));
  const last = page.at(-1);
  if (page.length < pageSize || last === undefined) return { items };
  const next = Buffer.from(JSON.stringify({ l: listing, k: last[0] })).toString('base64url');
  return { items, cursor: next };
}

/** CONFLICT, as a failed conditional write is reported by the DynamoDB stores. */
export function conflict(message: string): ServiceError {
  return new ServiceError('CONFLICT', message);
}
