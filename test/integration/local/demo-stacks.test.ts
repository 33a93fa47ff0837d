import { beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ISSUER_ID, seedDemoTenant } from '#local/seed.ts';
import { credentialJson } from '#shared/domain/issuance.ts';
import type { CredentialRecord } from '#shared/domain/records/records.ts';
import { verifyWithCli } from '#test/support/cli-verify.ts';
import { useService } from '#test/support/service-harness.ts';

/**
 * The issue's walk-through in the local runtime: the seeded demo tenant with its three stacks,
 * the stream consumers running as under `npm start`. Ada, one elective short of Data Analyst
 * Foundations, earns it with one more badge; the award verifies with the command line against
 * the running service; revoking a constituent suspends it.
 */

const service = useService({ streams: true });

let admin: string;
let issuerAdmin: string;
let ada: string;
let grace: string;
let idsByName: Record<string, string>;

interface Evidence {
  id: string;
  name: string;
  narrative: string;
  genre: string;
}

/** The evidence of a pathway credential as signed. */
function evidenceOf(record: CredentialRecord | undefined): Evidence[] {
  return (credentialJson(record as CredentialRecord).evidence ?? []) as Evidence[];
}

async function issueTo(learnerId: string, email: string, name: string): Promise<string> {
  const issued = await service().call('POST', '/credentials/issue', {
    token: admin,
    body: {
      credential: {
        issuer: DEMO_ISSUER_ID,
        credentialSubject: { email, achievement: { id: idsByName[name] } },
      },
      options: { learnerId },
    },
  });
  expect(issued.status).toBe(201);
  await service().drained();
  return issued.body.id as string;
}

async function setStatus(credentialId: string, status: 'revoked' | 'suspended') {
  const response = await service().call('POST', '/credentials/status', {
    token: admin,
    body: { credentialId, credentialStatus: [{ status }] },
  });
  expect(response.status).toBe(200);
  await service().drained();
}

/** Progress and what-if with nothing added, for one pathway: the same evaluation. */
async function bothViews(pathwayId: string) {
  const listed = await service().call('GET', '/learners/ada/pathways', { token: ada });
  const whatIf = await service().call(
    'POST',
    `/learners/ada/pathways/${DEMO_ISSUER_ID}/${pathwayId}/what-if`,
    { token: ada, body: { achievements: [] } },
  );
  expect([listed.status, whatIf.status]).toEqual([200, 200]);
  const { newlySatisfied, progressDelta, ...asProgress } = whatIf.body;
  expect([newlySatisfied, progressDelta]).toEqual([[], 0]);
  return {
    progress: listed.body.items.find(
      (i: { pathway: { id: string } }) => i.pathway.id === pathwayId,
    ),
    whatIf: asProgress,
  };
}

async function pathwayAwards(learnerId: string): Promise<CredentialRecord[]> {
  const { items } = await service().ctx.credentials.listByLearner(learnerId);
  return items.filter((r) => r.award !== undefined && r.award.milestone === undefined);
}

async function progress(pathwayId: string): Promise<{ progress: number; nextSteps: unknown[] }> {
  const response = await service().call('GET', '/learners/ada/pathways', { token: ada });
  expect(response.status).toBe(200);
  return response.body.items.find((i: { pathway: { id: string } }) => i.pathway.id === pathwayId);
}

beforeAll(async () => {
  const { ctx, tokens } = service();
  admin = await tokens.sign({ sub: 'platform', roles: ['platform-admin'] });
  ada = await tokens.sign({ sub: 'ada', roles: ['learner'], learnerId: 'ada' });
  grace = await tokens.sign({ sub: 'grace', roles: ['learner'], learnerId: 'grace' });
  issuerAdmin = await tokens.sign({
    sub: 'northfield-admin',
    roles: ['issuer-admin'],
    issuerId: DEMO_ISSUER_ID,
  });
  const tenant = await seedDemoTenant(ctx);
  idsByName = Object.fromEntries(tenant.achievements.map((a) => [a.definition.name, a.id]));
  await service().drained();
}, 120_000);

