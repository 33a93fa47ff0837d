import { CredstackError } from '#shared/core/errors.ts';
import type { SearchQuery, SearchSort, SkillKey } from '#shared/domain/ports/search-index.ts';
import { SEARCH_LIMITS, textTerms } from '#shared/search/query-limits.ts';
import { RECENCY } from '#shared/search/recency.ts';

/**
 * SearchQuery → OpenSearch request body, pure. Every condition that decides whether a learner
 * matches sits in filter context (tenant, consent, removal markers, must-haves, at-least-n, text),
 * so a candidate outside the query never reaches hits, totals or aggregations; only the ranking
 * is scored. Each skill condition is a nested query over `badges` with the badge filter inside
 * it, so the skill and the filter are met by the same badge; its inner hits name the badges that
 * explain the match (results.ts builds `matched`/`missing` from them).
 *
 * Score: each nice-to-have matched is a constant 1; recency is an `exp` decay on the newest
 * matching badge's `issuedAt` (origin `now`, scale 365 days, decay 0.5, weight 0.99), i.e.
 * `0.99 × 0.5^(ageDays / 365)`, the port's formula — computed by OpenSearch in single precision
 * and on |age| (a badge dated after `now` decays as if as old). The ranking uses that score; the
 * score reported on a hit is recomputed exactly from the same inner hits (results.ts).
 */

type Json = Record<string, unknown>;

/** Badges listed per matched skill (the index's `max_inner_result_window`). */
export const INNER_HITS_SIZE = 100;

/** Names of the nested queries, and of their inner hits, that explain a hit. */
export const MATCH_NAMES = {
  mustHave: (i: number) => `mustHave:${i}`,
  niceToHave: (i: number) => `niceToHave:${i}`,
  atLeast: (i: number) => `atLeast:${i}`,
  text: 'text',
  newest: 'newest',
} as const;

const BADGES = 'badges';
const NEWEST_FIRST = [{ 'badges.issuedAt': 'desc' }, { 'badges.credentialId': 'asc' }] as const;

function malformedCursor(): never {
  throw new CredstackError('INPUT_MALFORMED', 'search query: after is not a cursor of this search');
}

/** A value that is absent, or else passes `range`. */
function absentOr(field: string, range: Json): Json {
  return {
    bool: {
      should: [{ bool: { must_not: [{ exists: { field } }] } }, { range: { [field]: range } }],
      minimum_should_match: 1,
    },
  };
}

/**
 * The conditions a badge must meet to count (live at `now`, passing `filter`), in nested
 * context.
 *
 * @example
 * badgeConditions({ ...query, filter: { issuers: ['did:web:x.example'] } });
 * // [{ bool: … validUntil … }, { terms: { 'badges.issuerId': ['did:web:x.example'] } }]
 */
export function badgeConditions(query: SearchQuery): Json[] {
  const { filter } = query;
  const conditions: Json[] = [absentOr('badges.validUntil', { gte: query.now })];
  if (filter.issuers) conditions.push({ terms: { 'badges.issuerId': filter.issuers } });
  if (filter.issuerTiers) conditions.push({ terms: { 'badges.issuerTier': filter.issuerTiers } });
  if (filter.issuedAfter !== undefined)
    conditions.push({ range: { 'badges.issuedAt': { gt: filter.issuedAfter } } });
  if (filter.minResultLevel !== undefined)
    conditions.push({ range: { 'badges.result.level': { gte: filter.minResultLevel } } });
  if (filter.achievementTypes)
    conditions.push({ terms: { 'badges.achievementType': filter.achievementTypes } });
  return conditions;
}

function badgesWhere(conditions: readonly Json[], name?: string): Json {
  return {
    nested: {
      path: BADGES,
      query: { bool: { filter: conditions } },
      ...(name === undefined
        ? {}
        : {
            _name: name,
            inner_hits: { name, size: INNER_HITS_SIZE, sort: NEWEST_FIRST, _source: true },
          }),
    },
  };
}

function withSkill(conditions: readonly Json[], skill: SkillKey): Json[] {
  return [...conditions, { term: { 'badges.skills.key': skill } }];
}

/** Every skill the query names, each once: the badges recency is measured on. */
export function queriedSkills(query: SearchQuery): SkillKey[] {
  return [...new Set([...query.mustHave, ...query.niceToHave, ...(query.atLeast?.of ?? [])])];
}

/** Counting badges aligned to a queried skill, or every counting badge when none is queried. */
function recencyBadges(query: SearchQuery, conditions: readonly Json[]): Json[] {
  const skills = queriedSkills(query);
  return skills.length === 0
    ? [...conditions]
    : [...conditions, { terms: { 'badges.skills.key': skills } }];
}

function recencyClause(query: SearchQuery, badges: readonly Json[]): Json {
  return {
    nested: {
      path: BADGES,
      score_mode: 'max',
      query: {
        function_score: {
          query: { bool: { filter: badges } },
          functions: [
            {
              exp: {
                'badges.issuedAt': {
                  origin: query.asOf ?? query.now,
                  scale: `${RECENCY.halfLifeDays}d`,
                  decay: RECENCY.decay,
                },
              },
              weight: RECENCY.weight,
            },
          ],
          boost_mode: 'replace',
        },
      },
      // The newest such badge: its `sort[0]` (epoch ms) is all the reported score needs.
      inner_hits: { name: MATCH_NAMES.newest, size: 1, sort: NEWEST_FIRST, _source: false },
    },
  };
}

