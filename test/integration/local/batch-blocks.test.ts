import { beforeAll, describe, expect, it } from 'vitest';
import { processBatch } from '#shared/domain/batches.ts';
import { derivedCredentialId } from '#shared/domain/issuance.ts';
import type {
  CredentialRepository,
  StatusListRepository,
} from '#shared/domain/ports/repositories.ts';
import type { ServiceContext } from '#shared/domain/ports/service-context.ts';
import type { CredentialRecord, StatusAssignment } from '#shared/domain/records/records.ts';
import { allPages } from '#test/support/pages.ts';
import { useService } from '#test/support/service-harness.ts';

/**
 * A batch run claims its recipients' status indexes as a block (one conditional counter
 * update), then signs, then stores the block's credentials together. A run that dies between
 * the claim and the write — before writing anything, or after part of the block — must leave
 * nothing that makes a resumed run give two credentials one status index or skip a recipient:
 * indexes claimed by the dead run and never written are gaps, never handed out again.
 */

// A small list (capacity floor(200 × 0.9) = 180) so that blocks also cross into a new list.
const service = useService({ statusListSize: 200 });
const ISSUER = 'blocks';
let platform = '';
let achievementId = '';

beforeAll(async () => {
  const { call, tokens } = service();
  platform = await tokens.sign({ sub: 'platform', roles: ['platform-admin'] });
  expect(
    (await call('POST', '/issuers', { token: platform, body: { id: ISSUER, name: 'Blocks' } }))
      .status,
  ).toBe(201);
  const achievement = await call('POST', `/issuers/${ISSUER}/achievements`, {
    token: platform,
    body: {
      definition: {
        name: 'Block Award',
        description: 'Issued by block.',
        criteria: { narrative: 'Was in the batch.' },
      },
    },
  });
  expect(achievement.status).toBe(201);
  achievementId = achievement.body.id;
}, 120_000);

/** The process dying: what it was doing never completes, and nothing after it runs. */
class Died extends Error {}

/** Status lists that note every index they hand out. */
function notingAllocations(inner: StatusListRepository, noted: StatusAssignment[]) {
  const lists: StatusListRepository = {
    allocate: async (issuerId) => {
      const assignment = await inner.allocate(issuerId);
      noted.push(assignment);
      return assignment;
    },
    allocateBlock: async (issuerId, count) => {
      const block = await (inner.allocateBlock as NonNullable<typeof inner.allocateBlock>).call(
        inner,
        issuerId,
        count,
      );
      noted.push(...block);
      return block;
    },
    setBit: (assignment, purpose, value) => inner.setBit(assignment, purpose, value),
    getBit: (assignment, purpose) => inner.getBit(assignment, purpose),
    read: (listId, purpose) => inner.read(listId, purpose),
    revision: (listId) => inner.revision(listId),
  };
  return lists;
}

/**
 * Credentials whose block write dies after storing the first `stored` of its first call's
 * records; from then on the store is unreachable (a dead process reads nothing either).
 */
function dyingWrites(inner: CredentialRepository, stored: number): CredentialRepository {
  let dead = false;
  const check = () => {
    if (dead) throw new Died('the process is gone');
  };
  return {
    async create(record) {
      check();
      return inner.create(record);
    },
    async createMany(records) {
      check();
      dead = true;
      await (inner.createMany as NonNullable<typeof inner.createMany>).call(
        inner,
        records.slice(0, stored),
      );
      throw new Died('killed while writing the block');
    },
    async get(id) {
      check();
      return inner.get(id);
    },
    listByIssuer: (issuerId, cursor) => inner.listByIssuer(issuerId, cursor),
    listByLearner: (learnerId, cursor) => inner.listByLearner(learnerId, cursor),
    setState: (id, change) => inner.setState(id, change),
    syncStatusBit: (id, state, status) => inner.syncStatusBit(id, state, status),
  };
}

