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
 * Builds the Orama index over the documents; queries must run at `now`.
 *
 * @example
 * const db = await buildOramaIndex(documents, NOW);
 */
export async function buildOramaIndex(documents: readonly CandidateDocument[], now: string) {
  const db = create({ schema: SCHEMA });
  const at = Date.parse(now);
  const batch = 5_000;
  for (let i = 0; i < documents.length; i += batch)
    await insertMultiple(
      db,
      documents.slice(i, i + batch).map((document) => oramaDocument(document, at)),
      batch,
    );
  return db;
}

export type OramaIndex = Awaited<ReturnType<typeof buildOramaIndex>>;

export interface OramaAnswer {
  readonly total: number;
  readonly ids: readonly string[];
  readonly facets: { skills: FacetCount[]; issuers: FacetCount[]; achievementTypes: FacetCount[] };
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
  db: OramaIndex,
  query: SearchQuery,
  limit: number,
): Promise<OramaAnswer> {
  const issuer = query.filter.issuers?.[0];
  const cutoff = CUTOFF_DAYS.findIndex((_, k) => cutoffInstant(k) === query.filter.issuedAfter);
  if ((issuer === undefined) === cutoff < 0)
    throw new Error('the Orama baseline answers one issuer or one date cutoff');
  const suffix = issuer !== undefined ? `|${issuer}` : `>${cutoff}`;
  const audience = { containsAny: [EVERYONE, query.employerId] };
  const result = await search(db, {
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
