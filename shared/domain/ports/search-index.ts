/**
 * The search port: what the service asks of a candidate index, whatever engine answers it
 * (OpenSearch in AWS, the embedded engine locally). One contract suite
 * (test/contract/search-index-contract.ts) holds both engines to the same answers.
 *
 * The index holds only what may be found: one document per consenting learner, with their
 * verified, unrevoked, unexpired badges. Consent scope is part of the document and enforced in
 * filter context by every engine, so a learner outside an employer's reach never appears in
 * hits, totals or facet counts.
 */

/** A skill key as queried and stored: `<framework>:<code>`, e.g. `ONET:15-2051.00`. */
export type SkillKey = string;

export interface IndexedSkill {
  readonly key: SkillKey;
  readonly framework: string;
  readonly code: string;
  readonly name?: string;
  /**
   * Set when the badge is not aligned to this skill itself but to an equivalent one in another
   * framework (the crosswalk): the key of the skill the badge really names.
   */
  readonly via?: SkillKey;
}

/** One verified badge in a candidate document. */
export interface IndexedBadge {
  /** The credential id; `verifyUrl` is where anyone can re-verify it. */
  readonly credentialId: string;
  readonly verifyUrl: string;
  readonly issuerId: string;
  readonly issuerName: string;
  /** The tenant's trust tier for this issuer (e.g. `accredited`, `known`); absent when unrated. */
  readonly issuerTier?: string;
  readonly achievementId: string;
  readonly achievementName: string;
  /** OB 3.0 achievementType, e.g. `Certificate`, `Badge`, `Course`. */
  readonly achievementType: string;
  readonly skills: readonly IndexedSkill[];
  /** ISO-8601 instants. */
  readonly issuedAt: string;
  readonly validUntil?: string;
  /** The result as awarded, and its rank on a 0–100 scale when one is known. */
  readonly result?: { readonly value: string; readonly level?: number };
  readonly credits?: number;
}

/** Who may find a candidate: every verified employer of the tenant, or the named ones. */
export interface CandidateVisibility {
  readonly employers: 'all' | readonly string[];
  /** ISO-8601 instant after which the candidate is no longer findable. */
  readonly until?: string;
}

export interface CandidateDocument {
  readonly tenantId: string;
  readonly learnerId: string;
  readonly displayName: string;
  readonly visibility: CandidateVisibility;
  readonly badges: readonly IndexedBadge[];
  /**
   * Monotonic per learner (the source item's version): a write older than the one held is
   * ignored, so replayed or reordered stream records cannot resurrect stale data.
   */
  readonly version: number;
}

/** Conditions a badge must meet to count for a skill (all optional, all combined). */
export interface BadgeFilter {
  readonly issuers?: readonly string[];
  readonly issuerTiers?: readonly string[];
  readonly issuedAfter?: string;
  readonly minResultLevel?: number;
  readonly achievementTypes?: readonly string[];
}

export const SEARCH_SORTS = ['relevance', 'recent'] as const;
export type SearchSort = (typeof SEARCH_SORTS)[number];

export interface SearchQuery {
  readonly tenantId: string;
  /** The searching employer: only candidates visible to them (now) are considered. */
  readonly employerId: string;
  /** ISO-8601 instant the query runs at (visibility `until`, badge expiry). */
  readonly now: string;
  /**
   * ISO-8601 instant recency is measured from (the ranking time); `now` when absent. Paging
   * keeps the first page's, so scores, and with them the order, do not move between pages.
   */
  readonly asOf?: string;
  /** Each must be matched by at least one badge passing `filter`. */
  readonly mustHave: readonly SkillKey[];
  /** Rank: each matched one adds to the score. */
  readonly niceToHave: readonly SkillKey[];
  /** At least `n` of `of` matched (filter context). */
  readonly atLeast?: { readonly n: number; readonly of: readonly SkillKey[] };
  readonly filter: BadgeFilter;
  /**
   * Free text over skill and achievement names: a candidate qualifies when one badge passing
   * `filter` contains every term (case-insensitive, whole words).
   */
  readonly text?: string;
  readonly sort: SearchSort;
  /** 1–100. */
  readonly size: number;
  /** The `next` cursor of the previous page. */
  readonly after?: string;
  /** Facet counts over every matching candidate (not just the page). */
  readonly facets: boolean;
}

/** A badge that satisfied a queried skill. */
export interface MatchedBadge {
  readonly credentialId: string;
  readonly verifyUrl: string;
  readonly issuerId: string;
  readonly issuerName: string;
  readonly achievementName: string;
  readonly issuedAt: string;
  readonly result?: string;
  /** Set when the match went through the crosswalk: the skill the badge names. */
  readonly via?: SkillKey;
}

export interface SkillMatch {
  readonly skill: SkillKey;
  /** Every badge passing the filter aligned to the skill, newest first. */
  readonly badges: readonly MatchedBadge[];
}

export interface SearchHit {
  readonly learnerId: string;
  readonly displayName: string;
  /**
   * Relevance: the number of nice-to-have skills matched, plus a recency fraction in [0, 1):
   * `0.99 × 0.5^(ageDays / 365)` of the newest badge that matched any queried skill (of any
   * badge passing the filter when no skill is queried). Never given without its reasons below.
   * `sort: 'recent'` orders by that newest badge instead; ties go to the smaller learnerId.
   */
  readonly score: number;
  readonly matched: {
    readonly mustHave: readonly SkillMatch[];
    readonly niceToHave: readonly SkillMatch[];
    readonly atLeast: readonly SkillMatch[];
    readonly text: readonly MatchedBadge[];
  };
  readonly missing: {
    readonly niceToHave: readonly SkillKey[];
    readonly atLeast: readonly SkillKey[];
  };
}

export interface FacetCount {
  readonly key: string;
  /**
   * What people read for the key: a skill's name (from the crosswalk), an issuer's name. Set by
   * the service over the engines' counts; absent when no name is known.
   */
  readonly label?: string;
  /** Candidates (not badges) among all matches holding at least one such badge. */
  readonly count: number;
}

export interface SearchResult {
  /** Every matching candidate, across pages. */
  readonly total: number;
  readonly hits: readonly SearchHit[];
  readonly facets?: {
    readonly skills: readonly FacetCount[];
    readonly issuers: readonly FacetCount[];
    readonly achievementTypes: readonly FacetCount[];
  };
  /** Present when more hits follow: pass as `after`. */
  readonly next?: string;
}

/**
 * A candidate index. Writes are idempotent and ordered by `version`; `remove` leaves a marker
 * at its version so an older `upsert` arriving later cannot bring the candidate back.
 */
export interface SearchIndex {
  upsert(document: CandidateDocument): Promise<void>;
  remove(tenantId: string, learnerId: string, version: number): Promise<void>;
  search(query: SearchQuery): Promise<SearchResult>;
  /** The stored document (for re-indexing and tests); undefined when absent or removed. */
  get(tenantId: string, learnerId: string): Promise<CandidateDocument | undefined>;
}
