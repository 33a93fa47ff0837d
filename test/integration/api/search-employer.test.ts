import { beforeAll, describe, expect, it } from 'vitest';
import {
  DEMO_EMPLOYER_ID,
  DEMO_ISSUER_ID,
  DEMO_OTHER_EMPLOYER_ID,
  seedDemoTenant,
} from '#local/seed.ts';
import { issuerDid } from '#shared/domain/ports/service-context.ts';
import { useService } from '#test/support/service-harness.ts';

/**
 * Employer search over HTTP on the demo tenant, with the table's stream feeding the indexer as
 * `npm start` runs it. Ada lets every employer find her, Katherine only the demo employer,
 * Grace holds badges but never consented.
 */

const service = useService({ streams: true });

const DATA_SCIENTISTS = 'ONET:15-2051.00';
const DATA_SCIENTIST_ESCO_URI =
  'http://data.europa.eu/esco/occupation/258e46f9-0075-4a2e-adae-1ff0477e0f30';
const STATISTICIANS = 'ONET:15-2041.00';

const tokens = {} as Record<
  'acme' | 'globex' | 'otherTenant' | 'admin' | 'ada' | 'grace' | 'katherine' | 'issuer',
  string
>;

beforeAll(async () => {
  const h = service();
  const sign = h.tokens.sign.bind(h.tokens);
  tokens.acme = await sign({ sub: 'u-acme', roles: ['employer'], employerId: DEMO_EMPLOYER_ID });
  tokens.globex = await sign({
    sub: 'u-globex',
    roles: ['employer'],
    employerId: DEMO_OTHER_EMPLOYER_ID,
  });
  tokens.otherTenant = await sign({
    sub: 'u-rival',
    roles: ['employer'],
    employerId: DEMO_EMPLOYER_ID,
    tenantId: 'rival-marketplace',
  });
  tokens.admin = await sign({ sub: 'u-admin', roles: ['platform-admin'] });
  tokens.issuer = await sign({ sub: 'u-nf', roles: ['issuer-admin'], issuerId: DEMO_ISSUER_ID });
  for (const learner of ['ada', 'grace', 'katherine'] as const)
    tokens[learner] = await sign({ sub: `u-${learner}`, roles: ['learner'], learnerId: learner });
  await seedDemoTenant(h.ctx);
  await h.drained();
}, 180_000);

function search(token: string, body: Record<string, unknown>) {
  return service().call('POST', '/candidates/search', { token, body });
}

const learnersOf = (body: { hits: { learnerId: string }[] }) =>
  body.hits.map((hit) => hit.learnerId).sort();

