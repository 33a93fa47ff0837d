import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { MemoryServiceContext } from '#shared/adapters/memory/context.ts';
import { planAwards } from '#shared/domain/award-plan.ts';
import { issueCredential } from '#shared/domain/issuance.ts';
import { applyAwardPlan, reevaluateLearner } from '#shared/domain/pathway-awards.ts';
import { learnerCredentials, publishedPathways } from '#shared/domain/pathway-evaluation.ts';
import { runPathwayJob } from '#shared/domain/pathway-jobs.ts';
import { publishPathway, savePathway } from '#shared/domain/pathways.ts';
import type { CredentialState } from '#shared/domain/records/records.ts';
import { changeStatus } from '#shared/domain/status.ts';
import { ADMIN, memoryService, seedIssuer, useVaultDir } from '#test/support/memory-service.ts';

const vaultDir = useVaultDir();

let issuers = 0;
let x = '';

/**
 * A fresh context with an issuer of achievements A, B, C (suspendable) and pathway
 * `foundations` = A and B. Each test's issuer has its own id: compiled pathway versions are
 * cached per process by issuer, pathway and version (versions never change in one service),
 * so two contexts must not reuse an issuer id.
 */
async function service(options: { publish?: boolean } = {}) {
  const ctx = memoryService(vaultDir());
  issuers += 1;
  x = `pw-${issuers}`;
  const ids = (await seedIssuer(ctx, x, ['A', 'B', 'C'], {
    statusPurpose: 'suspension',
  })) as Record<'A' | 'B' | 'C', string>;
  const definition = {
    format: 'credstack-pathway/1',
    version: 1,
    id: 'foundations',
    name: 'Foundations',
    root: { allOf: [{ achievement: ids.A }, { achievement: ids.B }] },
  };
  if (options.publish !== false) {
    await savePathway(ctx, ADMIN, x, definition);
    await publishPathway(ctx, ADMIN, x, 'foundations', 1);
  }
  return { ctx, ids, definition };
}

async function issue(ctx: MemoryServiceContext, achievementId: string, learnerId: string) {
  const { record } = await issueCredential(ctx, ADMIN, {
    issuerId: x,
    achievementId,
    recipient: { id: `did:example:${learnerId}` },
    learnerId,
  });
  return record.id;
}

async function awardsOf(ctx: MemoryServiceContext, learnerId: string) {
  const { items } = await ctx.credentials.listByLearner(learnerId);
  return items.filter((r) => r.award !== undefined && r.award.milestone === undefined);
}

describe('savePathway and publishPathway on memory', () => {
  it('numbers versions, publishes one and queues its retroactive evaluation', async () => {
    const { ctx, definition } = await service({ publish: false });

    const first = await savePathway(ctx, ADMIN, x, definition);
    const second = await savePathway(ctx, ADMIN, x, { ...definition, name: 'Foundations 2' });
    const published = await publishPathway(ctx, ADMIN, x, 'foundations', 1);

    expect([first.version, second.version]).toEqual([1, 2]);
    expect(await ctx.pathways.getHead(x, 'foundations')).toEqual({
      issuerId: x,
      pathwayId: 'foundations',
      latestVersion: 2,
      publishedVersion: 1,
    });
    expect(published.evaluationJob).toMatchObject({
      issuerId: x,
      pathwayId: 'foundations',
      version: 1,
      state: 'queued',
    });
    expect(await ctx.pathwayJobs.listOpen()).toEqual([published.evaluationJob]);
  });

  it('refuses rules naming an achievement the issuer lacks, storing nothing', async () => {
    const { ctx, definition } = await service({ publish: false });

    const attempt = savePathway(ctx, ADMIN, x, {
      ...definition,
      root: { allOf: [{ achievement: 'no-such-achievement' }] },
    });

    await expect(attempt).rejects.toMatchObject({ code: 'VALIDATION' });
    expect(await ctx.pathways.getHead(x, 'foundations')).toBeUndefined();
  });

  it('refuses to publish a version that does not exist with NOT_FOUND', async () => {
    const { ctx } = await service();

    for (const version of [0, 2]) {
      await expect(publishPathway(ctx, ADMIN, x, 'foundations', version)).rejects.toMatchObject({
        code: 'NOT_FOUND',
      });
    }
    expect((await ctx.pathways.getHead(x, 'foundations'))?.publishedVersion).toBe(1);
  });
});

