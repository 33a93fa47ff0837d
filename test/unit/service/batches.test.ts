import { describe, expect, it } from 'vitest';
import { batchStatus, createBatch, processBatch } from '#shared/domain/batches.ts';
import { ServiceError } from '#shared/domain/errors.ts';
import { derivedCredentialId, issueCredential } from '#shared/domain/issuance.ts';
import type { StatusListRepository } from '#shared/domain/ports/repositories.ts';
import { ADMIN, memoryService, seedIssuer, useVaultDir } from '#test/support/memory-service.ts';

const vaultDir = useVaultDir();

async function service() {
  const ctx = memoryService(vaultDir());
  const ids = await seedIssuer(ctx, 'northfield', ['SQL']);
  return { ctx, achievementId: ids.SQL as string };
}

const recipients = [
  { id: 'did:example:ada', learnerId: 'ada' },
  { email: 'grace@example.org' },
  { id: 'https://example.org/people/linus' },
];

describe('batches on memory', () => {
  it('issues every recipient once and closes the job with its counts', async () => {
    const { ctx, achievementId } = await service();
    const queued = await createBatch(ctx, ADMIN, 'northfield', { achievementId, recipients });

    const done = await processBatch(ctx, queued.id, { concurrency: 2 });

    expect(done).toMatchObject({ state: 'done', total: 3, issued: 3, failed: 0 });
    const { recipients: results } = await batchStatus(ctx, ADMIN, queued.id);
    expect(results.map((r) => [r.index, r.state])).toEqual([
      [0, 'issued'],
      [1, 'issued'],
      [2, 'issued'],
    ]);
    expect(results.map((r) => r.credentialId)).toEqual(
      [0, 1, 2].map((index) => derivedCredentialId(`${queued.id}:${index}`)),
    );
    expect((await ctx.credentials.listByIssuer('northfield')).items).toHaveLength(3);
    expect((await ctx.credentials.listByLearner('ada')).items).toHaveLength(1);
    expect(await ctx.batchJobs.listOpen()).toEqual([]);
  });

  it('refuses invalid recipients with a pointer each, queuing nothing', async () => {
    const { ctx, achievementId } = await service();

    const attempt = createBatch(ctx, ADMIN, 'northfield', {
      achievementId,
      recipients: [{ id: 'did:example:ok' }, { email: 'not-an-email' }, {}, { id: 'no url' }],
    });

    await expect(attempt).rejects.toMatchObject({
      code: 'VALIDATION',
      fields: [
        { pointer: '/recipients/1/email' },
        { pointer: '/recipients/2' },
        { pointer: '/recipients/3/id' },
      ],
    });
    await expect(
      createBatch(ctx, ADMIN, 'northfield', { achievementId, recipients: [] }),
    ).rejects.toMatchObject({ code: 'VALIDATION', fields: [{ pointer: '/recipients' }] });
    expect(await ctx.batchJobs.listOpen()).toEqual([]);
  });

  it('returns the job already queued under the same job id', async () => {
    const { ctx, achievementId } = await service();
    const input = { achievementId, recipients };

    const first = await createBatch(ctx, ADMIN, 'northfield', input, { jobId: 'job-1' });
    const again = await createBatch(ctx, ADMIN, 'northfield', input, { jobId: 'job-1' });

    expect(again).toEqual(first);
    expect(await ctx.batchJobs.listOpen()).toEqual([first]);
  });

  it('resumes a job left running without issuing twice a credential already stored', async () => {
    const { ctx, achievementId } = await service();
    const queued = await createBatch(ctx, ADMIN, 'northfield', { achievementId, recipients });
    // A run that died after storing recipient 0's credential, before recording it.
    await ctx.batchJobs.setState(queued.id, 'running');
    await issueCredential(ctx, ADMIN, {
      issuerId: 'northfield',
      achievementId,
      recipient: { id: 'did:example:ada' },
      credentialId: derivedCredentialId(`${queued.id}:0`),
    });

    const done = await processBatch(ctx, queued.id);

    expect(done).toMatchObject({ state: 'done', issued: 3, failed: 0 });
    expect((await ctx.credentials.listByIssuer('northfield')).items).toHaveLength(3);
    expect(await processBatch(ctx, queued.id)).toEqual(done);
  });

  it('records a recipient whose issuance fails as failed, with the reason, and goes on', async () => {
    const { ctx, achievementId } = await service();
    let allocations = 0;
    const flaky: StatusListRepository = {
      allocate: async (issuerId) => {
        allocations += 1;
        if (allocations === 2) throw new ServiceError('UNAVAILABLE', 'status lists are down');
        return ctx.statusLists.allocate(issuerId);
      },
      revision: (listId) => ctx.statusLists.revision(listId),
      read: (listId, purpose) => ctx.statusLists.read(listId, purpose),
      getBit: (assignment, purpose) => ctx.statusLists.getBit(assignment, purpose),
      setBit: (assignment, purpose, value) => ctx.statusLists.setBit(assignment, purpose, value),
    };
    const failing = { ...ctx, statusLists: flaky };
    const queued = await createBatch(failing, ADMIN, 'northfield', { achievementId, recipients });

    const done = await processBatch(failing, queued.id, { concurrency: 1 });

    expect(done).toMatchObject({ state: 'done', issued: 2, failed: 1 });
    const { recipients: results } = await batchStatus(ctx, ADMIN, queued.id);
    expect(results[1]).toMatchObject({ state: 'failed', error: 'status lists are down' });
    expect(results[1]).not.toHaveProperty('credentialId');
  });

  it('refuses an unknown job with NOT_FOUND', async () => {
    const { ctx } = await service();

    await expect(processBatch(ctx, 'nope')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(batchStatus(ctx, ADMIN, 'nope')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
