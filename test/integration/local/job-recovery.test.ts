import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '#shared/core/clock.ts';
import { derivedCredentialId, issueCredential } from '#shared/domain/issuance.ts';
import { resumeOpenJobs } from '#shared/domain/job-recovery.ts';
import { reevaluateLearner } from '#shared/domain/pathway-awards.ts';
import { runPathwayJob } from '#shared/domain/pathway-jobs.ts';
import type { Principal } from '#shared/domain/principal.ts';
import { useService } from '#test/support/service-harness.ts';

/**
 * What a dead process leaves behind, replayed step by step (no stream runs the jobs here, so
 * each crash point is exact): a batch with credentials stored but recorded pending, a pathway
 * job killed inside a block after awarding some learners, an Idempotency-Key held by a request
 * that never answered. Resuming finishes each with exact counts. The SIGKILL test of the whole
 * runtime (kill-restart.test.ts) covers the same at random points.
 */

let nowMs = Date.parse('2026-06-01T09:00:00Z');
const clock: Clock = { now: () => new Date(nowMs) };
const service = useService({ clock });

const ISSUER = 'recovery';
const ADMIN: Principal = { subject: 'recovery-admin', roles: ['issuer-admin'], issuerId: ISSUER };
let adminToken = '';
let achievementId = '';

beforeAll(async () => {
  const { call, tokens } = service();
  const platform = await tokens.sign({ sub: 'platform', roles: ['platform-admin'] });
  adminToken = await tokens.sign({ sub: ADMIN.subject, roles: ['issuer-admin'], issuerId: ISSUER });
  expect(
    (await call('POST', '/issuers', { token: platform, body: { id: ISSUER, name: 'Recovery' } }))
      .status,
  ).toBe(201);
  const achievement = await call('POST', `/issuers/${ISSUER}/achievements`, {
    token: adminToken,
    body: {
      definition: {
        name: 'Recovered',
        description: 'Survived a crash.',
        criteria: { narrative: 'Was there.' },
      },
    },
  });
  expect(achievement.status).toBe(201);
  achievementId = achievement.body.id;
}, 120_000);

describe('resumeOpenJobs', () => {
  it('finishes a batch a dead run left running: stored credentials reconciled, none twice', async () => {
    const { call, ctx } = service();
    const recipients = Array.from({ length: 12 }, (_, i) => ({ email: `b${i}@mail.example` }));
    const created = await call('POST', `/issuers/${ISSUER}/batches`, {
      token: adminToken,
      body: { achievementId, recipients },
    });
    expect(created.status).toBe(202);
    const jobId = created.body.id as string;
    // The dead run: recipients 0–3 issued and recorded, 4–6 issued but never recorded.
    await ctx.batchJobs.setState(jobId, 'running');
    const stored: string[] = [];
    for (let index = 0; index < 7; index += 1) {
      const credentialId = derivedCredentialId(`${jobId}:${index}`);
      await issueCredential(ctx, ADMIN, {
        issuerId: ISSUER,
        achievementId,
        recipient: recipients[index] as { email: string },
        credentialId,
      });
      stored.push(credentialId);
      if (index < 4)
        await ctx.batchJobs.recordOutcome(jobId, index, { state: 'issued', credentialId });
    }
    expect((await ctx.batchJobs.listOpen()).map((job) => job.id)).toContain(jobId);

    // A sweep for silent jobs leaves it alone while its heartbeat is fresh.
    const early = await resumeOpenJobs(ctx, { staleAfterMs: 5 * 60_000 });
    expect(early.resumed).toEqual([]);
    nowMs += 6 * 60_000;
    const report = await resumeOpenJobs(ctx, { staleAfterMs: 5 * 60_000 });

    expect(report.resumed).toEqual([{ kind: 'batch', id: jobId }]);
    const { job, recipients: outcomes } = (
      await call('GET', `/batches/${jobId}`, { token: adminToken })
    ).body;
    expect(job).toMatchObject({ state: 'done', issued: 12, failed: 0 });
    expect(outcomes.map((r: { state: string }) => r.state)).toEqual(Array(12).fill('issued'));
    expect(outcomes.slice(0, 7).map((r: { credentialId: string }) => r.credentialId)).toEqual(
      stored,
    );
    // Nothing else of this issuer exists yet: exactly the twelve recorded credentials.
    const issued = await ctx.credentials.listByIssuer(ISSUER);
    expect(issued.items.map((c) => c.id).sort()).toEqual(
      outcomes.map((r: { credentialId: string }) => r.credentialId).sort(),
    );
    expect((await ctx.batchJobs.listOpen()).map((j) => j.id)).not.toContain(jobId);
  });

  it('finishes a pathway job killed inside a block, counting the awards its dead run made once', async () => {
    const { call, ctx } = service();
    const learners = Array.from({ length: 30 }, (_, i) => `p-${String(i).padStart(2, '0')}`);
    for (const learnerId of learners) {
      await issueCredential(ctx, ADMIN, {
        issuerId: ISSUER,
        achievementId,
        recipient: { email: `${learnerId}@mail.example` },
        learnerId,
      });
    }
    const saved = await call('POST', `/issuers/${ISSUER}/pathways`, {
      token: adminToken,
      body: {
        format: 'credstack-pathway/1',
        version: 1,
        id: 'recovered-path',
        name: 'Recovered Pathway',
        root: { allOf: [{ achievement: achievementId }] },
      },
    });
    expect(saved.status).toBe(201);
    const published = await call(
      'POST',
      `/issuers/${ISSUER}/pathways/recovered-path/versions/1/publish`,
      { token: adminToken },
    );
    expect(published.status).toBe(200);
    const jobId = published.body.evaluationJob.id as string;

    // The dead run counted its first block (25 learners), then awarded three learners of the
    // next block and died before counting them.
    await runPathwayJob(ctx, jobId, { maxLearners: 25 });
    const midway = await ctx.pathwayJobs.get(jobId);
    expect(midway).toMatchObject({ state: 'running', evaluated: 25, awarded: 25, cursor: 'p-24' });
    for (const learnerId of ['p-25', 'p-26', 'p-27']) {
      const outcome = await reevaluateLearner(ctx, learnerId, {
        only: new Set([`${ISSUER}/recovered-path`]),
        jobId,
      });
      expect(outcome.awarded).toHaveLength(1);
    }

    const report = await resumeOpenJobs(ctx, { staleAfterMs: 0 });

    expect(report.resumed).toContainEqual({ kind: 'pathway', id: jobId });
    const done = await ctx.pathwayJobs.get(jobId);
    // The batch's recipients have no learner account: the 30 learners are the job's.
    expect(done).toMatchObject({ state: 'done', learners: 30, evaluated: 30 });
    const awards = [];
    for (const learnerId of learners) {
      const { items } = await ctx.credentials.listByLearner(learnerId);
      awards.push(...items.filter((c) => c.award?.pathwayId === 'recovered-path'));
    }
    // Each awarded once, by this job, and counted once.
    expect(awards).toHaveLength(30);
    expect(awards.every((c) => c.award?.jobId === jobId)).toBe(true);
    expect(done?.awarded).toBe(30);
    expect((await ctx.pathwayJobs.listOpen()).map((j) => j.id)).not.toContain(jobId);
  });
});