describe('reevaluateLearner on memory', () => {
  it('awards a completed pathway once, citing the credentials that completed it', async () => {
    const { ctx, ids } = await service();
    const a = await issue(ctx, ids.A, 'ada');
    const b = await issue(ctx, ids.B, 'ada');

    const first = await reevaluateLearner(ctx, 'ada');
    const again = await reevaluateLearner(ctx, 'ada');

    expect(first.awarded).toHaveLength(1);
    expect(again.awarded).toEqual([]);
    const awards = await awardsOf(ctx, 'ada');
    expect(awards.map((r) => [r.id, r.state])).toEqual([[first.awarded[0], 'active']]);
    expect(awards[0]?.award).toMatchObject({ pathwayId: 'foundations', version: 1 });
    expect([...(awards[0]?.award?.contributing ?? [])].sort()).toEqual([a, b].sort());
  });

  it('awards nothing while a requirement is missing', async () => {
    const { ctx, ids } = await service();
    await issue(ctx, ids.A, 'ada');
    await issue(ctx, ids.C, 'ada');

    const outcome = await reevaluateLearner(ctx, 'ada');

    expect(outcome).toMatchObject({ awarded: [], suspended: [], revoked: [], reinstated: [] });
    expect(await awardsOf(ctx, 'ada')).toEqual([]);
  });

  it('suspends an award whose requirement lapses, and reinstates it when it holds again', async () => {
    const { ctx, ids } = await service();
    await issue(ctx, ids.A, 'ada');
    const b = await issue(ctx, ids.B, 'ada');
    const {
      awarded: [award],
    } = await reevaluateLearner(ctx, 'ada');

    await changeStatus(ctx, ADMIN, b, 'suspended');
    const lapsed = await reevaluateLearner(ctx, 'ada');
    const whileLapsed = await ctx.credentials.get(award as string);
    await changeStatus(ctx, ADMIN, b, 'active');
    const back = await reevaluateLearner(ctx, 'ada');

    expect(lapsed.suspended).toEqual([award]);
    expect(whileLapsed).toMatchObject({ state: 'suspended', stateReason: 'lapsed' });
    expect(back.reinstated).toEqual([award]);
    expect((await ctx.credentials.get(award as string))?.state).toBe('active');
  });

  it('leaves an award an admin suspended suspended, even while the pathway holds', async () => {
    const { ctx, ids } = await service();
    await issue(ctx, ids.A, 'ada');
    await issue(ctx, ids.B, 'ada');
    const {
      awarded: [award],
    } = await reevaluateLearner(ctx, 'ada');
    await changeStatus(ctx, ADMIN, award as string, 'suspended');

    const outcome = await reevaluateLearner(ctx, 'ada');

    expect(outcome).toMatchObject({ awarded: [], reinstated: [] });
    expect((await ctx.credentials.get(award as string))?.state).toBe('suspended');
  });
});

describe('runPathwayJob on memory', () => {
  it('awards learners who completed the pathway before it was published, counting them', async () => {
    const { ctx, ids, definition } = await service({ publish: false });
    for (const learner of ['ada', 'bo']) {
      await issue(ctx, ids.A, learner);
      await issue(ctx, ids.B, learner);
    }
    await issue(ctx, ids.A, 'cy');
    await savePathway(ctx, ADMIN, x, definition);
    const { evaluationJob } = await publishPathway(ctx, ADMIN, x, 'foundations', 1);

    const done = await runPathwayJob(ctx, evaluationJob.id);

    expect(done).toMatchObject({ state: 'done', learners: 3, evaluated: 3, awarded: 2 });
    expect((await awardsOf(ctx, 'ada')).length).toBe(1);
    expect((await awardsOf(ctx, 'bo')).length).toBe(1);
    expect(await awardsOf(ctx, 'cy')).toEqual([]);
    expect(await ctx.pathwayJobs.listOpen()).toEqual([]);
  });
});