describe('the demo stacks', () => {
  it('publishes three stacks, awarding the seeded learners nothing but the milestone they reached', async () => {
    const published = await service().ctx.pathways.listPublished();

    expect(published.map((h) => h.pathwayId).sort()).toEqual([
      'bi-specialist',
      'data-analyst-foundations',
      'database-essentials',
    ]);
    expect(await pathwayAwards('ada')).toEqual([]);
    const { items } = await service().ctx.credentials.listByLearner('ada');
    expect(
      items.filter((r) => r.award?.milestone !== undefined).map((r) => r.achievementId),
    ).toEqual([idsByName['Data Foundations Milestone']]);
  });

  it('tells Ada what is missing in words: the elective credits, and the badges that carry them', async () => {
    const before = await progress('data-analyst-foundations');

    expect(before.progress).toBeGreaterThan(50);
    expect(before.progress).toBeLessThan(100);
    const [step, ...more] = before.nextSteps as {
      kind: string;
      requirement: string;
      creditsNeeded: number;
      options: { name: string; credits: number; url: string; issuer: { name: string } }[];
      smallestSet: string[];
    }[];
    expect(more).toEqual([]);
    expect(step).toMatchObject({
      kind: 'credits',
      requirement: 'Six credits of analytics electives',
    });
    const cleaning = step?.options.find((o) => o.name === 'Data Cleaning and Preparation');
    expect(cleaning).toMatchObject({
      credits: 2,
      issuer: { name: 'Northfield Technical College' },
      url: `${service().ctx.baseUrl}/issuers/${DEMO_ISSUER_ID}/achievements/${idsByName['Data Cleaning and Preparation']}`,
    });
    // The fewest badges that would do it, first: Data Cleaning alone (with it, Data
    // Visualisation takes the second analysis place and Statistics' three credits count as
    // electives: two credits were never all that was short), which what-if confirms.
    expect(step?.smallestSet).toEqual([idsByName['Data Cleaning and Preparation']]);
    expect(step?.options[0]?.name).toBe('Data Cleaning and Preparation');
    const confirmed = await service().call(
      'POST',
      `/learners/ada/pathways/${DEMO_ISSUER_ID}/data-analyst-foundations/what-if`,
      { token: ada, body: { achievements: step?.smallestSet } },
    );
    expect(confirmed.body.satisfied).toBe(true);
    // People's words everywhere, never a rule path (paths stay as the nodes' ids only).
    const explanation = JSON.stringify(
      (await service().call('GET', '/learners/ada/pathways', { token: ada })).body.items.map(
        (i: { explanation: unknown }) => i.explanation,
      ),
    );
    expect(explanation).toContain('"requirement":"SQL Querying Fundamentals"');
    expect(explanation).not.toMatch(/"requirement":"[^"]*\/root/);
  });

  it('answers a what-if with nothing added exactly as progress does, sub-pathways included', async () => {
    for (const pathwayId of ['data-analyst-foundations', 'bi-specialist']) {
      const { progress: listed, whatIf } = await bothViews(pathwayId);
      expect(whatIf).toEqual(listed);
    }
  });

  it('awards Data Analyst Foundations when the last badge arrives, verifiable with the command line', async () => {
    const issued = await service().call('POST', '/credentials/issue', {
      token: admin,
      body: {
        credential: {
          issuer: DEMO_ISSUER_ID,
          credentialSubject: {
            email: 'ada.learner@mail.example',
            achievement: { id: idsByName['Data Cleaning and Preparation'] },
          },
        },
        options: { learnerId: 'ada' },
      },
    });
    expect(issued.status).toBe(201);
    await service().drained();

    const [award] = await pathwayAwards('ada');
    expect(award?.award?.pathwayId).toBe('data-analyst-foundations');
    expect((await progress('data-analyst-foundations')).progress).toBe(100);
    const listed = await service().call('GET', '/learners/ada/credentials', { token: ada });
    const shown = listed.body.items.find((i: { id: string }) => i.id === award?.id);
    expect(shown).toMatchObject({
      achievement: { name: 'Data Analyst Foundations' },
      award: { pathwayId: 'data-analyst-foundations', version: 1 },
    });
    const report = await verifyWithCli(award?.signed ?? '');
    expect([report.verdict, report.issuerBinding.bound]).toEqual(['valid', true]);
  });

  it("shows the award's page with a working image and a link to each contributing credential's page", async () => {
    const { url } = service();
    const [award] = await pathwayAwards('ada');
    const pageUrl = `${url}/credentials/${encodeURIComponent(award?.id ?? '')}/verify`;

    const html = await (await fetch(pageUrl, { headers: { accept: 'text/html' } })).text();
    const image = await fetch(`${url}/credentials/${encodeURIComponent(award?.id ?? '')}/image`);
    const links = [...html.matchAll(/<a href="([^"]+\/verify)">/g)].map((match) => match[1]);

    expect([image.status, image.headers.get('content-type')]).toEqual([200, 'image/svg+xml']);
    expect(await image.text()).toContain('Data Analyst');
    expect(links.sort()).toEqual(
      (award?.award?.contributing ?? [])
        .map((id) => `${url}/credentials/${encodeURIComponent(id)}/verify`)
        .sort(),
    );
    for (const link of links) {
      expect((await fetch(link ?? '', { headers: { accept: 'text/html' } })).status).toBe(200);
    }
  });

  it('serves every image the demo issuer and its badges name', async () => {
    const { url, ctx } = service();
    const issuer = await ctx.issuers.get(DEMO_ISSUER_ID);
    const { items } = await ctx.achievements.list(DEMO_ISSUER_ID);
    const images = [issuer?.profile.image, ...items.map((a) => a.definition.image)];

    expect(
      images.every(
        (image) =>
          typeof image === 'string' && image.startsWith(`${url}/issuers/${DEMO_ISSUER_ID}/images/`),
      ),
    ).toBe(true);
    for (const image of images) {
      const response = await fetch(String(image));
      expect([response.status, response.headers.get('content-type')]).toEqual([
        200,
        'image/svg+xml',
      ]);
    }
    const unknown = await fetch(`${url}/issuers/${DEMO_ISSUER_ID}/images/not-a-badge.svg`);
    expect(unknown.status).toBe(404);
  });

  it('names every contributing credential as evidence, credit sums included, in words', async () => {
    const [award] = await pathwayAwards('ada');
    const evidence = evidenceOf(award).filter((e) => e.genre === 'Contributing credential');

    // Exactly the credentials the award says contributed, and the badge that completed it.
    expect(evidence.map((e) => e.id).sort()).toEqual(
      [...(award?.award?.contributing ?? [])].sort(),
    );
    const names = evidence.map((e) => e.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'SQL Querying Fundamentals',
        'Spreadsheet Modelling',
        'Data Cleaning and Preparation',
        'Dashboard Design',
      ]),
    );
    expect(evidence.length).toBeGreaterThanOrEqual(6);
    const electives = evidence.filter((e) =>
      e.narrative.includes('Six credits of analytics electives'),
    );
    expect(electives.length).toBeGreaterThanOrEqual(2);
    for (const e of electives) expect(e.narrative).toMatch(/^Counted \d+ credits? toward /);
    expect(evidence.find((e) => e.name === 'SQL Querying Fundamentals')?.narrative).toBe(
      'Met the requirement "SQL Querying Fundamentals" (part of "Core: SQL querying and spreadsheet modelling") of Data Analyst Foundations.',
    );
    for (const e of evidence) expect(e.narrative).not.toContain('/root');
  });

  it('agrees between what-if and the real thing on a stack built on another', async () => {
    const { progress: listed, whatIf } = await bothViews('bi-specialist');
    expect(whatIf).toEqual(listed);
    // Foundations held and dashboards: two of three requirements.
    expect(listed.progress).toBe(66);
    const storytelling = idsByName['Data Storytelling'];
    const asked = await service().call(
      'POST',
      `/learners/ada/pathways/${DEMO_ISSUER_ID}/bi-specialist/what-if`,
      { token: ada, body: { achievements: [storytelling] } },
    );
    expect([asked.body.satisfied, asked.body.progress]).toEqual([true, 100]);

    await issueTo('ada', 'ada.learner@mail.example', 'Data Storytelling');
    const bi = (await pathwayAwards('ada')).find((a) => a.award?.pathwayId === 'bi-specialist');
    expect(bi?.state).toBe('active');
    const [foundations] = (await pathwayAwards('ada')).filter(
      (a) => a.award?.pathwayId === 'data-analyst-foundations',
    );
    expect(evidenceOf(bi).find((e) => e.id === foundations?.id)?.narrative).toBe(
      'Met the requirement "the Data Analyst Foundations pathway" of Business Intelligence Specialist.',
    );
  });

  it('suspends the award when a constituent is revoked', async () => {
    const [award] = (await pathwayAwards('ada')).filter(
      (a) => a.award?.pathwayId === 'data-analyst-foundations',
    );
    const sql = award?.award?.contributing[0] as string;
    await setStatus(sql, 'revoked');

    const after = (await pathwayAwards('ada')).find((a) => a.id === award?.id);
    expect(after?.state).toBe('suspended');
  });

  it('revokes Database Administration Essentials on lapse, and awards it again with current evidence', async () => {
    const awards = async () =>
      (await pathwayAwards('grace')).filter((a) => a.award?.pathwayId === 'database-essentials');
    await issueTo('grace', 'grace.learner@mail.example', 'Database Backup and Recovery');
    const [first] = await awards();
    expect(first?.state).toBe('active');
    const oldSql = first?.award?.contributing[0] as string;

    await setStatus(oldSql, 'revoked');
    expect((await awards()).map((a) => a.state)).toEqual(['revoked']);

    const newSql = await issueTo(
      'grace',
      'grace.learner@mail.example',
      'SQL Querying Fundamentals',
    );
    const now = await awards();
    const live = now.filter((a) => a.state === 'active');
    expect(now).toHaveLength(2);
    expect(live).toHaveLength(1);
    const cited = evidenceOf(live[0]).map((e) => e.id);
    expect(cited).toContain(newSql);
    expect(cited).not.toContain(oldSql);
    const shown = await service().call('GET', '/learners/grace/credentials', { token: grace });
    expect(
      shown.body.items.filter(
        (i: { award?: { pathwayId: string } }) => i.award?.pathwayId === 'database-essentials',
      ),
    ).toHaveLength(2);
  });
});

