import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type {
  CandidateDocument,
  CandidateVisibility,
  FacetCount,
  IndexedBadge,
  MatchedBadge,
  SearchHit,
  SearchQuery,
  SkillMatch,
} from '#shared/domain/ports/search-index.ts';
import { EmbeddedSearchIndex } from '#shared/search/embedded/embedded-search-index.ts';
import { SEARCH_LIMITS, textTerms } from '#shared/search/query-limits.ts';

// The embedded engine against a brute-force reading of the port's rules over the documents
// themselves: random small tenants and queries, skewed so that both intersection strategies
// (posting scans and per-candidate checks) and every filter get exercised.

const NOW = '2026-06-01T00:00:00.000Z';
const NOW_MS = Date.parse(NOW);
const DAY_MS = 86_400_000;
const TENANT = 'reference';
const EMPLOYER = 'employer-1';
const SKILLS = ['ONET:A', 'ONET:A', 'ONET:A', 'ONET:A', 'ESCO:B', 'ESCO:B', 'ESCO:C', 'ESCO:D'];
const ISSUERS = ['did:web:x.example', 'did:web:y.example', 'did:web:z.example'];
const WORDS = ['data', 'sql', 'python', 'care', 'safety'];

const at = (daysAgo: number) => new Date(NOW_MS - daysAgo * DAY_MS).toISOString();

const badgeArb = (id: string): fc.Arbitrary<IndexedBadge> =>
  fc
    .record({
      skills: fc.uniqueArray(fc.constantFrom(...SKILLS), { minLength: 1, maxLength: 3 }),
      via: fc.boolean(),
      issuer: fc.constantFrom(...ISSUERS),
      tier: fc.constantFrom('accredited', 'known', undefined),
      type: fc.constantFrom('Badge', 'Certificate', 'Course'),
      age: fc.integer({ min: 0, max: 800 }),
      expires: fc.option(fc.integer({ min: -60, max: 60 }), { nil: undefined }),
      level: fc.option(fc.integer({ min: 0, max: 100 }), { nil: undefined }),
      words: fc.uniqueArray(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 2 }),
    })
    .map((b) => ({
      credentialId: `urn:uuid:${id}`,
      verifyUrl: `https://credstack.example/credentials/${id}/verify`,
      issuerId: b.issuer,
      issuerName: b.issuer.slice(8),
      ...(b.tier ? { issuerTier: b.tier } : {}),
      achievementId: `urn:ach:${id}`,
      achievementName: b.words.join(' '),
      achievementType: b.type,
      skills: b.skills.map((key, i) => ({
        key,
        framework: key.split(':')[0]!,
        code: key.split(':')[1]!,
        ...(b.via && i > 0 ? { via: b.skills[0]! } : {}),
      })),
      issuedAt: at(b.age),
      ...(b.expires !== undefined ? { validUntil: at(b.expires) } : {}),
      ...(b.level !== undefined ? { result: { value: `${b.level}`, level: b.level } } : {}),
    }));

const tenantArb: fc.Arbitrary<CandidateDocument[]> = fc
  .integer({ min: 1, max: 40 })
  .chain((count) =>
    fc.tuple(
      ...Array.from({ length: count }, (_, c) =>
        fc.record({
          badges: fc
            .integer({ min: 0, max: 5 })
            .chain(
              (n): fc.Arbitrary<IndexedBadge[]> =>
                fc.tuple(...Array.from({ length: n }, (_, b) => badgeArb(`c${c}-b${b}`))),
            ),
          visibility: fc.constantFrom<CandidateVisibility>(
            { employers: 'all' },
            { employers: 'all' },
            { employers: [EMPLOYER] },
            { employers: ['employer-2'] },
            { employers: 'all', until: at(5) },
            { employers: 'all', until: at(-5) },
          ),
        }),
      ),
    ),
  )
  .map((candidates) =>
    candidates.map((c, i) => ({
      tenantId: TENANT,
      learnerId: `c${String(i).padStart(2, '0')}`,
      displayName: `Candidate ${i}`,
      visibility: c.visibility,
      badges: c.badges,
      version: 1,
    })),
  );