describe('the award plan applied through the ports (memory)', () => {
  /** The plan `reevaluateLearner` would make now, from what the store holds. */
  async function planNow(ctx: MemoryServiceContext, learnerId: string) {
    return planAwards({
      learnerId,
      records: await learnerCredentials(ctx, learnerId),
      published: await publishedPathways(ctx),
      now: ctx.clock.now(),
    });
  }

  it('supersedes an award only when this call made the one replacing it', async () => {
    const { ctx, ids, definition } = await service({ publish: false });
    await savePathway(ctx, ADMIN, x, {
      ...definition,
      root: {
        allOf: [
          { achievement: ids.A },
          { anyOf: [{ achievement: ids.B }, { achievement: ids.C }] },
        ],
      },
    });
    await publishPathway(ctx, ADMIN, x, 'foundations', 1);
    await issue(ctx, ids.A, 'ada');
    const b = await issue(ctx, ids.B, 'ada');
    const {
      awarded: [first],
    } = await reevaluateLearner(ctx, 'ada');
    await issue(ctx, ids.C, 'ada');
    await changeStatus(ctx, ADMIN, b, 'revoked');
    const records = await learnerCredentials(ctx, 'ada');
    const published = await publishedPathways(ctx);
    const plan = planAwards({ learnerId: 'ada', records, published, now: ctx.clock.now() });

    const made = await applyAwardPlan(ctx, plan, { learnerId: 'ada', records, published });
    // The same plan again, as a second worker holding the same records would apply it: the new
    // award exists, so it neither makes one nor supersedes (the first worker did both).
    const again = await applyAwardPlan(ctx, plan, { learnerId: 'ada', records, published });

    expect(plan.steps.map((s) => s.kind)).toEqual(['award', 'supersede']);
    expect(made).toMatchObject({ awarded: [plan.steps[0]?.credentialId], revoked: [first] });
    expect(again).toMatchObject({ awarded: [], revoked: [] });
    expect(await ctx.credentials.get(first as string)).toMatchObject({
      state: 'revoked',
      stateReason: 'superseded',
    });
  });

  it('leaves nothing to plan after each re-evaluation, through any history of badge changes', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('suspend', 'revoke'),
        fc.boolean(),
        fc.subarray(['A', 'B', 'C'] as const, { minLength: 1 }),
        fc.array(
          fc.tuple(
            fc.constantFrom('A', 'B', 'C'),
            fc.constantFrom<CredentialState>('active', 'suspended', 'revoked'),
          ),
          { maxLength: 4 },
        ),
        async (onLapse, anyOf, held, changes) => {
          const { ctx, ids, definition } = await service({ publish: false });
          await savePathway(ctx, ADMIN, x, {
            ...definition,
            policy: { onLapse },
            root: anyOf
              ? {
                  allOf: [
                    { achievement: ids.A },
                    { anyOf: [{ achievement: ids.B }, { achievement: ids.C }] },
                  ],
                }
              : definition.root,
          });
          await publishPathway(ctx, ADMIN, x, 'foundations', 1);
          const badges = new Map<string, string>();
          for (const name of held) badges.set(name, await issue(ctx, ids[name], 'ada'));

          const first = await reevaluateLearner(ctx, 'ada');
          expect((await planNow(ctx, 'ada')).steps).toEqual([]);
          expect(first.awarded.length).toBeLessThanOrEqual(1);
          for (const [name, to] of changes) {
            const badge = badges.get(name);
            const current = badge === undefined ? undefined : await ctx.credentials.get(badge);
            if (!badge || !current || current.state === 'revoked' || current.state === to) continue;
            await changeStatus(ctx, ADMIN, badge, to);
            const before = await planNow(ctx, 'ada');
            const outcome = await reevaluateLearner(ctx, 'ada');
            // The applier did what the plan said, and left nothing more to do.
            expect(outcome.awarded).toEqual(
              before.steps.flatMap((s) => (s.kind === 'award' ? [s.credentialId] : [])),
            );
            expect(
              [...outcome.suspended, ...outcome.revoked, ...outcome.reinstated].sort(),
            ).toEqual(
              before.steps.flatMap((s) => (s.kind === 'award' ? [] : [s.credentialId])).sort(),
            );
            expect((await planNow(ctx, 'ada')).steps).toEqual([]);
          }
        },
      ),
      { numRuns: 12 },
    );
  });
});