describe('employer search on the demo tenant', () => {
  it('finds only consenting candidates, each match explained by the badges behind it', async () => {
    const { status, body } = await search(tokens.acme, {
      mustHave: [DATA_SCIENTISTS],
      niceToHave: [STATISTICIANS],
    });

    expect(status).toBe(200);
    expect(learnersOf(body)).toEqual(['ada', 'katherine']);
    expect(body.total).toBe(2);
    expect(body.unknownSkills).toEqual([]);
    const katherine = body.hits.find((hit: { learnerId: string }) => hit.learnerId === 'katherine');
    expect(katherine.displayName).toBe('Katherine J.');
    expect(katherine.matched.mustHave.map((m: { skill: string }) => m.skill)).toEqual([
      DATA_SCIENTISTS,
    ]);
    const names = katherine.matched.mustHave[0].badges.map(
      (b: { achievementName: string }) => b.achievementName,
    );
    expect(names.sort()).toEqual(['Data Cleaning and Preparation', 'SQL Querying Fundamentals']);
    const sql = katherine.matched.mustHave[0].badges.find(
      (b: { achievementName: string }) => b.achievementName === 'SQL Querying Fundamentals',
    );
    expect(sql.issuerId).toBe(issuerDid(service().url, DEMO_ISSUER_ID));
    expect(sql.issuerName).toBe('Northfield Technical College');
    expect(sql.result).toBe('91');
    expect(sql.verifyUrl).toMatch(
      new RegExp(`^${service().url}/credentials/urn%3Auuid%3A[0-9a-f-]{36}/verify$`),
    );
    expect(katherine.matched.niceToHave.map((m: { skill: string }) => m.skill)).toEqual([
      STATISTICIANS,
    ]);
    expect(katherine.missing).toEqual({ niceToHave: [], atLeast: [] });
    // The verification link works for anyone.
    const page = await fetch(sql.verifyUrl);
    expect(page.status).toBe(200);
  });

  it('finds badges aligned to O*NET when asked in ESCO terms, saying it went through the crosswalk', async () => {
    const { body } = await search(tokens.acme, { mustHave: [DATA_SCIENTIST_ESCO_URI] });

    expect(learnersOf(body)).toEqual(['ada', 'katherine']);
    const match = body.hits[0].matched.mustHave[0];
    expect(match.skill).toBe('ESCO:258e46f9-0075-4a2e-adae-1ff0477e0f30');
    for (const badge of match.badges) expect(badge.via).toBe(DATA_SCIENTISTS);
    expect(body.skills).toEqual([
      { key: 'ESCO:258e46f9-0075-4a2e-adae-1ff0477e0f30', name: 'data scientist' },
    ]);
  });

  it('filters badges by issuer (hosted id or DID) and by the level of their result', async () => {
    const sql = 'ESCO:598de5b0-5b58-4ea7-8058-a4bc4d18c742';
    const byId = await search(tokens.acme, {
      mustHave: [sql],
      filter: { issuers: ['northfield'] },
    });
    const byDid = await search(tokens.acme, {
      mustHave: [sql],
      filter: { issuers: [issuerDid(service().url, DEMO_ISSUER_ID)] },
    });
    const elsewhere = await search(tokens.acme, {
      mustHave: [sql],
      filter: { issuers: ['did:web:elsewhere.example'] },
    });
    const scored = await search(tokens.acme, { mustHave: [sql], filter: { minResultLevel: 90 } });

    expect(learnersOf(byId.body)).toEqual(['ada', 'katherine']);
    expect(learnersOf(byDid.body)).toEqual(['ada', 'katherine']);
    expect(elsewhere.body.total).toBe(0);
    expect(learnersOf(scored.body)).toEqual(['katherine']);
    expect(scored.body.hits[0].matched.mustHave[0].badges[0].result).toBe('91');
  });

  it('shows a learner who consented to named employers only to those employers', async () => {
    const acme = await search(tokens.acme, { mustHave: [STATISTICIANS] });
    const globex = await search(tokens.globex, { mustHave: [STATISTICIANS] });

    expect(learnersOf(acme.body)).toEqual(['ada', 'katherine']);
    expect(learnersOf(globex.body)).toEqual(['ada']);
    expect(globex.body.total).toBe(1);
  });

  it('never counts a non-consenting learner in results, totals, facets, exports or profiles', async () => {
    // Grace holds the SQL badge and the only Database Architects badge of the demo.
    const all = await search(tokens.acme, { facets: true, size: 100 });
    const architects = await search(tokens.acme, { mustHave: ['ONET:15-1243.00'], facets: true });
    const text = await search(tokens.acme, { text: 'relational database design', facets: true });
    const exported = await service().call('POST', '/candidates/export', {
      token: tokens.acme,
      body: { facets: true },
    });
    const profile = await service().call('GET', '/candidates/grace', { token: tokens.acme });

    expect(learnersOf(all.body)).toEqual(['ada', 'katherine']);
    expect(all.body.total).toBe(2);
    const sqlFacet = all.body.facets.skills.find(
      (f: { key: string }) => f.key === 'ESCO:598de5b0-5b58-4ea7-8058-a4bc4d18c742',
    );
    expect(sqlFacet.count).toBe(2);
    expect(
      all.body.facets.skills.find((f: { key: string }) => f.key === 'ONET:15-1243.00'),
    ).toBeUndefined();
    expect([architects.body.total, architects.body.hits, architects.body.facets.skills]).toEqual([
      0,
      [],
      [],
    ]);
    expect([text.body.total, text.body.hits]).toEqual([0, []]);
    expect(exported.status).toBe(200);
    expect(exported.headers.get('content-type')).toMatch(/^text\/csv/);
    const rows = String(exported.body).trim().split('\r\n');
    expect(rows[0]).toBe('learnerId,displayName,score,matchedSkills,missingSkills,verifyUrls');
    expect(
      rows
        .slice(1)
        .map((row) => row.split(',')[0])
        .sort(),
    ).toEqual(['ada', 'katherine']);
    expect(String(exported.body)).not.toContain('grace');
    expect(profile.status).toBe(404);
    expect(profile.headers.get('content-type')).toBe('application/problem+json');
  });

  it('reports unknown skill codes back, and refuses text that is no skill key', async () => {
    const unknown = await search(tokens.acme, {
      mustHave: ['ONET:99-9999.99'],
      niceToHave: [DATA_SCIENTISTS],
    });
    const malformed = await search(tokens.acme, { mustHave: [DATA_SCIENTISTS, 'SQL'] });

    expect(unknown.status).toBe(200);
    expect([unknown.body.total, unknown.body.hits]).toEqual([0, []]);
    expect(unknown.body.unknownSkills).toEqual([
      {
        input: 'ONET:99-9999.99',
        key: 'ONET:99-9999.99',
        reason: 'no badge you can see and no entry of the crosswalk names this skill',
      },
    ]);
    expect(malformed.status).toBe(400);
    expect(malformed.body.errors).toEqual([
      {
        pointer: '/mustHave/1',
        detail:
          '"SQL" is not a skill key (ONET:<SOC code>, ESCO:<concept>, an ESCO URI or an O*NET OnLine link)',
      },
    ]);
  });

  it('pages through every hit exactly once, one per page, in either sort', async () => {
    for (const sort of ['relevance', 'recent'] as const) {
      const seen: string[] = [];
      let after: string | undefined;
      for (let page = 0; page < 10; page += 1) {
        // Time passes between pages: recency scores fall, and must not reorder the pages.
        await new Promise((done) => setTimeout(done, 20));
        const { status, body } = await search(tokens.acme, {
          mustHave: [DATA_SCIENTISTS],
          niceToHave: [STATISTICIANS],
          sort,
          size: 1,
          ...(after === undefined ? {} : { after }),
        });
        expect(status).toBe(200);
        expect(body.total).toBe(2);
        seen.push(...body.hits.map((hit: { learnerId: string }) => hit.learnerId));
        after = body.next;
        if (after === undefined) break;
      }
      expect([sort, [...seen].sort()]).toEqual([sort, ['ada', 'katherine']]);
    }
  });

  it('labels facets: skills by their O*NET and ESCO names, issuers by name', async () => {
    const { status, body } = await search(tokens.acme, {
      mustHave: [DATA_SCIENTISTS],
      facets: true,
    });

    expect(status).toBe(200);
    const skills = new Map(
      body.facets.skills.map((f: { key: string; label?: string }) => [f.key, f.label]),
    );
    expect(skills.get(DATA_SCIENTISTS)).toBe('Data Scientists');
    expect(skills.get('ESCO:258e46f9-0075-4a2e-adae-1ff0477e0f30')).toBe('data scientist');
    expect(body.facets.issuers).toEqual([
      {
        key: issuerDid(service().url, DEMO_ISSUER_ID),
        label: 'Northfield Technical College',
        count: 2,
      },
    ]);
  });

  it('rejects absurd page and query sizes with a problem naming the field', async () => {
    const page = await search(tokens.acme, { mustHave: [DATA_SCIENTISTS], size: 100_000 });
    const skills = await search(tokens.acme, {
      mustHave: Array.from({ length: 500 }, (_, i) => `ONET:15-${String(1000 + i)}.00`),
    });
    const text = await search(tokens.acme, { text: 'sql '.repeat(100) });
    const cursor = await search(tokens.acme, { after: 'not-a-cursor' });

    for (const response of [page, skills, text, cursor]) {
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
    }
    expect(page.body.errors).toEqual([{ pointer: '/size', detail: 'must be <= 100' }]);
    expect(skills.body.errors).toEqual([
      { pointer: '/mustHave', detail: 'must NOT have more than 20 items' },
    ]);
    expect(text.body.errors).toEqual([
      { pointer: '/text', detail: 'must NOT have more than 200 characters' },
    ]);
    expect(cursor.body.errors?.[0]?.pointer).toBe('/after');
  });

  it("never reads another tenant's candidates", async () => {
    const result = await search(tokens.otherTenant, { mustHave: [DATA_SCIENTISTS], facets: true });
    const profile = await service().call('GET', '/candidates/ada', { token: tokens.otherTenant });

    expect(result.status).toBe(200);
    expect([result.body.total, result.body.hits]).toEqual([0, []]);
    expect(result.body.facets).toEqual({ skills: [], issuers: [], achievementTypes: [] });
    expect(profile.status).toBe(404);
  });

  it('refuses search to anyone but an employer', async () => {
    const learner = await search(tokens.ada, { mustHave: [DATA_SCIENTISTS] });
    const anonymous = await service().call('POST', '/candidates/search', { body: {} });

    expect([learner.status, anonymous.status]).toEqual([403, 401]);
  });
});

