import { beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '#shared/core/clock.ts';
import { credentialJson } from '#shared/domain/issuance.ts';
import { reevaluateLearner } from '#shared/domain/pathway-awards.ts';
import { sweepPathwayAwards } from '#shared/domain/pathway-jobs.ts';
import type { CredentialRecord } from '#shared/domain/records/records.ts';
import { useService } from '#test/support/service-harness.ts';

/**
 * Pathway credentials end to end on DynamoDB Local, with the stream consumers running as in
 * `npm start`: a learner earns badges one by one and is awarded the pathway (and a milestone)
 * when the last requirement is met; revoking a constituent lapses the award per policy and
 * re-earning reinstates it; publishing awards retroactively through a job with progress;
 * repeated and racing evaluations award once; expiry is caught by the sweep.
 */

// Real time, movable forward for the expiry case.
let offsetMs = 0;
const clock: Clock = { now: () => new Date(Date.now() + offsetMs) };
const service = useService({ streams: true, clock });

let admin: string;
let ada: string;
const ach: Record<'sql' | 'stats' | 'viz' | 'capstone' | 'core', string> = {
  sql: '',
  stats: '',
  viz: '',
  capstone: '',
  core: '',
};

async function achievement(name: string): Promise<string> {
  const response = await service().call('POST', '/issuers/north/achievements', {
    token: admin,
    body: {
      definition: { name, description: `${name} skills.`, criteria: { narrative: 'Passed.' } },
      statusPurpose: 'revocation',
    },
  });
  expect(response.status).toBe(201);
  return response.body.id as string;
}

async function issue(achievementId: string, learnerId: string, extra: object = {}) {
  const response = await service().call('POST', '/credentials/issue', {
    token: admin,
    body: {
      credential: {
        issuer: 'north',
        credentialSubject: { id: `did:example:${learnerId}`, achievement: { id: achievementId } },
        ...extra,
      },
      options: { learnerId },
    },
  });
  expect(response.status).toBe(201);
  await service().drained();
  return response.body.id as string;
}

async function revoke(credentialId: string) {
  const response = await service().call('POST', '/credentials/status', {
    token: admin,
    body: {
      credentialId,
      credentialStatus: [{ status: 'revoked' }],
    },
  });
  expect(response.status).toBe(200);
  await service().drained();
}

async function awardsOf(learnerId: string): Promise<CredentialRecord[]> {
  const page = await service().ctx.credentials.listByLearner(learnerId);
  return page.items.filter((r) => r.award !== undefined);
}

async function savePublish(definition: object): Promise<{ evaluationJob: { id: string } }> {
  const saved = await service().call('POST', '/issuers/north/pathways', {
    token: admin,
    body: definition,
  });
  expect(saved.status).toBe(201);
  const id = (definition as { id: string }).id;
  const published = await service().call(
    'POST',
    `/issuers/north/pathways/${id}/versions/${saved.body.version}/publish`,
    { token: admin },
  );
  expect(published.status).toBe(200);
  await service().drained();
  return published.body;
}

async function progressOf(learnerId: string, token: string, pathwayId: string): Promise<number> {
  const response = await service().call('GET', `/learners/${learnerId}/pathways`, { token });
  expect(response.status).toBe(200);
  const item = response.body.items.find(
    (i: { pathway: { id: string } }) => i.pathway.id === pathwayId,
  );
  return item?.progress as number;
}

beforeAll(async () => {
  const { call, tokens } = service();
  admin = await tokens.sign({ sub: 'platform', roles: ['platform-admin'] });
  ada = await tokens.sign({ sub: 'ada', roles: ['learner'], learnerId: 'ada' });
  const issuer = await call('POST', '/issuers', {
    token: admin,
    body: { id: 'north', name: 'North Institute' },
  });
  expect(issuer.status).toBe(201);
  for (const key of Object.keys(ach) as (keyof typeof ach)[]) ach[key] = await achievement(key);
  await savePublish({
    format: 'credstack-pathway/1',
    id: 'analyst',
    version: 1,
    name: 'Data Analyst Foundations',
    description: 'SQL and statistics, and one of visualisation or a capstone.',
    policy: { onLapse: 'suspend' },
    root: {
      allOf: [
        {
          label: 'core',
          milestone: ach.core,
          allOf: [
            { achievement: ach.sql, label: 'sql' },
            { achievement: ach.stats, label: 'stats' },
          ],
        },
        { label: 'showcase', anyOf: [{ achievement: ach.viz }, { achievement: ach.capstone }] },
      ],
    },
  });
}, 120_000);

describe('awarding a pathway credential from the stream', () => {
  let sql: string;
  let stats: string;
  let viz: string;

  it('moves progress badge by badge without awarding early', async () => {
    sql = await issue(ach.sql, 'ada');
    const afterOne = await progressOf('ada', ada, 'analyst');
    stats = await issue(ach.stats, 'ada');
    const afterTwo = await progressOf('ada', ada, 'analyst');

    expect(afterOne).toBeGreaterThan(0);
    expect(afterTwo).toBeGreaterThan(afterOne);
    expect(afterTwo).toBeLessThan(100);
    const awards = await awardsOf('ada');
    expect(awards.map((a) => a.award)).toEqual([
      { pathwayId: 'analyst', version: 1, milestone: ach.core, contributing: [sql, stats] },
    ]);
  });

  it('awards the pathway once the last requirement is met, with evidence and the rule version', async () => {
    viz = await issue(ach.viz, 'ada');

    const pathway = (await awardsOf('ada')).filter((a) => a.award?.milestone === undefined);
    expect(pathway).toHaveLength(1);
    const [award] = pathway as [CredentialRecord];
    expect(award.award).toEqual({
      pathwayId: 'analyst',
      version: 1,
      contributing: [sql, stats, viz],
    });
    expect(award.state).toBe('active');
    const json = credentialJson(award);
    const subject = json.credentialSubject as {
      id: string;
      achievement: { id: string; name: string };
    };
    expect(subject.id).toBe('did:example:ada');
    expect(subject.achievement.name).toBe('Data Analyst Foundations');
    expect(subject.achievement.id).toBe(`${service().url}/issuers/north/pathways/analyst`);
    const evidence = json.evidence as { id: string; narrative: string }[];
    expect(evidence.map((e) => e.id)).toEqual([
      `${service().url}/issuers/north/pathways/analyst/versions/1`,
      sql,
      stats,
      viz,
    ]);
    expect(evidence[1]?.narrative).toBe('Met the requirement "sql" of Data Analyst Foundations.');
    expect(await progressOf('ada', ada, 'analyst')).toBe(100);
    const rules = await service().call('GET', '/issuers/north/pathways/analyst/versions/1');
    expect(rules.status).toBe(200);
  });

  it('issues a pathway credential that verifies', async () => {
    const [award] = (await awardsOf('ada')).filter((a) => a.award?.milestone === undefined);
    const response = await service().call('POST', '/credentials/verify', {
      body: { verifiableCredential: award?.signed },
    });

    expect(response.status).toBe(200);
    expect(response.body.verified).toBe(true);
  });

  it('changes nothing when evaluations of a learner already awarded repeat at once', async () => {
    const { ctx } = service();
    const outcomes = await Promise.all([
      reevaluateLearner(ctx, 'ada'),
      reevaluateLearner(ctx, 'ada'),
      reevaluateLearner(ctx, 'ada'),
    ]);

    expect(outcomes.flatMap((o) => o.awarded)).toEqual([]);
    expect(await awardsOf('ada')).toHaveLength(2);
  });

  it('suspends the award when a constituent is revoked; re-earned, a new award cites the new badge', async () => {
    await revoke(stats);
    const [suspended] = (await awardsOf('ada')).filter((a) => a.award?.milestone === undefined);
    const verify = await service().call('POST', '/credentials/verify', {
      body: { verifiableCredential: suspended?.signed },
    });

    expect(suspended?.state).toBe('suspended');
    expect(verify.body.verified).toBe(false);

    const again = await issue(ach.stats, 'ada');
    const pathwayAwards = (await awardsOf('ada')).filter((a) => a.award?.milestone === undefined);
    const live = pathwayAwards.filter((a) => a.state === 'active');
    expect(live).toHaveLength(1);
    expect(live[0]?.id).not.toBe(suspended?.id);
    expect(live[0]?.award).toMatchObject({ generation: 2 });
    expect(live[0]?.award?.contributing).toContain(again);
    expect(live[0]?.award?.contributing).not.toContain(stats);
    const evidence = credentialJson(live[0] as CredentialRecord).evidence as { id: string }[];
    expect(evidence.map((e) => e.id)).toContain(again);
    expect(evidence.map((e) => e.id)).not.toContain(stats);
    const old = pathwayAwards.find((a) => a.id === suspended?.id);
    expect([old?.state, old?.stateReason]).toEqual(['revoked', 'superseded']);
  });
});

describe('retroactive evaluation when a version is published', () => {
  it('awards learners who already qualify, through a job that reports its progress', async () => {
    await issue(ach.sql, 'grace');
    await issue(ach.capstone, 'grace');
    await issue(ach.sql, 'alan');

    const { evaluationJob } = await savePublish({
      format: 'credstack-pathway/1',
      id: 'sql-capstone',
      version: 1,
      name: 'SQL Capstone',
      policy: { onLapse: 'revoke' },
      root: { allOf: [{ achievement: ach.sql }, { achievement: ach.capstone }] },
    });
    const job = await service().call('GET', `/issuers/north/pathway-jobs/${evaluationJob.id}`, {
      token: admin,
    });

    expect(job.status).toBe(200);
    expect(job.body).toMatchObject({ state: 'done', learners: 3, evaluated: 3, awarded: 1 });
    const grace = await awardsOf('grace');
    expect(grace.map((a) => a.award?.pathwayId)).toEqual(['sql-capstone']);
    expect(await awardsOf('alan')).toEqual([]);
  });

  it('revokes the award when its policy says so', async () => {
    const [award] = await awardsOf('grace');
    const sql = (award?.award?.contributing ?? [])[0] as string;
    await revoke(sql);

    const [after] = await awardsOf('grace');
    expect(after?.state).toBe('revoked');
  });
});

describe('sweepPathwayAwards', () => {
  it('lapses an award whose constituent expired, which no stream record announces', async () => {
    const until = new Date(Date.now() + 60 * 60 * 1000).toISOString();
    await issue(ach.sql, 'lin');
    await issue(ach.stats, 'lin', { validUntil: until });
    await issue(ach.viz, 'lin');
    const before = (await awardsOf('lin')).filter((a) => a.award?.milestone === undefined);
    expect(before.map((a) => a.state)).toEqual(['active']);

    offsetMs = 2 * 60 * 60 * 1000;
    try {
      const changed = await sweepPathwayAwards(service().ctx);
      const lin = changed.find((o) => o.learnerId === 'lin');
      expect(lin?.suspended).toEqual([before[0]?.id]);
    } finally {
      offsetMs = 0;
    }
    const after = (await awardsOf('lin')).filter((a) => a.award?.milestone === undefined);
    expect(after.map((a) => a.state)).toEqual(['suspended']);
  });
});