const skillList = (max: number) =>
  fc.uniqueArray(fc.constantFrom(...new Set(SKILLS)), { maxLength: max });

const queryArb: fc.Arbitrary<SearchQuery> = fc
  .record({
    mustHave: skillList(3),
    niceToHave: skillList(3),
    atLeast: fc.option(
      skillList(4)
        .filter((of) => of.length > 0)
        .chain((of) =>
          fc.record({ n: fc.integer({ min: 1, max: of.length }), of: fc.constant(of) }),
        ),
      { nil: undefined },
    ),
    issuers: fc.option(fc.subarray(ISSUERS, { minLength: 1 }), { nil: undefined }),
    issuerTiers: fc.option(fc.constantFrom(['accredited'], ['accredited', 'known']), {
      nil: undefined,
    }),
    issuedAfter: fc.option(fc.integer({ min: 10, max: 700 }), { nil: undefined }),
    minResultLevel: fc.option(fc.integer({ min: 0, max: 100 }), { nil: undefined }),
    achievementTypes: fc.option(fc.constantFrom(['Badge'], ['Certificate', 'Course']), {
      nil: undefined,
    }),
    text: fc.option(fc.constantFrom('data', 'SQL python', 'care'), { nil: undefined }),
    sort: fc.constantFrom('relevance' as const, 'recent' as const),
    size: fc.integer({ min: 1, max: 7 }),
  })
  .map((q) => ({
    tenantId: TENANT,
    employerId: EMPLOYER,
    now: NOW,
    mustHave: q.mustHave,
    niceToHave: q.niceToHave,
    ...(q.atLeast ? { atLeast: q.atLeast } : {}),
    filter: {
      ...(q.issuers ? { issuers: q.issuers } : {}),
      ...(q.issuerTiers ? { issuerTiers: q.issuerTiers } : {}),
      ...(q.issuedAfter !== undefined ? { issuedAfter: at(q.issuedAfter) } : {}),
      ...(q.minResultLevel !== undefined ? { minResultLevel: q.minResultLevel } : {}),
      ...(q.achievementTypes ? { achievementTypes: q.achievementTypes } : {}),
    },
    ...(q.text ? { text: q.text } : {}),
    sort: q.sort,
    size: q.size,
    facets: true,
  }));

// --- The reference: the rules read straight off the documents. ---

function counts(badge: IndexedBadge, query: SearchQuery): boolean {
  const { filter } = query;
  const issued = Date.parse(badge.issuedAt);
  return (
    (badge.validUntil === undefined || Date.parse(badge.validUntil) >= NOW_MS) &&
    (!filter.issuers || filter.issuers.includes(badge.issuerId)) &&
    (!filter.issuerTiers ||
      (badge.issuerTier !== undefined && filter.issuerTiers.includes(badge.issuerTier))) &&
    (!filter.issuedAfter || issued > Date.parse(filter.issuedAfter)) &&
    (filter.minResultLevel === undefined || (badge.result?.level ?? -1) >= filter.minResultLevel) &&
    (!filter.achievementTypes || filter.achievementTypes.includes(badge.achievementType))
  );
}

const hasKey = (badge: IndexedBadge, key: string) => badge.skills.some((s) => s.key === key);
const words = (badge: IndexedBadge) =>
  new Set([badge.achievementName, ...badge.skills.map((s) => s.name ?? '')].flatMap(textTerms));

function matched(badge: IndexedBadge, key?: string): MatchedBadge {
  const via = key ? badge.skills.find((s) => s.key === key)?.via : undefined;
  return {
    credentialId: badge.credentialId,
    verifyUrl: badge.verifyUrl,
    issuerId: badge.issuerId,
    issuerName: badge.issuerName,
    achievementName: badge.achievementName,
    issuedAt: badge.issuedAt,
    ...(badge.result ? { result: badge.result.value } : {}),
    ...(via ? { via } : {}),
  };
}

const byNewest = (a: IndexedBadge, b: IndexedBadge) =>
  b.issuedAt.localeCompare(a.issuedAt) || (a.credentialId < b.credentialId ? -1 : 1);