describe('profiles and the audit trail', () => {
  it('shows a consenting candidate to a permitted employer, and the learner sees who looked', async () => {
    const acme = await service().call('GET', '/candidates/katherine', { token: tokens.acme });
    const globex = await service().call('GET', '/candidates/katherine', { token: tokens.globex });
    const activity = await service().call('GET', '/learners/katherine/search-activity', {
      token: tokens.katherine,
    });
    const someoneElse = await service().call('GET', '/learners/katherine/search-activity', {
      token: tokens.ada,
    });
    const log = await service().call('GET', `/employers/${DEMO_EMPLOYER_ID}/searches`, {
      token: tokens.acme,
    });

    expect(acme.status).toBe(200);
    expect(acme.body.displayName).toBe('Katherine J.');
    expect(
      acme.body.badges.map((b: { achievementName: string }) => b.achievementName).sort(),
    ).toEqual([
      'Data Cleaning and Preparation',
      'SQL Querying Fundamentals',
      'Statistics for Analysts',
    ]);
    expect(globex.status).toBe(404);
    expect(activity.status).toBe(200);
    const kinds = new Set(activity.body.items.map((e: { kind: string }) => e.kind));
    expect(kinds).toEqual(new Set(['search-hit', 'profile-view', 'export']));
    for (const event of activity.body.items) expect(event.employerId).toBe(DEMO_EMPLOYER_ID);
    const found = activity.body.items
      .filter((e: { kind: string }) => e.kind === 'search-hit')
      .flatMap((e: { skills: string[] }) => e.skills);
    expect(new Set(found)).toEqual(
      new Set([
        DATA_SCIENTISTS,
        STATISTICIANS,
        'ESCO:258e46f9-0075-4a2e-adae-1ff0477e0f30',
        'ESCO:598de5b0-5b58-4ea7-8058-a4bc4d18c742',
      ]),
    );
    expect(someoneElse.status).toBe(403);
    expect(log.status).toBe(200);
    expect(log.body.items[0].kind).toBe('profile-view');
    expect(log.body.items.some((r: { kind: string }) => r.kind === 'export')).toBe(true);
    expect(
      log.body.items.every((r: { employerId: string }) => r.employerId === DEMO_EMPLOYER_ID),
    ).toBe(true);
  });
});

