import { describe, expect, it } from 'vitest';
import { decodeCursor } from '#shared/adapters/opensearch/query.ts';
import { readSearchResponse, recencyScore } from '#shared/adapters/opensearch/results.ts';
import type { IndexedBadge, SearchQuery } from '#shared/domain/ports/search-index.ts';

const NOW = '2026-06-01T00:00:00.000Z';
const DAY_MS = 86_400_000;
const daysAgo = (days: number) => new Date(Date.parse(NOW) - days * DAY_MS).toISOString();

const QUERY: SearchQuery = {
  tenantId: 'tenant-1',
  employerId: 'employer-1',
  now: NOW,
  mustHave: ['ONET:15-2051.00'],
  niceToHave: ['ESCO:S5.5.1', 'ESCO:S9.9.9'],
  atLeast: { n: 1, of: ['ONET:15-1252.00', 'ESCO:S1'] },
  text: 'python',
  filter: {},
  sort: 'relevance',
  size: 2,
  facets: false,
};

function badge(id: string, age: number, skills: IndexedBadge['skills']): IndexedBadge {
  return {
    credentialId: `urn:uuid:${id}`,
    verifyUrl: `https://credstack.example/credentials/${id}/verify`,
    issuerId: 'did:web:x.example',
    issuerName: 'Issuer X',
    achievementId: `urn:ach:${id}`,
    achievementName: `Python ${id}`,
    achievementType: 'Badge',
    skills,
    issuedAt: daysAgo(age),
    result: { value: 'A', level: 90 },
  };
}

const direct = badge('a1', 10, [
  { key: 'ONET:15-2051.00', framework: 'ONET', code: '15-2051.00' },
  { key: 'ESCO:S5.5.1', framework: 'ESCO', code: 'S5.5.1', via: 'ONET:15-2051.00' },
]);
const older = badge('a2', 200, [{ key: 'ONET:15-1252.00', framework: 'ONET', code: '15-1252.00' }]);

/** Inner hits as OpenSearch returns them: nested source, position, sort values. */
function inner(...badges: IndexedBadge[]) {
  return {
    hits: {
      total: { value: badges.length, relation: 'eq' },
      hits: badges.map((b, offset) => ({
        _nested: { field: 'badges', offset },
        _source: b,
        sort: [Date.parse(b.issuedAt), b.credentialId],
      })),
    },
  };
}

function hit(learnerId: string, score: number, innerHits: Record<string, unknown>) {
  return {
    _id: `tenant-1:${learnerId}`,
    _score: score,
    _source: { learnerId, displayName: `Learner ${learnerId}` },
    sort: [score, learnerId],
    inner_hits: innerHits,
  };
}

const ada = hit('ada', 1.97, {
  'mustHave:0': inner(direct),
  'niceToHave:0': inner(direct),
  'niceToHave:1': inner(),
  'atLeast:0': inner(older),
  'atLeast:1': inner(),
  text: inner(direct, older),
  newest: { hits: { hits: [{ sort: [Date.parse(direct.issuedAt), direct.credentialId] }] } },
});

