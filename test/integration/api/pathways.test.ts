import { beforeAll, describe, expect, it } from 'vitest';
import { useService } from '#test/support/service-harness.ts';

/**
 * Pathways over HTTP on DynamoDB Local: versioned saves with validation errors pointing into
 * the rule, publishing and the public read, and a learner's progress, next steps and what-if.
 */

const service = useService();

interface Tokens {
  admin: string;
  northAdmin: string;
  southAdmin: string;
  ada: string;
  grace: string;
}
let tokens: Tokens;
let sql: string;
let stats: string;
let viz: string;
let statsCredential: string;

async function achievement(issuerId: string, name: string): Promise<string> {
  const response = await service().call('POST', `/issuers/${issuerId}/achievements`, {
    token: tokens.admin,
    body: {
      definition: { name, description: `${name} skills.`, criteria: { narrative: 'Passed.' } },
    },
  });
  expect(response.status).toBe(201);
  return response.body.id as string;
}

async function issue(achievementId: string, learnerId: string, validFrom: string) {
  const response = await service().call('POST', '/credentials/issue', {
    token: tokens.admin,
    body: {
      credential: {
        issuer: 'north',
        validFrom,
        credentialSubject: {
          id: `did:example:${learnerId}`,
          achievement: { id: achievementId },
        },
      },
      options: { learnerId },
    },
  });
  expect(response.status).toBe(201);
  return response.body.id as string;
}

function analyst(root: unknown) {
  return { format: 'credstack-pathway/1', id: 'analyst', version: 1, name: 'Data Analyst', root };
}

function save(body: unknown, token = tokens.northAdmin) {
  return service().call('POST', '/issuers/north/pathways', { token, body });
}

beforeAll(async () => {
  const { call, tokens: dev } = service();
  tokens = {
    admin: await dev.sign({ sub: 'platform', roles: ['platform-admin'] }),
    northAdmin: await dev.sign({ sub: 'north-admin', roles: ['issuer-admin'], issuerId: 'north' }),
    southAdmin: await dev.sign({ sub: 'south-admin', roles: ['issuer-admin'], issuerId: 'south' }),
    ada: await dev.sign({ sub: 'ada', roles: ['learner'], learnerId: 'ada' }),
    grace: await dev.sign({ sub: 'grace', roles: ['learner'], learnerId: 'grace' }),
  };
  for (const id of ['north', 'south']) {
    const issuer = await call('POST', '/issuers', {
      token: tokens.admin,
      body: { id, name: `${id} Institute` },
    });
    expect(issuer.status).toBe(201);
  }
  sql = await achievement('north', 'SQL');
  stats = await achievement('north', 'Statistics');
  viz = await achievement('north', 'Visualisation');
}, 60_000);

describe('POST /issuers/{issuerId}/pathways', () => {
  it('stores version 1, then version 2 on the next save', async () => {
    const first = await save(analyst({ allOf: [{ achievement: sql }, { achievement: stats }] }));
    const second = await save(
      analyst({
        label: 'all',
        allOf: [
          { achievement: sql, label: 'sql' },
          { anyOf: [{ achievement: stats }, { achievement: viz }] },
        ],
      }),
    );

    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ issuerId: 'north', pathwayId: 'analyst', version: 1 });
    expect(second.status).toBe(201);
    expect(second.body.version).toBe(2);
    expect(second.body.definition).toMatchObject({ id: 'analyst', version: 2, issuerId: 'north' });
    const head = await service().ctx.pathways.getHead('north', 'analyst');
    expect(head).toEqual({ issuerId: 'north', pathwayId: 'analyst', latestVersion: 2 });
  });

  it('refuses a malformed rule with a pointer into it and stores nothing', async () => {
    const response = await save({
      ...analyst({
        allOf: [{ achievement: sql }, { nOf: { n: 3, of: [{ achievement: stats }] } }],
      }),
      id: 'broken',
    });

    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual([
      { pointer: '/root/allOf/1', detail: 'unsatisfiable: needs 3 of only 1 requirements' },
    ]);
    expect(await service().ctx.pathways.getHead('north', 'broken')).toBeUndefined();
  });

  it('refuses an achievement the issuer does not have', async () => {
    const response = await save({
      ...analyst({ anyOf: [{ achievement: sql }, { achievement: 'no-such-badge' }] }),
      id: 'unknown-badge',
    });

    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual([
      { pointer: '/root/anyOf/1', detail: 'unknown achievement "no-such-badge"' },
    ]);
    expect(await service().ctx.pathways.getHead('north', 'unknown-badge')).toBeUndefined();
  });

  it('refuses a save that closes a cycle between two pathways', async () => {
    const base = { format: 'credstack-pathway/1', version: 1, name: 'Cycle' };
    const a1 = await save({ ...base, id: 'cycle-a', root: { achievement: sql } });
    const b1 = await save({ ...base, id: 'cycle-b', root: { pathway: 'cycle-a' } });

    const a2 = await save({
      ...base,
      id: 'cycle-a',
      root: { allOf: [{ achievement: sql }, { pathway: 'cycle-b' }] },
    });

    expect([a1.status, b1.status]).toEqual([201, 201]);
    expect(a2.status).toBe(400);
    expect(a2.body.errors).toEqual([
      { pointer: '/root', detail: 'pathway references form a cycle cycle-a -> cycle-b -> cycle-a' },
    ]);
    expect((await service().ctx.pathways.getHead('north', 'cycle-a'))?.latestVersion).toBe(1);
  });

  it('refuses an issuer admin of another issuer (403)', async () => {
    const response = await save(analyst({ achievement: sql }), tokens.southAdmin);

    expect(response.status).toBe(403);
    expect((await service().ctx.pathways.getHead('north', 'analyst'))?.latestVersion).toBe(2);
  });
});