describe('an Idempotency-Key whose request died', () => {
  const body = {
    credential: {
      issuer: ISSUER,
      credentialSubject: { email: 'late@mail.example', achievement: { id: '' } },
    },
  };
  const hashOf = (raw: string) => createHash('sha256').update(raw).digest('hex');

  it('answers 409 during the lease, then lets the retry issue, once', async () => {
    const { ctx, url } = service();
    body.credential.credentialSubject.achievement.id = achievementId;
    const raw = JSON.stringify(body);
    const post = () =>
      fetch(`${url}/credentials/issue`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${adminToken}`,
          'content-type': 'application/json',
          'idempotency-key': 'died-1',
        },
        body: raw,
      });
    // The request that claimed the key and died (no answer, nothing stored).
    await ctx.idempotency.begin(`${ADMIN.subject}:issue`, 'died-1', hashOf(raw), 'dead');

    const during = await post();
    nowMs += 61_000;
    const retry = await post();
    const again = await post();

    expect(during.status).toBe(409);
    expect(retry.status).toBe(201);
    const first = (await retry.json()) as { id: string };
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(((await again.json()) as { id: string }).id).toBe(first.id);
  });

  it('finds the credential a request stored before dying, instead of issuing a second', async () => {
    const { ctx, url } = service();
    body.credential.credentialSubject.achievement.id = achievementId;
    const raw = JSON.stringify({ ...body, options: { learnerId: 'late-learner' } });
    const scope = `${ADMIN.subject}:issue`;
    const seed = createHash('sha256')
      .update(`${scope}\u0000died-2\u0000${hashOf(raw)}`)
      .digest('hex');
    // The dead request got as far as storing its credential.
    await ctx.idempotency.begin(scope, 'died-2', hashOf(raw), 'dead');
    const stored = await issueCredential(ctx, ADMIN, {
      issuerId: ISSUER,
      achievementId,
      recipient: { email: 'late@mail.example' },
      learnerId: 'late-learner',
      credentialId: derivedCredentialId(`idempotency:${seed}`),
    });
    nowMs += 61_000;

    const retry = await fetch(`${url}/credentials/issue`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${adminToken}`,
        'content-type': 'application/json',
        'idempotency-key': 'died-2',
      },
      body: raw,
    });

    expect(retry.status).toBe(201);
    expect(((await retry.json()) as { id: string }).id).toBe(stored.record.id);
    const { items } = await ctx.credentials.listByLearner('late-learner');
    expect(items.map((c) => c.id)).toEqual([stored.record.id]);
  });
});
