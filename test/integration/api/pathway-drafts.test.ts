import { beforeAll, describe, expect, it } from 'vitest';
import { useService } from '#test/support/service-harness.ts';

/**
 * The pathway editor's routes over HTTP on DynamoDB Local: live validation gives the very
 * problems a save gives, at the same pointers, storing nothing; the preview evaluates a draft
 * for a sample learner as progress and what-if do.
 */

const service = useService();
let admin: string;
let issuerAdmin: string;
let otherAdmin: string;
const ids: string[] = [];

const draft = (root: unknown, id = 'trio') => ({
  format: 'credstack-pathway/1',
  id,
  version: 1,
  name: 'Trio',
  root,
});

beforeAll(async () => {
  const { call, tokens } = service();
  admin = await tokens.sign({ sub: 'platform', roles: ['platform-admin'] });
  issuerAdmin = await tokens.sign({ sub: 'e-admin', roles: ['issuer-admin'], issuerId: 'east' });
  otherAdmin = await tokens.sign({ sub: 'w-admin', roles: ['issuer-admin'], issuerId: 'west' });
  expect(
    (await call('POST', '/issuers', { token: admin, body: { id: 'east', name: 'East' } })).status,
  ).toBe(201);
  for (const name of ['Welding', 'Rigging', 'Safety']) {
    const created = await call('POST', '/issuers/east/achievements', {
      token: issuerAdmin,
      body: { definition: { name, description: name, criteria: { narrative: 'Passed.' } } },
    });
    ids.push(created.body.id as string);
  }
}, 60_000);

describe('POST /issuers/{issuerId}/pathways/validate', () => {
  it('names each bad node with the pointer and words a save answers with, storing nothing', async () => {
    const { call } = service();
    const bad = draft({
      allOf: [
        { achievement: ids[0] },
        { achievement: 'no-such-badge' },
        { nOf: { n: 3, of: [{ achievement: ids[1] }] } },
      ],
    });
    const check = await call('POST', '/issuers/east/pathways/validate', {
      token: issuerAdmin,
      body: bad,
    });
    const save = await call('POST', '/issuers/east/pathways', { token: issuerAdmin, body: bad });
    const list = await call('GET', '/issuers/east/pathways', { token: issuerAdmin });

    expect(check.status).toBe(200);
    expect(check.body.valid).toBe(false);
    expect(check.body.problems.map((p: { pointer: string }) => p.pointer)).toContain(
      '/root/allOf/1',
    );
    expect(save.status).toBe(400);
    expect(check.body.problems).toEqual(save.body.errors);
    expect(list.body.items).toEqual([]);
  });

  it('says valid for a good draft and refuses other issuers and non-objects', async () => {
    const { call } = service();
    const good = draft({ allOf: ids.map((achievement) => ({ achievement })) });
    const answers = await Promise.all([
      call('POST', '/issuers/east/pathways/validate', { token: issuerAdmin, body: good }),
      call('POST', '/issuers/east/pathways/validate', { token: otherAdmin, body: good }),
      call('POST', '/issuers/east/pathways/validate', { token: issuerAdmin, body: [1] }),
    ]);
    expect(answers.map((a) => a.status)).toEqual([200, 403, 400]);
    expect(answers[0]?.body).toEqual({ valid: true, problems: [] });
  });
});

describe('POST /issuers/{issuerId}/pathways/preview', () => {
  it('evaluates the draft for a sample learner, node by node', async () => {
    const { call } = service();
    const good = draft({
      label: 'all',
      allOf: [
        { achievement: ids[0] },
        { anyOf: [{ achievement: ids[1] }, { achievement: ids[2] }] },
      ],
    });
    const partial = await call('POST', '/issuers/east/pathways/preview', {
      token: issuerAdmin,
      body: { pathway: good, achievements: [ids[0]] },
    });
    const complete = await call('POST', '/issuers/east/pathways/preview', {
      token: issuerAdmin,
      body: { pathway: good, achievements: [ids[0], ids[2]] },
    });

    expect(partial.status).toBe(200);
    expect(partial.body).toMatchObject({ satisfied: false, progress: 50 });
    expect(
      partial.body.explanation.children.map((c: { path: string; satisfied: boolean }) => [
        c.path,
        c.satisfied,
      ]),
    ).toEqual([
      ['/root/allOf/0', true],
      ['/root/allOf/1', false],
    ]);
    expect(partial.body.explanation.children[0].requirement).toBe('Welding');
    expect(complete.body).toMatchObject({ satisfied: true, progress: 100 });
  });

  it('refuses an invalid draft and an unknown sample achievement', async () => {
    const { call } = service();
    const answers = await Promise.all([
      call('POST', '/issuers/east/pathways/preview', {
        token: issuerAdmin,
        body: { pathway: draft({ allOf: [] }), achievements: [] },
      }),
      call('POST', '/issuers/east/pathways/preview', {
        token: issuerAdmin,
        body: { pathway: draft({ achievement: ids[0] }), achievements: ['nope'] },
      }),
    ]);
    expect(answers.map((a) => a.status)).toEqual([400, 400]);
    expect(answers[1]?.body.errors).toEqual([
      { pointer: '/achievements/0', detail: 'unknown achievement "nope"' },
    ]);
  });
});