async function queue(ctx: ServiceContext, count: number, run: string): Promise<string> {
  const { call } = service();
  const created = await call('POST', `/issuers/${ISSUER}/batches`, {
    token: platform,
    body: {
      achievementId,
      recipients: Array.from({ length: count }, (_, i) => ({ email: `${run}${i}@mail.example` })),
    },
  });
  expect(created.status).toBe(202);
  expect((await ctx.batchJobs.get(created.body.id))?.state).toBe('queued');
  return created.body.id as string;
}

async function everything(ctx: ServiceContext, jobId: string) {
  const recipients = await allPages((cursor) => ctx.batchJobs.recipients(jobId, cursor));
  const stored: CredentialRecord[] = [];
  for (const recipient of recipients) {
    const record = await ctx.credentials.get(derivedCredentialId(`${jobId}:${recipient.index}`));
    if (record) stored.push(record);
  }
  return { recipients, stored };
}

const entry = (a: StatusAssignment) => `${a.listId}/${a.index}`;

describe('a batch run killed between claiming its status block and writing it', () => {
  for (const [when, stored] of [
    ['before writing anything', 0],
    ['after writing part of the block', 10],
  ] as const) {
    it(`${when}: resumed, every recipient gets one credential and no index is given twice`, async () => {
      const { ctx } = service();
      const jobId = await queue(ctx, 130, `k${stored}-`);
      const deadRun: StatusAssignment[] = [];
      const dying: ServiceContext = {
        ...ctx,
        statusLists: notingAllocations(ctx.statusLists, deadRun),
        credentials: dyingWrites(ctx.credentials, stored),
      };

      await expect(processBatch(dying, jobId, { concurrency: 1 })).rejects.toBeInstanceOf(Died);
      const afterCrash = await everything(ctx, jobId);
      const resumedRun: StatusAssignment[] = [];
      const done = await processBatch(
        { ...ctx, statusLists: notingAllocations(ctx.statusLists, resumedRun) },
        jobId,
        { concurrency: 2 },
      );
      const after = await everything(ctx, jobId);

      // The dead run claimed indexes for every recipient it meant to sign, stored `stored`.
      expect(deadRun.length).toBeGreaterThanOrEqual(100);
      expect(afterCrash.stored).toHaveLength(stored);
      expect(afterCrash.recipients.every((r) => r.state === 'pending')).toBe(true);
      expect(done).toMatchObject({ state: 'done', total: 130, issued: 130, failed: 0 });
      expect(after.recipients.map((r) => r.state)).toEqual(Array(130).fill('issued'));
      expect(after.recipients.map((r) => r.credentialId)).toEqual(
        after.recipients.map((r) => derivedCredentialId(`${jobId}:${r.index}`)),
      );
      // One credential per recipient, each with its own status index.
      expect(after.stored).toHaveLength(130);
      expect(new Set(after.stored.map((c) => entry(c.status))).size).toBe(130);
      // The credentials the dead run stored were kept as they were (not signed again).
      for (const record of afterCrash.stored)
        expect(after.stored.find((c) => c.id === record.id)).toEqual(record);
      // Nothing the dead run claimed was handed out again: its unused indexes are gaps.
      const deadEntries = new Set(deadRun.map(entry));
      expect(resumedRun.filter((a) => deadEntries.has(entry(a)))).toEqual([]);
      expect(after.stored.filter((c) => deadEntries.has(entry(c.status)))).toHaveLength(stored);
    });
  }

  it('two runs of one job at once still give each recipient one credential, counted once', async () => {
    const { ctx } = service();
    const jobId = await queue(ctx, 120, 'twice-');
    // Two processes: separate contexts, so neither joins the other's run.
    const [first, second] = await Promise.allSettled([
      processBatch({ ...ctx }, jobId, { concurrency: 2 }),
      processBatch({ ...ctx }, jobId, { concurrency: 2 }),
    ]);
    const after = await everything(ctx, jobId);

    expect([first.status, second.status]).toContain('fulfilled');
    expect(await ctx.batchJobs.get(jobId)).toMatchObject({ state: 'done', issued: 120, failed: 0 });
    expect(after.recipients.every((r) => r.state === 'issued')).toBe(true);
    expect(after.stored).toHaveLength(120);
    expect(new Set(after.stored.map((c) => entry(c.status))).size).toBe(120);
  });
});
