import { CredstackError } from '#shared/core/errors.ts';
import type {
  FacetCount,
  IndexedBadge,
  MatchedBadge,
  SearchHit,
  SearchQuery,
  SearchResult,
  SkillKey,
  SkillMatch,
} from '#shared/domain/ports/search-index.ts';
import { matchedBadge } from '#shared/search/matched-badge.ts';
import { recencyScore as recencyAt } from '#shared/search/recency.ts';
import { encodeCursor, MATCH_NAMES, type SortValues } from './query.ts';

/**
 * OpenSearch `_search` response → SearchResult, pure. The query (query.ts) names one nested
 * query per queried skill and returns its inner hits, newest first; a skill is matched when its
 * inner hits are not empty, and those badges are the reasons given.
 */

interface InnerHit {
  readonly _source?: IndexedBadge;
  readonly sort?: readonly unknown[];
}

interface InnerHits {
  readonly hits: { readonly hits: readonly InnerHit[] };
}

interface Hit {
  readonly _source: { readonly learnerId: string; readonly displayName: string };
  readonly sort?: readonly unknown[];
  readonly inner_hits?: Readonly<Record<string, InnerHits>>;
}

interface Bucket {
  readonly key: string;
  readonly candidates: { readonly doc_count: number };
}

type FacetAgg = { readonly buckets: readonly Bucket[] };

interface SearchResponse {
  readonly hits: { readonly total: { readonly value: number }; readonly hits: readonly Hit[] };
  readonly aggregations?: {
    readonly facets: {
      readonly counting: {
        readonly skills: FacetAgg;
        readonly issuers: FacetAgg;
        readonly achievementTypes: FacetAgg;
      };
    };
  };
}

function unexpected(what: string): never {
  throw new CredstackError('FETCH_FAILED', `search index: unexpected search response (${what})`);
}

/**
 * The port's recency fraction for a badge issued at `issuedAtMs`, with `now` as the query
 * gives it; the formula itself lives in `../recency.ts`, shared with the embedded engine.
 *
 * @example
 * recencyScore(Date.parse('2025-06-01T00:00:00Z'), '2026-06-01T00:00:00Z'); // 0.495
 */
export function recencyScore(issuedAtMs: number, now: string): number {
  return recencyAt(issuedAtMs, Date.parse(now));
}

function innerHits(hit: Hit, name: string): readonly InnerHit[] {
  return hit.inner_hits?.[name]?.hits.hits ?? [];
}

function citedBadge(badge: IndexedBadge, skill?: SkillKey): MatchedBadge {
  // The badge's first entry for the skill says how it is aligned (as in the embedded engine).
  const via = skill === undefined ? undefined : badge.skills.find((s) => s.key === skill)?.via;
  return matchedBadge(badge, via);
}

function badgesOf(hit: Hit, name: string, skill?: SkillKey): MatchedBadge[] {
  return innerHits(hit, name).map((inner) =>
    citedBadge(inner._source ?? unexpected(`inner hit ${name} without _source`), skill),
  );
}

/** Splits `skills` into those with badges (in query order) and those without. */
function split(
  hit: Hit,
  skills: readonly SkillKey[],
  name: (i: number) => string,
): { matched: SkillMatch[]; missing: SkillKey[] } {
  const matched: SkillMatch[] = [];
  const missing: SkillKey[] = [];
  skills.forEach((skill, i) => {
    const badges = badgesOf(hit, name(i), skill);
    if (badges.length > 0) matched.push({ skill, badges });
    else missing.push(skill);
  });
  return { matched, missing };
}

function sortValues(hit: Hit): SortValues {
  const [first, learnerId] = hit.sort ?? [];
  if (typeof first !== 'number' || typeof learnerId !== 'string') unexpected('sort values');
  return [first, learnerId];
}

function toHit(query: SearchQuery, hit: Hit): SearchHit {
  const mustHave = query.mustHave.map((skill, i) => ({
    skill,
    badges: badgesOf(hit, MATCH_NAMES.mustHave(i), skill),
  }));
  const niceToHave = split(hit, query.niceToHave, MATCH_NAMES.niceToHave);
  const atLeast = split(hit, query.atLeast?.of ?? [], MATCH_NAMES.atLeast);
  const newest = innerHits(hit, MATCH_NAMES.newest)[0]?.sort?.[0];
  const recency = typeof newest === 'number' ? recencyScore(newest, query.asOf ?? query.now) : 0;
  return {
    learnerId: hit._source.learnerId,
    displayName: hit._source.displayName,
    score: niceToHave.matched.length + recency,
    matched: {
      mustHave,
      niceToHave: niceToHave.matched,
      atLeast: atLeast.matched,
      text: badgesOf(hit, MATCH_NAMES.text),
    },
    missing: { niceToHave: niceToHave.missing, atLeast: atLeast.missing },
  };
}

function counts(agg: FacetAgg): FacetCount[] {
  return agg.buckets.map((bucket) => ({ key: bucket.key, count: bucket.candidates.doc_count }));
}

/**
 * Reads the response to the body `buildSearchBody(query)` built (which asked for one hit more
 * than the page: its presence means a next page exists).
 *
 * @example
 * const result = readSearchResponse(query, response.body);
 * result.next; // pass as `after` for the next page
 */
export function readSearchResponse(query: SearchQuery, body: unknown): SearchResult {
  const response = body as SearchResponse | undefined;
  const total = response?.hits?.total?.value;
  if (typeof total !== 'number' || !Array.isArray(response?.hits.hits)) unexpected('hits');
  const page = response.hits.hits.slice(0, query.size);
  const last = page.at(-1);
  const more = response.hits.hits.length > query.size && last !== undefined;
  let facets: SearchResult['facets'];
  if (query.facets) {
    const agg = response.aggregations?.facets?.counting ?? unexpected('aggregations');
    facets = {
      skills: counts(agg.skills),
      issuers: counts(agg.issuers),
      achievementTypes: counts(agg.achievementTypes),
    };
  }
  return {
    total,
    hits: page.map((hit) => toHit(query, hit)),
    ...(facets ? { facets } : {}),
    ...(more ? { next: encodeCursor(query.sort, sortValues(last)) } : {}),
  };
}