describe('publishing and the public read', () => {
  it('serves nothing before publishing, then the published version to anyone', async () => {
    const { call } = service();
    const before = await call('GET', '/issuers/north/pathways/analyst');

    const published = await call('POST', '/issuers/north/pathways/analyst/versions/2/publish', {
      token: tokens.northAdmin,
    });
    const missing = await call('POST', '/issuers/north/pathways/analyst/versions/9/publish', {
      token: tokens.northAdmin,
    });
    const read = await call('GET', '/issuers/north/pathways/analyst');

    expect(before.status).toBe(404);
    expect(published.status).toBe(200);
    expect(missing.status).toBe(404);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ pathwayId: 'analyst', version: 2 });
    expect(read.body.definition.root.allOf[0]).toEqual({ achievement: sql, label: 'sql' });
  });
});

describe('learner progress', () => {
  it('shows partial progress with the missing achievement as the next step', async () => {
    await issue(sql, 'ada', '2026-01-10T09:00:00Z');

    const response = await service().call('GET', '/learners/ada/pathways', { token: tokens.ada });

    expect(response.status).toBe(200);
    const [item] = response.body.items;
    expect(response.body.items).toHaveLength(1);
    expect(item.pathway).toEqual({ id: 'analyst', version: 2, name: 'Data Analyst' });
    expect(item.satisfied).toBe(false);
    expect(item.progress).toBe(50);
    expect(item.explanation.kOfN).toEqual({ have: 1, need: 2 });
    expect(item.nextSteps).toHaveLength(1);
    expect(item.nextSteps[0]).toMatchObject({
      kind: 'achievement',
      path: '/root/allOf/1/anyOf/0',
      achievementId: stats,
      constraints: {},
      options: [{ achievementId: stats, issuer: { id: 'north' } }],
      alternatives: [{ path: '/root/allOf/1/anyOf/1', options: [{ achievementId: viz }] }],
    });
  });

  it('answers a what-if without writing anything', async () => {
    const { call } = service();

    const response = await call('POST', '/learners/ada/pathways/north/analyst/what-if', {
      token: tokens.ada,
      body: { achievements: [viz] },
    });
    const after = await call('GET', '/learners/ada/pathways', { token: tokens.ada });
    const wallet = await call('GET', '/learners/ada/credentials', { token: tokens.ada });

    expect(response.status).toBe(200);
    expect(response.body.satisfied).toBe(true);
    expect(response.body.progressDelta).toBe(50);
    expect(response.body.newlySatisfied).toEqual([
      '/root',
      '/root/allOf/1',
      '/root/allOf/1/anyOf/1',
    ]);
    expect(response.body.nextSteps).toEqual([]);
    expect(after.body.items[0].satisfied).toBe(false);
    expect(wallet.body.items).toHaveLength(1);
  });

  it('completes the pathway once the rest is issued', async () => {
    statsCredential = await issue(stats, 'ada', '2026-02-10T09:00:00Z');

    const response = await service().call('GET', '/learners/ada/pathways', { token: tokens.ada });

    const [item] = response.body.items;
    expect(item.satisfied).toBe(true);
    expect(item.progress).toBe(100);
    expect(item.nextSteps).toEqual([]);
    expect(item.explanation.usedCredentials).toHaveLength(2);
  });

  it("refuses another learner's progress and what-if (403)", async () => {
    const { call } = service();

    const progress = await call('GET', '/learners/ada/pathways', { token: tokens.grace });
    const whatIf = await call('POST', '/learners/ada/pathways/north/analyst/what-if', {
      token: tokens.grace,
      body: { achievements: [viz] },
    });

    expect([progress.status, whatIf.status]).toEqual([403, 403]);
  });

  it('leaves a revoked credential out of the evaluation', async () => {
    const { call } = service();
    const revoked = await call('POST', '/credentials/status', {
      token: tokens.admin,
      body: { credentialId: statsCredential, credentialStatus: [{ status: 'revoked' }] },
    });

    const response = await call('GET', '/learners/ada/pathways', { token: tokens.ada });

    expect(revoked.status).toBe(200);
    expect(response.body.items[0].satisfied).toBe(false);
    expect(response.body.items[0].progress).toBe(50);
  });
});

describe('DynamoPathwayStore.createVersion', () => {
  it('lets only one of two concurrent saves become the next version', async () => {
    const { pathways } = service().ctx;
    const record = (name: string) => ({
      issuerId: 'north',
      pathwayId: 'race',
      version: 1,
      definition: { name },
      createdAt: '2026-01-01T00:00:00Z',
    });

    const outcomes = await Promise.allSettled([
      pathways.createVersion(record('one'), 0),
      pathways.createVersion(record('two'), 0),
    ]);

    const codes = outcomes.map((o) =>
      o.status === 'fulfilled' ? 'ok' : (o.reason as { code: string }).code,
    );
    expect(codes.sort()).toEqual(['CONFLICT', 'ok']);
    expect(await pathways.getHead('north', 'race')).toEqual({
      issuerId: 'north',
      pathwayId: 'race',
      latestVersion: 1,
    });
  });
});
