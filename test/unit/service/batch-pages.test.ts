import { describe, expect, it } from 'vitest';
import { batchStatus, createBatch, processBatch } from '#shared/domain/batches.ts';
import { derivedCredentialId } from '#shared/domain/issuance.ts';
import type { BatchRecipientRecord } from '#shared/domain/ports/repositories.ts';
import { ADMIN, memoryService, seedIssuer, useVaultDir } from '#test/support/memory-service.ts';

/**
 * A batch larger than one page of its recipient listing (1,000) and not a whole number of
 * outcome blocks: the run awards blocks as the listing reaches them, each block whole, also
 * at a page end. Some recipients were recorded before the run (by an earlier one): they are
 * left as they are.
 */

const vaultDir = useVaultDir();

describe('a batch across listing pages and outcome blocks', () => {
  it('issues each pending recipient once, with distinct status indexes and exact counts', async () => {
    const ctx = memoryService(vaultDir());
    const ids = await seedIssuer(ctx, 'northfield', ['SQL']);
    const total = 2_345;
    const queued = await createBatch(ctx, ADMIN, 'northfield', {
      achievementId: ids.SQL as string,
      recipients: Array.from({ length: total }, (_, i) => ({ email: `p${i}@mail.example` })),
    });
    // Recorded before this run, in blocks the run still works on (and one across a page end).
    for (const index of [5, 999, 1000, 2344])
      await ctx.batchJobs.recordOutcome(queued.id, index, { state: 'failed', error: 'earlier' });

    const done = await processBatch(ctx, queued.id, { concurrency: 3 });

    expect(done).toMatchObject({ state: 'done', total, issued: total - 4, failed: 4 });
    const recipients: BatchRecipientRecord[] = [];
    let cursor: string | undefined;
    do {
      const page = await batchStatus(ctx, ADMIN, queued.id, cursor);
      recipients.push(...page.recipients);
      cursor = page.cursor;
    } while (cursor !== undefined);
    expect(recipients.filter((r) => r.state === 'failed').map((r) => r.index)).toEqual([
      5, 999, 1000, 2344,
    ]);
    const issued = recipients.filter((r) => r.state === 'issued');
    expect(issued.map((r) => r.credentialId)).toEqual(
      issued.map((r) => derivedCredentialId(`${queued.id}:${r.index}`)),
    );
    const statuses = new Set<string>();
    for (const recipient of issued) {
      const record = await ctx.credentials.get(recipient.credentialId as string);
      statuses.add(`${record?.status.listId}/${record?.status.index}`);
    }
    expect(statuses.size).toBe(total - 4);
  });
});