function visibility(query: SearchQuery): Json[] {
  return [
    {
      bool: {
        should: [
          { term: { visibleToAll: true } },
          { term: { 'visibility.employers': query.employerId } },
        ],
        minimum_should_match: 1,
      },
    },
    absentOr('visibility.until', { gte: query.now }),
  ];
}

function sortOf(query: SearchQuery, badges: readonly Json[]): Json[] {
  const byLearner = { learnerId: 'asc' };
  if (query.sort === 'relevance') return [{ _score: 'desc' }, byLearner];
  return [
    {
      'badges.issuedAt': {
        order: 'desc',
        mode: 'max',
        nested: { path: BADGES, filter: { bool: { filter: badges } } },
        // A number, not `_last`: the default stand-in (Long.MIN_VALUE) does not survive a
        // round trip through a JavaScript number in the cursor. Epoch 0 sorts after every badge.
        missing: 0,
      },
    },
    byLearner,
  ];
}

function facetTerms(field: string): Json {
  return {
    terms: {
      field,
      size: SEARCH_LIMITS.facetSize,
      order: [{ candidates: 'desc' }, { _key: 'asc' }],
    },
    // Back to the learner: a bucket counts candidates, not badges.
    aggs: { candidates: { reverse_nested: {} } },
  };
}

function facetAggs(conditions: readonly Json[]): Json {
  return {
    facets: {
      nested: { path: BADGES },
      aggs: {
        counting: {
          filter: { bool: { filter: conditions } },
          aggs: {
            skills: facetTerms('badges.skills.key'),
            issuers: facetTerms('badges.issuerId'),
            achievementTypes: facetTerms('badges.achievementType'),
          },
        },
      },
    },
  };
}

/**
 * The `_search` body for a validated query: one hit more than the page, so the adapter knows
 * whether a next page exists.
 *
 * @example
 * const body = buildSearchBody(validateSearchQuery(query));
 * await transport.request({ method: 'POST', path: `/${index}/_search`, body });
 */
export function buildSearchBody(query: SearchQuery): Json {
  const conditions = badgeConditions(query);
  const recency = recencyBadges(query, conditions);
  const words = query.text === undefined ? [] : textTerms(query.text);

  const filter: Json[] = [
    { term: { tenantId: query.tenantId } },
    ...visibility(query),
    badgesWhere(conditions),
    ...query.mustHave.map((skill, i) =>
      badgesWhere(withSkill(conditions, skill), MATCH_NAMES.mustHave(i)),
    ),
  ];
  if (query.atLeast) {
    filter.push({
      bool: {
        should: query.atLeast.of.map((skill, i) =>
          badgesWhere(withSkill(conditions, skill), MATCH_NAMES.atLeast(i)),
        ),
        minimum_should_match: query.atLeast.n,
      },
    });
  }
  if (words.length > 0) {
    const everyWord = words.map((word) => ({ term: { 'badges.text': word } }));
    filter.push(badgesWhere([...conditions, ...everyWord], MATCH_NAMES.text));
  }
  const should: Json[] = [
    ...query.niceToHave.map((skill, i) => ({
      constant_score: {
        filter: badgesWhere(withSkill(conditions, skill), MATCH_NAMES.niceToHave(i)),
        boost: 1,
      },
    })),
    recencyClause(query, recency),
  ];

  const after = query.after === undefined ? undefined : decodeCursor(query.sort, query.after);
  return {
    size: query.size + 1,
    track_total_hits: true,
    ...(query.sort === 'recent' ? { track_scores: true } : {}),
    _source: ['learnerId', 'displayName'],
    query: { bool: { filter, must_not: [{ term: { removed: true } }], should } },
    sort: sortOf(query, recency),
    ...(after ? { search_after: after } : {}),
    ...(query.facets ? { aggs: facetAggs(conditions) } : {}),
  };
}

/** A hit's sort values: the score or newest badge (epoch ms), then the learner id. */
export type SortValues = readonly [number, string];

/**
 * The opaque `next` cursor: the sort values of a page's last hit, tagged with the sort they
 * belong to.
 *
 * @example
 * encodeCursor('recent', [1767225600000, 'ada']); // 'WyJyZWNlbnQiLDE3NjcyMjU2MDAwMDAsImFkYSJd'
 */
export function encodeCursor(sort: SearchSort, values: SortValues): string {
  return Buffer.from(JSON.stringify([sort, ...values])).toString('base64url');
}

/**
 * The sort values a cursor holds; `INPUT_MALFORMED` for anything this adapter did not issue for
 * the same sort.
 *
 * @example
 * decodeCursor('recent', encodeCursor('recent', [1767225600000, 'ada'])); // [1767225600000, 'ada']
 */
export function decodeCursor(sort: SearchSort, cursor: string): SortValues {
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) malformedCursor();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    malformedCursor();
  }
  if (!Array.isArray(parsed) || parsed.length !== 3) malformedCursor();
  const [tag, first, learnerId] = parsed as unknown[];
  if (tag !== sort || typeof first !== 'number' || !Number.isFinite(first)) malformedCursor();
  if (typeof learnerId !== 'string') malformedCursor();
  return [first, learnerId];
}
