import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  badgeConditions,
  buildSearchBody,
  decodeCursor,
  encodeCursor,
} from '#shared/adapters/opensearch/query.ts';
import type { SearchQuery } from '#shared/domain/ports/search-index.ts';

const NOW = '2026-06-01T00:00:00.000Z';

const BASE: SearchQuery = {
  tenantId: 'tenant-1',
  employerId: 'employer-1',
  now: NOW,
  mustHave: [],
  niceToHave: [],
  filter: {},
  sort: 'relevance',
  size: 20,
  facets: false,
};

type Json = Record<string, unknown>;

/** A badge counts only while live: no validUntil, or one not before `now`. */
const LIVE = {
  bool: {
    should: [
      { bool: { must_not: [{ exists: { field: 'badges.validUntil' } }] } },
      { range: { 'badges.validUntil': { gte: NOW } } },
    ],
    minimum_should_match: 1,
  },
};

const NEWEST_FIRST = [{ 'badges.issuedAt': 'desc' }, { 'badges.credentialId': 'asc' }];

/** A named nested clause as the builder writes it: `conditions` met by one badge. */
function named(name: string, conditions: Json[]): Json {
  return {
    nested: {
      path: 'badges',
      query: { bool: { filter: conditions } },
      _name: name,
      inner_hits: { name, size: 100, sort: NEWEST_FIRST, _source: true },
    },
  };
}

function recency(conditions: Json[]): Json {
  return {
    nested: {
      path: 'badges',
      score_mode: 'max',
      query: {
        function_score: {
          query: { bool: { filter: conditions } },
          functions: [
            {
              exp: { 'badges.issuedAt': { origin: NOW, scale: '365d', decay: 0.5 } },
              weight: 0.99,
            },
          ],
          boost_mode: 'replace',
        },
      },
      inner_hits: { name: 'newest', size: 1, sort: NEWEST_FIRST, _source: false },
    },
  };
}

const skill = (key: string) => ({ term: { 'badges.skills.key': key } });

function queryOf(body: Json): { filter: Json[]; should: Json[]; must_not: Json[] } {
  return (body.query as { bool: { filter: Json[]; should: Json[]; must_not: Json[] } }).bool;
}