describe('readSearchResponse', () => {
  it('explains a hit from the inner hits of each named skill query', () => {
    const body = { hits: { total: { value: 1, relation: 'eq' }, hits: [ada] } };

    const result = readSearchResponse(QUERY, body);

    const matchedDirect = {
      credentialId: 'urn:uuid:a1',
      verifyUrl: 'https://credstack.example/credentials/a1/verify',
      issuerId: 'did:web:x.example',
      issuerName: 'Issuer X',
      achievementName: 'Python a1',
      issuedAt: daysAgo(10),
      result: 'A',
    };
    const matchedOlder = {
      ...matchedDirect,
      credentialId: 'urn:uuid:a2',
      verifyUrl: 'https://credstack.example/credentials/a2/verify',
      achievementName: 'Python a2',
      issuedAt: daysAgo(200),
    };
    expect(result).toEqual({
      total: 1,
      hits: [
        {
          learnerId: 'ada',
          displayName: 'Learner ada',
          score: 1 + 0.99 * 0.5 ** (10 / 365),
          matched: {
            mustHave: [{ skill: 'ONET:15-2051.00', badges: [matchedDirect] }],
            niceToHave: [
              { skill: 'ESCO:S5.5.1', badges: [{ ...matchedDirect, via: 'ONET:15-2051.00' }] },
            ],
            atLeast: [{ skill: 'ONET:15-1252.00', badges: [matchedOlder] }],
            text: [matchedDirect, matchedOlder],
          },
          missing: { niceToHave: ['ESCO:S9.9.9'], atLeast: ['ESCO:S1'] },
        },
      ],
    });
  });

  it('scores 0 recency when no badge matched a queried skill, and reads absent inner hits as none', () => {
    const bare = hit('bo', 0, {});
    const body = { hits: { total: { value: 1, relation: 'eq' }, hits: [bare] } };

    const [only] = readSearchResponse({ ...QUERY, mustHave: [] }, body).hits;

    expect(only?.score).toBe(0);
    expect(only?.missing).toEqual({
      niceToHave: ['ESCO:S5.5.1', 'ESCO:S9.9.9'],
      atLeast: ['ONET:15-1252.00', 'ESCO:S1'],
    });
  });

  it('gives a next cursor at the last hit of the page only when one more hit came back', () => {
    const three = [hit('ada', 1.5, {}), hit('bo', 1.25, {}), hit('cy', 1, {})];
    const full = { hits: { total: { value: 3, relation: 'eq' }, hits: three } };
    const last = { hits: { total: { value: 3, relation: 'eq' }, hits: three.slice(1) } };

    const first = readSearchResponse(QUERY, full);
    const final = readSearchResponse(QUERY, last);

    expect(first.hits.map((h) => h.learnerId)).toEqual(['ada', 'bo']);
    expect(decodeCursor('relevance', first.next ?? '')).toEqual([1.25, 'bo']);
    expect(final.hits).toHaveLength(2);
    expect(final.next).toBeUndefined();
  });

  it('reads facet buckets as candidate counts', () => {
    const buckets = (...pairs: [string, number, number][]) => ({
      doc_count_error_upper_bound: 0,
      sum_other_doc_count: 0,
      buckets: pairs.map(([key, badges, candidates]) => ({
        key,
        doc_count: badges,
        candidates: { doc_count: candidates },
      })),
    });
    const body = {
      hits: { total: { value: 0, relation: 'eq' }, hits: [] },
      aggregations: {
        facets: {
          doc_count: 5,
          counting: {
            doc_count: 4,
            skills: buckets(['ONET:15-2051.00', 3, 2], ['ESCO:S5.5.1', 1, 1]),
            issuers: buckets(['did:web:x.example', 4, 2]),
            achievementTypes: buckets(),
          },
        },
      },
    };

    const result = readSearchResponse({ ...QUERY, facets: true }, body);

    expect(result.facets).toEqual({
      skills: [
        { key: 'ONET:15-2051.00', count: 2 },
        { key: 'ESCO:S5.5.1', count: 1 },
      ],
      issuers: [{ key: 'did:web:x.example', count: 2 }],
      achievementTypes: [],
    });
  });

  it('refuses a response that is not a search response as FETCH_FAILED', () => {
    for (const body of [undefined, {}, { hits: { hits: [] } }]) {
      expect(() => readSearchResponse(QUERY, body)).toThrow(
        expect.objectContaining({ code: 'FETCH_FAILED' }),
      );
    }
    expect(() =>
      readSearchResponse({ ...QUERY, facets: true }, { hits: { total: { value: 0 }, hits: [] } }),
    ).toThrow(expect.objectContaining({ code: 'FETCH_FAILED' }));
  });
});

describe('recencyScore', () => {
  it('halves every 365 days from 0.99 and treats a future date as today', () => {
    const now = Date.parse(NOW);

    expect(recencyScore(now, NOW)).toBe(0.99);
    expect(recencyScore(now - 365 * DAY_MS, NOW)).toBe(0.495);
    expect(recencyScore(now - 730 * DAY_MS, NOW)).toBe(0.2475);
    expect(recencyScore(now + DAY_MS, NOW)).toBe(0.99);
  });
});