function reference(documents: readonly CandidateDocument[], query: SearchQuery) {
  const queried = new Set([...query.mustHave, ...query.niceToHave, ...(query.atLeast?.of ?? [])]);
  const terms = query.text ? textTerms(query.text) : [];
  const hits: (SearchHit & { key: number })[] = [];
  const facetSets = { skills: new Map<string, number>(), issuers: new Map(), types: new Map() };
  for (const doc of documents) {
    const { employers, until } = doc.visibility;
    if (until && Date.parse(until) < NOW_MS) continue;
    if (employers !== 'all' && !employers.includes(EMPLOYER)) continue;
    const live = doc.badges.filter((b) => counts(b, query)).sort(byNewest);
    const holding = (key: string) => live.filter((b) => hasKey(b, key));
    const textBadges = live.filter((b) => terms.every((t) => words(b).has(t)));
    const atLeastHeld = (query.atLeast?.of ?? []).filter((k) => holding(k).length > 0);
    if (
      live.length === 0 ||
      !query.mustHave.every((k) => holding(k).length > 0) ||
      atLeastHeld.length < (query.atLeast?.n ?? 0) ||
      (terms.length > 0 && textBadges.length === 0)
    )
      continue;
    const scoring =
      queried.size > 0 ? live.filter((b) => [...queried].some((k) => hasKey(b, k))) : live;
    const newest = scoring.length > 0 ? Date.parse(scoring[0]!.issuedAt) : Number.NEGATIVE_INFINITY;
    // Written out from the port's definition on purpose, not imported from recency.ts: the
    // reference stays independent of the engine it checks (no badge here is dated after now).
    const recency = scoring.length > 0 ? 0.99 * 0.5 ** ((NOW_MS - newest) / DAY_MS / 365) : 0;
    const nice = query.niceToHave.filter((k) => holding(k).length > 0);
    const skillMatches = (keys: readonly string[]): SkillMatch[] =>
      keys
        .filter((k) => holding(k).length > 0)
        .map((k) => ({ skill: k, badges: holding(k).map((b) => matched(b, k)) }));
    const score = nice.length + recency;
    hits.push({
      learnerId: doc.learnerId,
      displayName: doc.displayName,
      score,
      key: query.sort === 'recent' ? newest : score,
      matched: {
        mustHave: skillMatches(query.mustHave),
        niceToHave: skillMatches(query.niceToHave),
        atLeast: skillMatches(query.atLeast?.of ?? []),
        text: terms.length > 0 ? textBadges.map((b) => matched(b)) : [],
      },
      missing: {
        niceToHave: query.niceToHave.filter((k) => !nice.includes(k)),
        atLeast: (query.atLeast?.of ?? []).filter((k) => !atLeastHeld.includes(k)),
      },
    });
    const add = (map: Map<string, number>, keys: Iterable<string>) => {
      for (const key of new Set(keys)) map.set(key, (map.get(key) ?? 0) + 1);
    };
    add(
      facetSets.skills,
      live.flatMap((b) => b.skills.map((s) => s.key)),
    );
    add(
      facetSets.issuers,
      live.map((b) => b.issuerId),
    );
    add(
      facetSets.types,
      live.map((b) => b.achievementType),
    );
  }
  hits.sort((a, b) => b.key - a.key || (a.learnerId < b.learnerId ? -1 : 1));
  const top = (map: Map<string, number>): FacetCount[] =>
    [...map]
      .map(([key, count]) => ({ key, count }))
      .sort((a, b) => b.count - a.count || (a.key < b.key ? -1 : 1))
      .slice(0, SEARCH_LIMITS.facetSize);
  return {
    hits: hits.map(({ key: _key, ...hit }) => hit),
    facets: {
      skills: top(facetSets.skills),
      issuers: top(facetSets.issuers),
      achievementTypes: top(facetSets.types),
    },
  };
}