describe('buildSearchBody', () => {
  it('holds tenant, consent, removal markers and one counting badge in filter context', () => {
    const body = buildSearchBody(BASE);

    expect(body).toEqual({
      size: 21,
      track_total_hits: true,
      _source: ['learnerId', 'displayName'],
      query: {
        bool: {
          filter: [
            { term: { tenantId: 'tenant-1' } },
            {
              bool: {
                should: [
                  { term: { visibleToAll: true } },
                  { term: { 'visibility.employers': 'employer-1' } },
                ],
                minimum_should_match: 1,
              },
            },
            {
              bool: {
                should: [
                  { bool: { must_not: [{ exists: { field: 'visibility.until' } }] } },
                  { range: { 'visibility.until': { gte: NOW } } },
                ],
                minimum_should_match: 1,
              },
            },
            { nested: { path: 'badges', query: { bool: { filter: [LIVE] } } } },
          ],
          must_not: [{ term: { removed: true } }],
          should: [recency([LIVE])],
        },
      },
      sort: [{ _score: 'desc' }, { learnerId: 'asc' }],
    });
  });

  it('puts the badge filter inside each nested skill query, so one badge meets both', () => {
    const query: SearchQuery = {
      ...BASE,
      mustHave: ['ONET:15-2051.00', 'ESCO:S5.5.1'],
      filter: {
        issuers: ['did:web:x.example'],
        issuerTiers: ['accredited'],
        issuedAfter: '2025-01-01T00:00:00.000Z',
        minResultLevel: 70,
        achievementTypes: ['Certificate'],
      },
    };
    const conditions = [
      LIVE,
      { terms: { 'badges.issuerId': ['did:web:x.example'] } },
      { terms: { 'badges.issuerTier': ['accredited'] } },
      { range: { 'badges.issuedAt': { gt: '2025-01-01T00:00:00.000Z' } } },
      { range: { 'badges.result.level': { gte: 70 } } },
      { terms: { 'badges.achievementType': ['Certificate'] } },
    ];

    const { filter } = queryOf(buildSearchBody(query));

    expect(badgeConditions(query)).toEqual(conditions);
    expect(filter.slice(3)).toEqual([
      { nested: { path: 'badges', query: { bool: { filter: conditions } } } },
      named('mustHave:0', [...conditions, skill('ONET:15-2051.00')]),
      named('mustHave:1', [...conditions, skill('ESCO:S5.5.1')]),
    ]);
  });

  it('scores each nice-to-have as a constant 1 and recency on badges of any queried skill', () => {
    const query: SearchQuery = {
      ...BASE,
      mustHave: ['A:1'],
      niceToHave: ['B:2', 'C:3'],
      atLeast: { n: 1, of: ['C:3', 'D:4'] },
    };

    const { should } = queryOf(buildSearchBody(query));

    expect(should).toEqual([
      { constant_score: { filter: named('niceToHave:0', [LIVE, skill('B:2')]), boost: 1 } },
      { constant_score: { filter: named('niceToHave:1', [LIVE, skill('C:3')]), boost: 1 } },
      recency([LIVE, { terms: { 'badges.skills.key': ['A:1', 'B:2', 'C:3', 'D:4'] } }]),
    ]);
  });

  it('requires n of the atLeast skills in filter context, each explained by its inner hits', () => {
    const query: SearchQuery = { ...BASE, atLeast: { n: 2, of: ['A:1', 'B:2', 'C:3'] } };

    const { filter } = queryOf(buildSearchBody(query));

    expect(filter.at(-1)).toEqual({
      bool: {
        should: [
          named('atLeast:0', [LIVE, skill('A:1')]),
          named('atLeast:1', [LIVE, skill('B:2')]),
          named('atLeast:2', [LIVE, skill('C:3')]),
        ],
        minimum_should_match: 2,
      },
    });
  });

  it('matches every text word, lower-cased, on one badge; no words adds no condition', () => {
    const withText = buildSearchBody({ ...BASE, text: 'SQL, Data-Analysis' });
    const noWords = buildSearchBody({ ...BASE, text: ' — ' });

    expect(queryOf(withText).filter.at(-1)).toEqual(
      named('text', [
        LIVE,
        { term: { 'badges.text': 'sql' } },
        { term: { 'badges.text': 'data' } },
        { term: { 'badges.text': 'analysis' } },
      ]),
    );
    expect(queryOf(noWords).filter).toHaveLength(4);
  });

  it("sorts 'recent' by the newest matching badge, then learner id, keeping scores", () => {
    const body = buildSearchBody({ ...BASE, sort: 'recent', niceToHave: ['B:2'] });

    expect(body.track_scores).toBe(true);
    expect(body.sort).toEqual([
      {
        'badges.issuedAt': {
          order: 'desc',
          mode: 'max',
          nested: {
            path: 'badges',
            filter: { bool: { filter: [LIVE, { terms: { 'badges.skills.key': ['B:2'] } }] } },
          },
          missing: 0,
        },
      },
      { learnerId: 'asc' },
    ]);
  });

  it('continues after the cursor of the previous page', () => {
    const after = encodeCursor('relevance', [1.4948, 'ada']);

    const body = buildSearchBody({ ...BASE, size: 5, after });

    expect(body.size).toBe(6);
    expect(body.search_after).toEqual([1.4948, 'ada']);
  });

  it('counts facets per key over the counting badges, back to candidates by reverse_nested', () => {
    const facet = (field: string) => ({
      terms: { field, size: 20, order: [{ candidates: 'desc' }, { _key: 'asc' }] },
      aggs: { candidates: { reverse_nested: {} } },
    });

    const body = buildSearchBody({ ...BASE, facets: true, filter: { issuers: ['did:web:x'] } });

    expect(body.aggs).toEqual({
      facets: {
        nested: { path: 'badges' },
        aggs: {
          counting: {
            filter: { bool: { filter: [LIVE, { terms: { 'badges.issuerId': ['did:web:x'] } }] } },
            aggs: {
              skills: facet('badges.skills.key'),
              issuers: facet('badges.issuerId'),
              achievementTypes: facet('badges.achievementType'),
            },
          },
        },
      },
    });
    expect(buildSearchBody(BASE).aggs).toBeUndefined();
  });
});

describe('search cursors', () => {
  it('round-trips any sort values', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('relevance' as const, 'recent' as const),
        // JSON has no -0; sort values are never -0 anyway.
        fc.double({ noNaN: true, noDefaultInfinity: true }).map((v) => (v === 0 ? 0 : v)),
        fc.string(),
        (sort, first, learnerId) => {
          const cursor = encodeCursor(sort, [first, learnerId]);

          expect(decodeCursor(sort, cursor)).toEqual([first, learnerId]);
          expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
        },
      ),
    );
  });

  it('refuses a cursor of the other sort, or one it never issued, as INPUT_MALFORMED', () => {
    const recent = encodeCursor('recent', [1_767_225_600_000, 'ada']);
    const forged = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

    for (const cursor of [
      recent,
      'not-a-cursor',
      'a b',
      forged(['relevance', '1', 'ada']),
      forged(['relevance', 1]),
      forged({ sort: 'relevance' }),
    ]) {
      expect(() => decodeCursor('relevance', cursor)).toThrow(
        expect.objectContaining({ name: 'CredstackError', code: 'INPUT_MALFORMED' }),
      );
    }
  });
});
