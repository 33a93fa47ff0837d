import { create, insertMultiple, search } from '@orama/orama';
import type {
  CandidateDocument,
  FacetCount,
  SearchQuery,
} from '#shared/domain/ports/search-index.ts';
import { SEARCH_LIMITS } from '#shared/search/query-limits.ts';
import { CUTOFF_DAYS, cutoffInstant } from './search-data.ts';

/**
 * The benchmark's baseline: Orama holding the same candidates, one Orama document per
 * candidate. Orama filters whole documents, while a must-have skill must be met by a badge
 * that itself passes the filter; so each badge condition the benchmark asks for is folded into
 * composite tokens: `skill|issuer` for the issuer filter, and `skill>k` when the candidate's
 * newest badge with that skill falls inside date cutoff k (the employer picks "within 6, 12, 24
 * or 36 months"). One token per candidate and key keeps Orama's facet counts exact: counting
 * `skill|X` values is counting candidates holding the skill through a badge from X.
 */

const SCHEMA = {
  visibleForever: 'enum[]',
  visibleTimed: 'enum[]',
  visibleUntil: 'number',
  skillIssuer: 'enum[]',
  typeIssuer: 'enum[]',
  issuers: 'enum[]',
  skillSince: 'enum[]',
  typeSince: 'enum[]',
  issuerSince: 'enum[]',
} as const;

const EVERYONE = '*';

function sinceTokens(newest: Map<string, number>, cutoffs: readonly number[]): string[] {
  const tokens: string[] = [];
  for (const [key, at] of newest)
    cutoffs.forEach((cutoff, k) => {
      if (at > cutoff) tokens.push(`${key}>${k}`);
    });
  return tokens;
}

function keepNewest(map: Map<string, number>, key: string, at: number): void {
  if ((map.get(key) ?? Number.NEGATIVE_INFINITY) < at) map.set(key, at);
}

/** The flattened Orama document of a candidate, for queries running at `now`. */
function oramaDocument(document: CandidateDocument, now: number) {
  const cutoffs = CUTOFF_DAYS.map((_, k) => Date.parse(cutoffInstant(k)));
  const skillIssuer = new Set<string>();
  const typeIssuer = new Set<string>();
  const issuers = new Set<string>();
  const newestSkill = new Map<string, number>();
  const newestType = new Map<string, number>();
  const newestIssuer = new Map<string, number>();
  for (const badge of document.badges) {
    if (badge.validUntil !== undefined && Date.parse(badge.validUntil) < now) continue;
    const at = Date.parse(badge.issuedAt);
    issuers.add(badge.issuerId);
    typeIssuer.add(`${badge.achievementType}|${badge.issuerId}`);
    keepNewest(newestType, badge.achievementType, at);
    keepNewest(newestIssuer, badge.issuerId, at);
    for (const skill of badge.skills) {
      skillIssuer.add(`${skill.key}|${badge.issuerId}`);
      keepNewest(newestSkill, skill.key, at);
    }
  }
  const { employers, until } = document.visibility;
  const audience = employers === 'all' ? [EVERYONE] : [...employers];
  return {
    id: document.learnerId,
    visibleForever: until === undefined ? audience : [],
    visibleTimed: until === undefined ? [] : audience,
    ...(until === undefined ? {} : { visibleUntil: Date.parse(until) }),
    skillIssuer: [...skillIssuer],
    typeIssuer: [...typeIssuer],
    issuers: [...issuers],
    skillSince: sinceTokens(newestSkill, cutoffs),
    typeSince: sinceTokens(newestType, cutoffs),
    issuerSince: sinceTokens(newestIssuer, cutoffs),
  };
}

/**
 * An empty Orama index for queries running at `now`; {@link addToOrama} fills it.
 *
 * @example
 * const db = createOramaIndex(NOW); await addToOrama(db, documents);
 */
export function createOramaIndex(now: string): OramaIndex {
  return { db: create({ schema: SCHEMA }), now: Date.parse(now), size: 0 };
}

export interface OramaIndex {
  readonly db: ReturnType<typeof create<typeof SCHEMA>>;
  readonly now: number;
  /** Candidates held. */
  size: number;
}

/** Adds the candidates, flattened as above, in one `insertMultiple`. */
export async function addToOrama(
  index: OramaIndex,
  documents: readonly CandidateDocument[],
): Promise<void> {
  await insertMultiple(
    index.db,
    documents.map((document) => oramaDocument(document, index.now)),
    documents.length,
  );
  index.size += documents.length;
}

export interface OramaAnswer {
  readonly total: number;
  readonly ids: readonly string[];
  readonly facets: { skills: FacetCount[]; issuers: FacetCount[]; achievementTypes: FacetCount[] };
}

/** The query's one issuer or date cutoff, as the suffix of its composite tokens. */
function tokensOf(query: SearchQuery): { issuer: string | undefined; suffix: string } {
  const issuer = query.filter.issuers?.[0];
  const cutoff = CUTOFF_DAYS.findIndex((_, k) => cutoffInstant(k) === query.filter.issuedAfter);
  if ((issuer === undefined) === cutoff < 0)
    throw new Error('the Orama baseline answers one issuer or one date cutoff');
  return { issuer, suffix: issuer !== undefined ? `|${issuer}` : `>${cutoff}` };
}