describe('embedded search engine against a brute-force reference', () => {
  it('returns the same hits, order, reasons, totals and facets on every page', async () => {
    await fc.assert(
      fc.asyncProperty(tenantArb, queryArb, async (documents, query) => {
        const index = new EmbeddedSearchIndex();
        for (const document of documents) await index.upsert(document);
        const expected = reference(documents, query);

        const pages = [];
        let after: string | undefined;
        do {
          const page = await index.search({ ...query, ...(after ? { after } : {}) });
          pages.push(page);
          after = page.next;
        } while (after !== undefined && pages.length <= documents.length);

        const hits = pages.flatMap((page) => page.hits);
        expect(hits.map((hit) => ({ ...hit, score: Math.round(hit.score * 1e9) }))).toEqual(
          expected.hits.map((hit) => ({ ...hit, score: Math.round(hit.score * 1e9) })),
        );
        for (const page of pages) {
          expect(page.total).toBe(expected.hits.length);
          expect(page.facets).toEqual(expected.facets);
        }
        expect(index.matchAll(query).sort()).toEqual(
          expected.hits.map((hit) => hit.learnerId).sort(),
        );
      }),
      { numRuns: 300 },
    );
  });

  // Large tenants give their most held skills a per-candidate "newest badge" column, and a
  // must-have held by much of the tenant is then matched slot by slot from the columns. Low
  // thresholds put those paths under the same reference on small tenants, after a history of
  // rewrites and removals (columns made mid-history, from postings holding dead entries).
  it('answers alike through the per-candidate skill columns, after rewrites and removals', async () => {
    // The columns serve only filters without lists (date alone, or none): mostly those here.
    const columnQueryArb = fc
      .tuple(queryArb, fc.integer({ min: 0, max: 3 }), skillList(3))
      .map(([q, lists, must]) => ({
        ...q,
        mustHave: q.mustHave.length > 0 ? q.mustHave : must,
        filter:
          lists > 0
            ? {
                ...(q.filter.issuedAfter !== undefined
                  ? { issuedAfter: q.filter.issuedAfter }
                  : {}),
              }
            : q.filter,
      }));
    const thresholdArb = fc.constantFrom(
      { min: 1, share: 1000 },
      { min: 3, share: 1 },
      { min: 6, share: 4 },
    );
    await fc.assert(
      fc.asyncProperty(
        tenantArb,
        tenantArb,
        fc.array(fc.nat(), { maxLength: 6 }),
        thresholdArb,
        columnQueryArb,
        async (documents, earlier, removed, heavySkill, query) => {
          const index = new EmbeddedSearchIndex({ heavySkill, compactAfterDead: 8 });
          // Earlier versions first (some learners only ever have one), then some removals
          // that later writes bring back, then the final documents; a few stay removed.
          for (const document of earlier) await index.upsert(document);
          for (const n of removed)
            await index.remove(TENANT, `c${String(n % 40).padStart(2, '0')}`, 2);
          const gone = new Set(
            removed.slice(0, 2).map((n) => `c${String(n % 40).padStart(2, '0')}`),
          );
          const kept = documents.filter((document) => !gone.has(document.learnerId));
          for (const document of kept) await index.upsert({ ...document, version: 3 });
          for (const learnerId of gone) await index.remove(TENANT, learnerId, 4);
          const stillThere = earlier.filter(
            (document) =>
              !gone.has(document.learnerId) &&
              !removed.some((n) => `c${String(n % 40).padStart(2, '0')}` === document.learnerId) &&
              !kept.some((k) => k.learnerId === document.learnerId),
          );
          const expected = reference([...kept, ...stillThere], query);
          const result = await index.search({ ...query, size: 50 });
          expect(
            result.hits.map((hit) => ({ ...hit, score: Math.round(hit.score * 1e9) })),
          ).toEqual(
            expected.hits
              .slice(0, 50)
              .map((hit) => ({ ...hit, score: Math.round(hit.score * 1e9) })),
          );
          expect(result.total).toBe(expected.hits.length);
          expect(result.facets).toEqual(expected.facets);
          expect(index.matchAll(query).sort()).toEqual(
            expected.hits.map((hit) => hit.learnerId).sort(),
          );
        },
      ),
      { numRuns: 300 },
    );
  });
});