describe("an issuer's own pathways", () => {
  const save = (body: object, token = issuerAdmin) =>
    service().call('POST', `/issuers/${DEMO_ISSUER_ID}/pathways`, { token, body });
  const rule = (id: string, root: object) => ({
    format: 'credstack-pathway/1',
    id,
    version: 1,
    name: `Pathway ${id}`,
    root,
  });

  it('refuses a credit sum or a minimum result no achievement can reach, with the pointer', async () => {
    const credits = await save(
      rule('too-many-credits', {
        credits: { atLeast: 50, of: { achievement: idsByName['Spreadsheet Modelling'] } },
      }),
    );
    const score = await save(
      rule('impossible-score', {
        allOf: [
          {
            achievement: idsByName['SQL Querying Fundamentals'],
            minResult: { atLeast: '120' },
          },
        ],
      }),
    );
    const description = await save(
      rule('unknown-result', {
        achievement: idsByName['Data Visualisation'],
        minResult: { resultDescription: 'https://example.org/no-such-result', atLeast: '50' },
      }),
    );

    expect([credits.status, score.status, description.status]).toEqual([400, 400, 400]);
    expect(credits.body.errors[0]).toEqual({
      pointer: '/root',
      detail: 'unsatisfiable: needs 50 credits but at most 1 are achievable',
    });
    expect(score.body.errors[0].pointer).toBe('/root/allOf/0/minResult');
    expect(description.body.errors[0].pointer).toBe('/root/minResult');
    const listed = await service().call('GET', `/issuers/${DEMO_ISSUER_ID}/pathways`, {
      token: issuerAdmin,
    });
    expect(listed.body.items.map((i: { pathwayId: string }) => i.pathwayId)).not.toContain(
      'too-many-credits',
    );
  });

  it("accepts an achievement's URL and an ONET skill matching O*NET-SOC alignments", async () => {
    const url = `${service().ctx.baseUrl}/issuers/${DEMO_ISSUER_ID}/achievements/${idsByName['Data Visualisation']}`;
    const saved = await save(
      rule('viz-and-data-science', {
        allOf: [{ achievement: url }, { skill: { framework: 'ONET', code: '15-2051' } }],
      }),
    );
    expect(saved.status).toBe(201);
    expect(saved.body.definition.root.allOf[0]).toEqual({
      achievement: idsByName['Data Visualisation'],
    });
    const published = await service().call(
      'POST',
      `/issuers/${DEMO_ISSUER_ID}/pathways/viz-and-data-science/versions/1/publish`,
      { token: issuerAdmin },
    );
    expect(published.status).toBe(200);
    await service().drained();

    const item = await progress('viz-and-data-science');
    expect(item).toMatchObject({ satisfied: true, progress: 100 });
  });

  it('lists its pathways: drafts for its admin only, published ones for anyone', async () => {
    const draft = await save(
      rule('draft-only', {
        anyOf: [
          { achievement: idsByName['Data Storytelling'] },
          { achievement: idsByName['Relational Database Design'] },
        ],
      }),
    );
    expect(draft.status).toBe(201);

    const own = await service().call('GET', `/issuers/${DEMO_ISSUER_ID}/pathways`, {
      token: issuerAdmin,
    });
    const anyone = await service().call('GET', `/issuers/${DEMO_ISSUER_ID}/pathways`);
    expect([own.status, anyone.status]).toEqual([200, 200]);
    const ids = (body: { items: { pathwayId: string }[] }) => body.items.map((i) => i.pathwayId);
    expect(ids(own.body)).toContain('draft-only');
    expect(ids(anyone.body)).not.toContain('draft-only');
    expect(ids(anyone.body)).toEqual(
      expect.arrayContaining(['bi-specialist', 'data-analyst-foundations', 'database-essentials']),
    );
    expect(own.body.items.find((i: { pathwayId: string }) => i.pathwayId === 'draft-only')).toEqual(
      {
        issuerId: DEMO_ISSUER_ID,
        pathwayId: 'draft-only',
        name: 'Pathway draft-only',
        latestVersion: 1,
        url: `${service().ctx.baseUrl}/issuers/${DEMO_ISSUER_ID}/pathways/draft-only`,
      },
    );
    const version = `/issuers/${DEMO_ISSUER_ID}/pathways/draft-only/versions/1`;
    const readOwn = await service().call('GET', version, { token: issuerAdmin });
    const readPublic = await service().call('GET', version);
    expect([readOwn.status, readPublic.status]).toEqual([200, 404]);
  });

  it('lists the other ways to meet a requirement next to the step it suggests', async () => {
    const saved = await save(
      rule('story-or-chart', {
        allOf: [
          { achievement: idsByName['Dashboard Design'] },
          {
            title: 'Present your findings',
            anyOf: [
              { achievement: idsByName['Data Storytelling'] },
              { achievement: idsByName['Data Visualisation'] },
            ],
          },
        ],
      }),
    );
    expect(saved.status).toBe(201);
    const published = await service().call(
      'POST',
      `/issuers/${DEMO_ISSUER_ID}/pathways/story-or-chart/versions/1/publish`,
      { token: issuerAdmin },
    );
    expect(published.status).toBe(200);
    await service().drained();

    // Grace holds database badges only: both requirements are missing.
    const listed = await service().call('GET', '/learners/grace/pathways', { token: grace });
    const item = listed.body.items.find(
      (i: { pathway: { id: string } }) => i.pathway.id === 'story-or-chart',
    );
    expect(
      item.nextSteps.map((s: { requirement: string; options: { name: string }[] }) => [
        s.requirement,
        s.options.map((o) => o.name),
      ]),
    ).toEqual([
      ['Dashboard Design', ['Dashboard Design']],
      ['Data Storytelling', ['Data Storytelling']],
    ]);
    expect(item.nextSteps[1].alternatives).toEqual([
      {
        path: '/root/allOf/1/anyOf/1',
        requirement: 'Data Visualisation',
        options: [expect.objectContaining({ name: 'Data Visualisation', credits: 1 })],
      },
    ]);
    expect(item.explanation.children[1].requirement).toBe('Present your findings');
  });
});