function topFacet(values: Record<string, number> | undefined, suffix: string): FacetCount[] {
  const counts: FacetCount[] = [];
  for (const [token, count] of Object.entries(values ?? {}))
    if (token.endsWith(suffix))
      counts.push({ key: token.slice(0, token.length - suffix.length), count });
  counts.sort((a, b) => b.count - a.count || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return counts.slice(0, SEARCH_LIMITS.facetSize);
}

/**
 * Answers a benchmark query (must-haves with one issuer, or with a date cutoff) with Orama:
 * `limit` ids (Orama's own order), the total, and the three facets.
 *
 * @example
 * const { total, facets } = await searchOrama(db, query, 20);
 */
export async function searchOrama(
  index: OramaIndex,
  query: SearchQuery,
  limit: number,
): Promise<OramaAnswer> {
  const { issuer, suffix } = tokensOf(query);
  const audience = { containsAny: [EVERYONE, query.employerId] };
  const result = await search(index.db, {
    where: {
      and: [
        issuer !== undefined
          ? { skillIssuer: { containsAll: query.mustHave.map((s) => `${s}${suffix}`) } }
          : { skillSince: { containsAll: query.mustHave.map((s) => `${s}${suffix}`) } },
        {
          or: [
            { visibleForever: audience },
            {
              and: [{ visibleTimed: audience }, { visibleUntil: { gte: Date.parse(query.now) } }],
            },
          ],
        },
      ],
    } as never,
    facets:
      issuer !== undefined
        ? { skillIssuer: {}, typeIssuer: {}, issuers: {} }
        : { skillSince: {}, typeSince: {}, issuerSince: {} },
    limit,
  });
  const facets = result.facets ?? {};
  return {
    total: result.count,
    ids: result.hits.map((hit) => hit.id),
    facets:
      issuer !== undefined
        ? {
            skills: topFacet(facets.skillIssuer?.values, suffix),
            issuers: topFacet(
              Object.fromEntries(
                Object.entries(facets.issuers?.values ?? {}).filter(([key]) => key === issuer),
              ),
              '',
            ),
            achievementTypes: topFacet(facets.typeIssuer?.values, suffix),
          }
        : {
            skills: topFacet(facets.skillSince?.values, suffix),
            issuers: topFacet(facets.issuerSince?.values, suffix),
            achievementTypes: topFacet(facets.typeSince?.values, suffix),
          },
  };
}

type OramaCandidate = ReturnType<typeof oramaDocument>;

/**
 * The same answers from the fastest Orama setup found: Orama applies only the must-have
 * tokens (a small set of ids), then visibility, the page and the facet counts are computed
 * here over the hits' stored documents. Orama's own visibility clause intersects sets of
 * almost every candidate on each query, and its facets would then count the same hits again.
 *
 * @example
 * const { total, ids, facets } = await searchOramaSkillsFirst(db, query, 20);
 */
export async function searchOramaSkillsFirst(
  index: OramaIndex,
  query: SearchQuery,
  limit: number,
): Promise<OramaAnswer> {
  const { issuer, suffix } = tokensOf(query);
  const tokens = query.mustHave.map((s) => `${s}${suffix}`);
  const result = await search(index.db, {
    where: (issuer !== undefined
      ? { skillIssuer: { containsAll: tokens } }
      : { skillSince: { containsAll: tokens } }) as never,
    // Every hit: Orama sizes its result array by the limit, so the limit is the index's size.
    limit: index.size,
  });
  const now = Date.parse(query.now);
  const skills = new Map<string, number>();
  const issuers = new Map<string, number>();
  const types = new Map<string, number>();
  const count = (counts: Map<string, number>, token: string) => {
    if (token.endsWith(suffix)) counts.set(token, (counts.get(token) ?? 0) + 1);
  };
  const ids: string[] = [];
  let total = 0;
  for (const hit of result.hits) {
    const candidate = hit.document as unknown as OramaCandidate;
    const forever = candidate.visibleForever;
    const visible =
      forever.includes(EVERYONE) ||
      forever.includes(query.employerId) ||
      ((candidate.visibleTimed.includes(EVERYONE) ||
        candidate.visibleTimed.includes(query.employerId)) &&
        (candidate.visibleUntil ?? Number.NEGATIVE_INFINITY) >= now);
    if (!visible) continue;
    total += 1;
    if (ids.length < limit) ids.push(hit.id);
    if (issuer !== undefined) {
      for (const token of candidate.skillIssuer) count(skills, token);
      for (const token of candidate.typeIssuer) count(types, token);
      if (candidate.issuers.includes(issuer)) issuers.set(issuer, (issuers.get(issuer) ?? 0) + 1);
    } else {
      for (const token of candidate.skillSince) count(skills, token);
      for (const token of candidate.typeSince) count(types, token);
      for (const token of candidate.issuerSince) count(issuers, token);
    }
  }
  const top = (counts: Map<string, number>, tail: string) =>
    topFacet(Object.fromEntries(counts), tail);
  return {
    total,
    ids,
    facets: {
      skills: top(skills, suffix),
      issuers: issuer !== undefined ? top(issuers, '') : top(issuers, suffix),
      achievementTypes: top(types, suffix),
    },
  };
}