describe('keeping the index in step', () => {
  it('drops a revoked badge from the results once the stream has been indexed', async () => {
    const before = await search(tokens.acme, { mustHave: [STATISTICIANS] });
    const katherine = before.body.hits.find(
      (h: { learnerId: string }) => h.learnerId === 'katherine',
    );
    const statistics = katherine.matched.mustHave[0].badges[0];
    const credentialId = decodeURIComponent(
      statistics.verifyUrl.replace(`${service().url}/credentials/`, '').replace('/verify', ''),
    );

    const revoked = await service().call('POST', '/credentials/status', {
      token: tokens.issuer,
      body: {
        credentialId,
        credentialStatus: [{ type: 'BitstringStatusListCredential', status: 'revoked' }],
      },
    });
    await service().drained();
    const after = await search(tokens.acme, { mustHave: [STATISTICIANS] });

    expect(revoked.status).toBe(200);
    expect(learnersOf(after.body)).toEqual(['ada']);
  });

  it('removes a learner who withdraws consent before the withdrawal is answered', async () => {
    const withdrawn = await service().call('DELETE', '/learners/ada/consent', {
      token: tokens.ada,
    });
    // No wait for the stream: the withdrawal re-indexed Ada itself.
    const now = await search(tokens.acme, { mustHave: [DATA_SCIENTISTS], facets: true });
    const profile = await service().call('GET', '/candidates/ada', { token: tokens.acme });
    await service().drained();
    const later = await search(tokens.globex, { facets: true });

    expect(withdrawn.status).toBe(200);
    expect([withdrawn.body.state, withdrawn.body.discoverable]).toEqual(['withdrawn', false]);
    expect(learnersOf(now.body)).toEqual(['katherine']);
    expect(profile.status).toBe(404);
    expect([later.body.total, later.body.facets.skills]).toEqual([0, []]);
  });

  it('brings a learner back when they consent again, to the employers they name', async () => {
    const given = await service().call('PUT', '/learners/ada/consent', {
      token: tokens.ada,
      body: { displayName: 'Ada Lovelace', employers: [DEMO_OTHER_EMPLOYER_ID] },
    });
    const globex = await search(tokens.globex, { mustHave: [DATA_SCIENTISTS] });
    const acme = await search(tokens.acme, { mustHave: [DATA_SCIENTISTS] });

    expect(given.status).toBe(200);
    expect(given.body).toMatchObject({
      state: 'given',
      displayName: 'Ada Lovelace',
      employers: [DEMO_OTHER_EMPLOYER_ID],
      discoverable: true,
    });
    expect(globex.body.hits.map((h: { displayName: string }) => h.displayName)).toEqual([
      'Ada Lovelace',
    ]);
    expect(learnersOf(acme.body)).toEqual(['katherine']);
  });

  it('refuses consent with a past end date or a blank name, changing nothing', async () => {
    const past = await service().call('PUT', '/learners/grace/consent', {
      token: tokens.grace,
      body: { displayName: 'Grace H.', employers: 'all', until: '2020-01-01T00:00:00Z' },
    });
    const blank = await service().call('PUT', '/learners/grace/consent', {
      token: tokens.grace,
      body: { displayName: '   ', employers: 'all' },
    });
    const stored = await service().call('GET', '/learners/grace/consent', { token: tokens.grace });

    expect([past.status, blank.status, stored.status]).toEqual([400, 400, 404]);
    expect(past.body.errors).toEqual([{ pointer: '/until', detail: 'a date-time in the future' }]);
  });
});
