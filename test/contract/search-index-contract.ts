import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  CandidateDocument,
  CandidateVisibility,
  IndexedBadge,
  IndexedSkill,
  MatchedBadge,
  SearchIndex,
  SearchQuery,
  SearchResult,
} from '#shared/domain/ports/search-index.ts';
import { SEARCH_LIMITS } from '#shared/search/query-limits.ts';

/**
 * The behaviour every `SearchIndex` engine owes the service, written once and run against each
 * engine (the embedded one always, OpenSearch when a cluster is given). Every test writes into a
 * tenant of its own, so tests share an index but never data, and a write must be visible to the
 * next search (engines with a refresh cycle wait for it on write).
 *
 * Semantics pinned here beyond the port's comments:
 * - a badge counts only while live at `now` (no `validUntil` before `now`) and passing `filter`;
 * - a candidate matches when visible to the employer at `now`, holding at least one counting
 *   badge, every must-have, `atLeast.n` of `atLeast.of`, and one badge containing every text word;
 * - facets count matching candidates per key over their counting badges, most frequent first,
 *   ties by key, at most `SEARCH_LIMITS.facetSize` keys;
 * - caps exceeded reject with `INPUT_TOO_LARGE`, anything else malformed with `INPUT_MALFORMED`.
 */

const NOW = '2026-06-01T00:00:00.000Z';
const EMPLOYER = 'employer-1';
const DAY_MS = 86_400_000;
const S1 = 'ONET:15-2051.00';
const S2 = 'ESCO:S5.5.1';
const S3 = 'ONET:15-1252.00';
const S9 = 'ESCO:S9.9.9';
const X = 'did:web:x.example';
const Y = 'did:web:y.example';
const Z = 'did:web:z.example';

const daysAgo = (days: number): string => new Date(Date.parse(NOW) - days * DAY_MS).toISOString();
const recency = (days: number): number => 0.99 * 0.5 ** (days / 365);

interface BadgeSpec {
  readonly id: string;
  readonly skills: readonly (string | IndexedSkill)[];
  readonly age?: number;
  readonly issuer?: string;
  readonly tier?: string;
  readonly type?: string;
  readonly name?: string;
  readonly level?: number;
  readonly result?: string;
  readonly validUntil?: string;
}

function skill(key: string, name?: string): IndexedSkill {
  const [framework = '', code = ''] = key.split(':');
  return { key, framework, code, ...(name ? { name } : {}) };
}

function badge(spec: BadgeSpec): IndexedBadge {
  const issuerId = spec.issuer ?? X;
  return {
    credentialId: `urn:uuid:${spec.id}`,
    verifyUrl: `https://credstack.example/credentials/${spec.id}/verify`,
    issuerId,
    issuerName: `Issuer ${issuerId.slice(8, 9).toUpperCase()}`,
    ...(spec.tier ? { issuerTier: spec.tier } : {}),
    achievementId: `urn:ach:${spec.id}`,
    achievementName: spec.name ?? `Achievement ${spec.id}`,
    achievementType: spec.type ?? 'Badge',
    skills: spec.skills.map((s) => (typeof s === 'string' ? skill(s) : s)),
    issuedAt: daysAgo(spec.age ?? 30),
    ...(spec.validUntil ? { validUntil: spec.validUntil } : {}),
    ...(spec.result || spec.level !== undefined
      ? {
          result: {
            value: spec.result ?? String(spec.level),
            ...(spec.level !== undefined ? { level: spec.level } : {}),
          },
        }
      : {}),
  };
}

/** What a hit reports for a badge built by {@link badge}. */
function matchedOf(b: IndexedBadge, via?: string): MatchedBadge {
  return {
    credentialId: b.credentialId,
    verifyUrl: b.verifyUrl,
    issuerId: b.issuerId,
    issuerName: b.issuerName,
    achievementName: b.achievementName,
    issuedAt: b.issuedAt,
    ...(b.result ? { result: b.result.value } : {}),
    ...(via ? { via } : {}),
  };
}

function candidate(
  tenantId: string,
  learnerId: string,
  badges: readonly IndexedBadge[],
  options: { version?: number; visibility?: CandidateVisibility; displayName?: string } = {},
): CandidateDocument {
  return {
    tenantId,
    learnerId,
    displayName: options.displayName ?? `Learner ${learnerId}`,
    visibility: options.visibility ?? { employers: 'all' },
    badges,
    version: options.version ?? 1,
  };
}

const newTenant = (): string => `contract-${randomUUID()}`;
const ids = (result: SearchResult): string[] => result.hits.map((hit) => hit.learnerId);

/**
 * Registers the search contract for one engine. `open` is called once for the suite; `close`
 * after it.
 *
 * @example
 * searchIndexContract('embedded', async () => ({ index: new EmbeddedSearchIndex(), close: async () => {} }));
 */
export function searchIndexContract(
  name: string,
  open: () => Promise<{ index: SearchIndex; close(): Promise<void> }>,
): void {
  describe(`SearchIndex contract: ${name}`, () => {
    let index: SearchIndex;
    let close: (() => Promise<void>) | undefined;

    beforeAll(async () => {
      const opened = await open();
      index = opened.index;
      close = () => opened.close();
    });
    afterAll(async () => {
      await close?.();
    });

    const put = async (...documents: CandidateDocument[]): Promise<void> => {
      for (const document of documents) await index.upsert(document);
    };
    const search = (tenantId: string, query: Partial<SearchQuery>): Promise<SearchResult> =>
      index.search({
        tenantId,
        employerId: EMPLOYER,
        now: NOW,
        mustHave: [],
        niceToHave: [],
        filter: {},
        sort: 'relevance',
        size: 20,
        facets: false,
        ...query,
      });

    describe('must-have skills', () => {
      it('returns only candidates holding every must-have skill', async () => {
        const t = newTenant();
        await put(
          candidate(t, 'ada', [
            badge({ id: 'a1', skills: [S1] }),
            badge({ id: 'a2', skills: [S2] }),
          ]),
          candidate(t, 'bo', [badge({ id: 'b1', skills: [S1] })]),
          candidate(t, 'cy', [badge({ id: 'c1', skills: [S2, S3] })]),
        );

        const result = await search(t, { mustHave: [S1, S2] });

        expect(ids(result)).toEqual(['ada']);
        expect(result.total).toBe(1);
        expect(result.next).toBeUndefined();
      });

      it('applies the badge filter to the badge carrying the skill, not to any badge', async () => {
        const t = newTenant();
        await put(
          candidate(t, 'ada', [
            badge({ id: 'a1', skills: [S1], issuer: X }),
            badge({ id: 'a2', skills: [S2], issuer: Y }),
          ]),
          candidate(t, 'bo', [badge({ id: 'b1', skills: [S1, S2], issuer: X })]),
        );

        const result = await search(t, { mustHave: [S1, S2], filter: { issuers: [X] } });

        expect(ids(result)).toEqual(['bo']);
        expect(result.total).toBe(1);
      });

      it('reports every badge matching each must-have, newest first, with its verification link', async () => {
        const t = newTenant();
        const older = badge({
          id: 'a1',
          skills: [S1],
          issuer: X,
          age: 200,
          result: 'B',
          level: 70,
        });
        const newer = badge({ id: 'a2', skills: [S1, S2], issuer: Y, age: 20 });
        const other = badge({ id: 'a3', skills: [S3], age: 1 });
        await put(candidate(t, 'ada', [older, newer, other]));

        const result = await search(t, { mustHave: [S1, S2] });

        expect(result.hits).toHaveLength(1);
        const hit = result.hits[0]!;
        expect(hit.displayName).toBe('Learner ada');
        expect(hit.matched.mustHave).toEqual([
          { skill: S1, badges: [matchedOf(newer), matchedOf(older)] },
          { skill: S2, badges: [matchedOf(newer)] },
        ]);
        expect(hit.matched.niceToHave).toEqual([]);
        expect(hit.matched.text).toEqual([]);
        expect(hit.missing).toEqual({ niceToHave: [], atLeast: [] });
        expect(hit.score).toBeCloseTo(recency(20), 4);
      });

      it('reports the skill a badge names when it matched through the crosswalk', async () => {
        const t = newTenant();
        const crosswalked = badge({
          id: 'a1',
          skills: [skill(S1, 'Data scientists'), { ...skill(S2, 'Data analysis'), via: S1 }],
        });
        await put(candidate(t, 'ada', [crosswalked]));

        const viaCrosswalk = await search(t, { mustHave: [S2] });
        const direct = await search(t, { mustHave: [S1] });

        expect(viaCrosswalk.hits[0]?.matched.mustHave).toEqual([
          { skill: S2, badges: [matchedOf(crosswalked, S1)] },
        ]);
        expect(direct.hits[0]?.matched.mustHave).toEqual([
          { skill: S1, badges: [matchedOf(crosswalked)] },
        ]);
      });
    });

    describe('nice-to-have skills and the score', () => {
      it('ranks by nice-to-haves matched plus the recency of the newest matching badge', async () => {
        const t = newTenant();
        await put(
          candidate(t, 'ada', [
            badge({ id: 'a1', skills: [S1], age: 10 }),
            badge({ id: 'a2', skills: [S2], age: 400 }),
          ]),
          candidate(t, 'bo', [badge({ id: 'b1', skills: [S1], age: 100 })]),
          candidate(t, 'cy', [badge({ id: 'c1', skills: [S9], age: 5 })]),
          candidate(t, 'dee', [badge({ id: 'd1', skills: [S1], age: 1 })]),
        );

        const result = await search(t, { niceToHave: [S1, S2] });

        expect(ids(result)).toEqual(['ada', 'dee', 'bo', 'cy']);
        expect(result.hits.map((hit) => hit.score)).toEqual([
          expect.closeTo(2 + recency(10), 4),
          expect.closeTo(1 + recency(1), 4),
          expect.closeTo(1 + recency(100), 4),
          expect.closeTo(0, 4),
        ]);
        expect(result.hits.map((hit) => hit.missing.niceToHave)).toEqual([
          [],
          [S2],
          [S2],
          [S1, S2],
        ]);
        expect(result.hits[0]?.matched.niceToHave.map((m) => m.skill)).toEqual([S1, S2]);
        expect(result.total).toBe(4);
      });

      it('scores by the newest badge passing the filter when no skill is queried', async () => {
        const t = newTenant();
        await put(
          candidate(t, 'ada', [
            badge({ id: 'a1', skills: [S1], issuer: X, age: 300 }),
            badge({ id: 'a2', skills: [S2], issuer: Y, age: 3 }),
          ]),
          candidate(t, 'bo', [badge({ id: 'b1', skills: [S3], issuer: X, age: 50 })]),
          candidate(t, 'cy', [badge({ id: 'c1', skills: [S3], issuer: Z, age: 1 })]),
        );

        const result = await search(t, { filter: { issuers: [X] } });

        expect(ids(result)).toEqual(['bo', 'ada']);
        expect(result.hits.map((hit) => hit.score)).toEqual([
          expect.closeTo(recency(50), 4),
          expect.closeTo(recency(300), 4),
        ]);
      });

      it("sorts by the newest matching badge with sort 'recent', ties to the smaller learner id", async () => {
        const t = newTenant();
        await put(
          candidate(t, 'ada', [badge({ id: 'a1', skills: [S1, S2, S3], age: 200 })]),
          candidate(t, 'cy', [badge({ id: 'c1', skills: [S1], age: 10 })]),
          candidate(t, 'bo', [
            badge({ id: 'b1', skills: [S1], age: 10 }),
            badge({ id: 'b2', skills: [S9], age: 1 }),
          ]),
        );

        const relevance = await search(t, { mustHave: [S1], niceToHave: [S2, S3] });
        const recent = await search(t, { mustHave: [S1], niceToHave: [S2, S3], sort: 'recent' });

        expect(ids(relevance)).toEqual(['ada', 'bo', 'cy']);
        expect(ids(recent)).toEqual(['bo', 'cy', 'ada']);
        expect(recent.hits.map((hit) => hit.score)).toEqual([
          expect.closeTo(recency(10), 4),
          expect.closeTo(recency(10), 4),
          expect.closeTo(2 + recency(200), 4),
        ]);
      });
    });

    describe('at least n of', () => {
      it('keeps candidates matching n of the listed skills and says which are missing', async () => {
        const t = newTenant();
        const a1 = badge({ id: 'a1', skills: [S1], age: 10 });
        const a2 = badge({ id: 'a2', skills: [S2], age: 20 });
        await put(
          candidate(t, 'ada', [a1, a2]),
          candidate(t, 'bo', [badge({ id: 'b1', skills: [S1, S9] })]),
          candidate(t, 'cy', [badge({ id: 'c1', skills: [S2, S3], age: 40 })]),
        );

        const result = await search(t, { atLeast: { n: 2, of: [S1, S2, S3] } });

        expect(ids(result)).toEqual(['ada', 'cy']);
        expect(result.total).toBe(2);
        expect(result.hits[0]?.matched.atLeast).toEqual([
          { skill: S1, badges: [matchedOf(a1)] },
          { skill: S2, badges: [matchedOf(a2)] },
        ]);
        expect(result.hits[0]?.missing.atLeast).toEqual([S3]);
        expect(result.hits[1]?.missing.atLeast).toEqual([S1]);
      });
    });

    describe('badge filters', () => {
      it('keeps badges from the listed issuer trust tiers only (unrated badges fail)', async () => {
        const t = newTenant();
        await put(
          candidate(t, 'ada', [badge({ id: 'a1', skills: [S1], tier: 'accredited' })]),
          candidate(t, 'bo', [badge({ id: 'b1', skills: [S1], tier: 'known' })]),
          candidate(t, 'cy', [badge({ id: 'c1', skills: [S1] })]),
        );

        const result = await search(t, { mustHave: [S1], filter: { issuerTiers: ['accredited'] } });

        expect(ids(result)).toEqual(['ada']);
      });

      it('keeps badges issued after the given instant', async () => {
        const t = newTenant();
        await put(
          candidate(t, 'ada', [badge({ id: 'a1', skills: [S1], age: 10 })]),
          candidate(t, 'bo', [
            badge({ id: 'b1', skills: [S1], age: 100 }),
            badge({ id: 'b2', skills: [S2], age: 5 }),
          ]),
        );

        const result = await search(t, { mustHave: [S1], filter: { issuedAfter: daysAgo(50) } });

        expect(ids(result)).toEqual(['ada']);
      });

      it('keeps badges with a result level at or above the minimum (badges without one fail)', async () => {
        const t = newTenant();
        await put(
          candidate(t, 'ada', [badge({ id: 'a1', skills: [S1], level: 80, result: 'A' })]),
          candidate(t, 'bo', [badge({ id: 'b1', skills: [S1], level: 60, result: 'C' })]),
          candidate(t, 'cy', [badge({ id: 'c1', skills: [S1], result: 'Pass' })]),
        );

        const strict = await search(t, { mustHave: [S1], filter: { minResultLevel: 70 } });
        const inclusive = await search(t, { mustHave: [S1], filter: { minResultLevel: 60 } });

        expect(ids(strict)).toEqual(['ada']);
        expect(ids(inclusive).sort()).toEqual(['ada', 'bo']);
        expect(strict.hits[0]?.matched.mustHave[0]?.badges[0]?.result).toBe('A');
      });

      it('keeps badges of the listed achievement types', async () => {
        const t = newTenant();
        await put(
          candidate(t, 'ada', [badge({ id: 'a1', skills: [S1], type: 'Certificate' })]),
          candidate(t, 'bo', [badge({ id: 'b1', skills: [S1], type: 'Badge' })]),
        );

        const result = await search(t, {
          mustHave: [S1],
          filter: { achievementTypes: ['Certificate'] },
        });

        expect(ids(result)).toEqual(['ada']);
      });

      it('never counts a badge whose validUntil has passed', async () => {
        const t = newTenant();
        await put(
          candidate(t, 'ada', [
            badge({ id: 'a1', skills: [S1], validUntil: daysAgo(1) }),
            badge({ id: 'a2', skills: [S2] }),
          ]),
          candidate(t, 'bo', [badge({ id: 'b1', skills: [S1], validUntil: daysAgo(-30) })]),
          candidate(t, 'cy', [badge({ id: 'c1', skills: [S3], validUntil: daysAgo(2) })]),
        );

        const bySkill = await search(t, { mustHave: [S1] });
        const everyone = await search(t, { facets: true });

        expect(ids(bySkill)).toEqual(['bo']);
        expect(ids(everyone).sort()).toEqual(['ada', 'bo']);
        expect(everyone.facets?.skills).toEqual([
          { key: S2, count: 1 },
          { key: S1, count: 1 },
        ]);
      });
    });

    describe('free text', () => {
      it('matches whole words, case-insensitively, all within one badge', async () => {
        const t = newTenant();
        const a1 = badge({
          id: 'a1',
          name: 'Data Analysis with SQL',
          skills: [skill(S1, 'Statistical methods')],
        });
        await put(
          candidate(t, 'ada', [a1]),
          candidate(t, 'bo', [
            badge({ id: 'b1', name: 'Data Visualisation', skills: [S2] }),
            badge({ id: 'b2', name: 'SQL Basics', skills: [S3] }),
          ]),
          candidate(t, 'cy', [badge({ id: 'c1', name: 'Analytics', skills: [S1] })]),
        );

        const both = await search(t, { text: 'sql DATA' });
        const skillName = await search(t, { text: 'STATISTICAL analysis' });
        const partial = await search(t, { text: 'analy' });

        expect(ids(both)).toEqual(['ada']);
        expect(both.hits[0]?.matched.text).toEqual([matchedOf(a1)]);
        expect(ids(skillName)).toEqual(['ada']);
        expect(ids(partial)).toEqual([]);
        expect(partial.total).toBe(0);
      });

      it('matches text only on badges passing the filter', async () => {
        const t = newTenant();
        await put(
          candidate(t, 'ada', [
            badge({ id: 'a1', name: 'Python Basics', skills: [S1], issuer: Y }),
          ]),
          candidate(t, 'bo', [badge({ id: 'b1', name: 'Python Basics', skills: [S1], issuer: X })]),
        );

        const result = await search(t, { text: 'python', filter: { issuers: [X] } });

        expect(ids(result)).toEqual(['bo']);
      });
    });

    describe('facets', () => {
      const seed = (t: string) =>
        put(
          candidate(t, 'ada', [
            badge({ id: 'a1', skills: [S1], issuer: X, type: 'Certificate' }),
            badge({ id: 'a2', skills: [S1, S2], issuer: X, type: 'Badge' }),
          ]),
          candidate(t, 'bo', [badge({ id: 'b1', skills: [S1], issuer: Y, type: 'Certificate' })]),
          candidate(t, 'cy', [badge({ id: 'c1', skills: [S1, S3], issuer: Z })], {
            visibility: { employers: ['employer-2'] },
          }),
          candidate(t, 'dee', [badge({ id: 'd1', skills: [S3], issuer: Z })]),
        );

      it('counts matching candidates, not badges, over every match', async () => {
        const t = newTenant();
        await seed(t);

        const result = await search(t, { mustHave: [S1], facets: true, size: 1 });

        expect(result.total).toBe(2);
        expect(result.hits).toHaveLength(1);
        expect(result.facets).toEqual({
          skills: [
            { key: S1, count: 2 },
            { key: S2, count: 1 },
          ],
          issuers: [
            { key: X, count: 1 },
            { key: Y, count: 1 },
          ],
          achievementTypes: [
            { key: 'Certificate', count: 2 },
            { key: 'Badge', count: 1 },
          ],
        });
      });

      it('counts only badges passing the filter, and is absent unless asked for', async () => {
        const t = newTenant();
        await seed(t);

        const filtered = await search(t, {
          mustHave: [S1],
          filter: { issuers: [X] },
          facets: true,
        });
        const without = await search(t, { mustHave: [S1] });

        expect(filtered.facets).toEqual({
          skills: [
            { key: S2, count: 1 },
            { key: S1, count: 1 },
          ],
          issuers: [{ key: X, count: 1 }],
          achievementTypes: [
            { key: 'Badge', count: 1 },
            { key: 'Certificate', count: 1 },
          ],
        });
        expect(without.facets).toBeUndefined();
      });

      it(`returns at most ${SEARCH_LIMITS.facetSize} keys per facet, the most frequent`, async () => {
        const t = newTenant();
        const many = Array.from({ length: SEARCH_LIMITS.facetSize + 5 }, (_, i) => `ESCO:F${i}`);
        await put(
          candidate(t, 'ada', [badge({ id: 'a1', skills: [S1, ...many] })]),
          candidate(t, 'bo', [badge({ id: 'b1', skills: [S1, 'ESCO:F9'] })]),
        );

        const result = await search(t, { mustHave: [S1], facets: true });

        const skills = result.facets?.skills ?? [];
        expect(skills).toHaveLength(SEARCH_LIMITS.facetSize);
        expect(skills.slice(0, 3)).toEqual([
          { key: 'ESCO:F9', count: 2 },
          { key: S1, count: 2 },
          { key: 'ESCO:F0', count: 1 },
        ]);
      });
    });

    describe('paging', () => {
      const ages = { p1: 5, p2: 9, p3: 9, p4: 30, p5: 30, p6: 30, p7: 400 } as const;
      const seed = (t: string) =>
        put(
          ...Object.entries(ages).map(([id, age]) =>
            candidate(t, id, [badge({ id, skills: [S1], age })]),
          ),
        );

      for (const sort of ['relevance', 'recent'] as const) {
        it(`covers every hit exactly once, in order, with sort '${sort}'`, async () => {
          const t = newTenant();
          await seed(t);

          const pages: SearchResult[] = [];
          let after: string | undefined;
          do {
            const page = await search(t, {
              mustHave: [S1],
              sort,
              size: 3,
              ...(after ? { after } : {}),
            });
            pages.push(page);
            after = page.next;
          } while (after && pages.length < 10);

          expect(pages.map((page) => page.hits.length)).toEqual([3, 3, 1]);
          expect(pages.map((page) => page.total)).toEqual([7, 7, 7]);
          expect(pages.flatMap(ids)).toEqual(['p1', 'p2', 'p3', 'p4', 'p5', 'p6', 'p7']);
          expect(pages[2]?.next).toBeUndefined();
        });
      }

      it('ranks every page as of asOf, so later pages of a relevance search repeat no hit', async () => {
        const t = newTenant();
        await seed(t);
        const later = new Date(Date.parse(NOW) + 86_400_000).toISOString();

        const pages: SearchResult[] = [];
        let after: string | undefined;
        do {
          // The first page runs at NOW; the others a day later, ranked as of the first.
          const page = await search(t, {
            mustHave: [S1],
            size: 3,
            asOf: NOW,
            ...(after ? { after, now: later } : {}),
          });
          pages.push(page);
          after = page.next;
        } while (after && pages.length < 10);

        expect(pages.flatMap(ids)).toEqual(['p1', 'p2', 'p3', 'p4', 'p5', 'p6', 'p7']);
        const [first] = pages[0]?.hits ?? [];
        const aYearOn = await search(t, {
          mustHave: [S1],
          size: 1,
          asOf: new Date(Date.parse(NOW) + 365 * 86_400_000).toISOString(),
        });
        expect(aYearOn.hits[0]?.score).toBeCloseTo((first?.score ?? 0) / 2, 6);
      });

      it('gives no next cursor when the page holds the last hit', async () => {
        const t = newTenant();
        await seed(t);

        const result = await search(t, { mustHave: [S1], size: 7 });

        expect(result.hits).toHaveLength(7);
        expect(result.next).toBeUndefined();
      });
    });

    describe('consent visibility', () => {
      it('never shows a candidate outside the employer reach in hits, totals or facets', async () => {
        const t = newTenant();
        const with1 = (id: string, skills: string[]) => [badge({ id, skills, issuer: Y })];
        await put(
          candidate(t, 'all', with1('a', [S1])),
          candidate(t, 'named', with1('n', [S1]), {
            visibility: { employers: ['employer-9', EMPLOYER] },
          }),
          candidate(t, 'others', with1('o', [S1, S2]), {
            visibility: { employers: ['employer-9'] },
          }),
          candidate(t, 'nobody', with1('x', [S1, S2]), { visibility: { employers: [] } }),
          candidate(t, 'lapsed', with1('l', [S1, S2]), {
            visibility: { employers: 'all', until: daysAgo(1) },
          }),
          candidate(t, 'until', with1('u', [S1]), {
            visibility: { employers: [EMPLOYER], until: daysAgo(-10) },
          }),
        );

        const result = await search(t, { mustHave: [S1], facets: true });
        const byText = await search(t, { text: 'achievement', facets: true });

        expect(ids(result).sort()).toEqual(['all', 'named', 'until']);
        expect(result.total).toBe(3);
        expect(result.facets?.skills).toEqual([{ key: S1, count: 3 }]);
        expect(result.facets?.issuers).toEqual([{ key: Y, count: 3 }]);
        expect(byText.total).toBe(3);
      });
    });

    describe('tenants', () => {
      it('never reads another tenant, even for the same learner id', async () => {
        const a = newTenant();
        const b = newTenant();
        await put(
          candidate(a, 'ada', [badge({ id: 'a1', skills: [S1] })], { displayName: 'Ada of A' }),
          candidate(b, 'ada', [badge({ id: 'b1', skills: [S2] })], { displayName: 'Ada of B' }),
          candidate(b, 'bo', [badge({ id: 'b2', skills: [S1] })]),
        );

        const ownSkill = await search(a, { mustHave: [S1], facets: true });
        const otherSkill = await search(a, { mustHave: [S2] });

        expect(ownSkill.hits.map((hit) => hit.displayName)).toEqual(['Ada of A']);
        expect(ownSkill.facets?.skills).toEqual([{ key: S1, count: 1 }]);
        expect(otherSkill.total).toBe(0);
        expect((await index.get(a, 'ada'))?.displayName).toBe('Ada of A');
        expect(await index.get(a, 'bo')).toBeUndefined();
      });
    });

    describe('versioned writes', () => {
      it('replaces a document with a newer version', async () => {
        const t = newTenant();
        await put(candidate(t, 'ada', [badge({ id: 'a1', skills: [S1] })], { version: 1 }));
        const newer = candidate(t, 'ada', [badge({ id: 'a2', skills: [S2] })], { version: 2 });

        await put(newer);

        expect((await search(t, { mustHave: [S1] })).total).toBe(0);
        expect(ids(await search(t, { mustHave: [S2] }))).toEqual(['ada']);
        expect(await index.get(t, 'ada')).toEqual(newer);
      });

      it('ignores an upsert older than the version held', async () => {
        const t = newTenant();
        const held = candidate(t, 'ada', [badge({ id: 'a2', skills: [S2] })], { version: 5 });
        await put(held);

        await put(candidate(t, 'ada', [badge({ id: 'a1', skills: [S1] })], { version: 4 }));

        expect((await search(t, { mustHave: [S1] })).total).toBe(0);
        expect(await index.get(t, 'ada')).toEqual(held);
      });

      it('keeps a removed candidate removed against older upserts, and back with a newer one', async () => {
        const t = newTenant();
        await put(candidate(t, 'ada', [badge({ id: 'a1', skills: [S1] })], { version: 2 }));

        await index.remove(t, 'ada', 3);
        await put(candidate(t, 'ada', [badge({ id: 'a1', skills: [S1] })], { version: 2 }));
        const afterStale = await search(t, { mustHave: [S1], facets: true });
        const storedAfterStale = await index.get(t, 'ada');
        const back = candidate(t, 'ada', [badge({ id: 'a3', skills: [S1] })], { version: 4 });
        await put(back);

        expect(afterStale.total).toBe(0);
        expect(afterStale.facets?.skills).toEqual([]);
        expect(storedAfterStale).toBeUndefined();
        expect(ids(await search(t, { mustHave: [S1] }))).toEqual(['ada']);
        expect(await index.get(t, 'ada')).toEqual(back);
      });

      it('keeps the removal marker of a learner never indexed', async () => {
        const t = newTenant();

        await index.remove(t, 'ghost', 7);
        await put(candidate(t, 'ghost', [badge({ id: 'g1', skills: [S1] })], { version: 6 }));

        expect(await index.get(t, 'ghost')).toBeUndefined();
        expect((await search(t, { mustHave: [S1] })).total).toBe(0);
      });

      it('ignores a removal older than the version held', async () => {
        const t = newTenant();
        const held = candidate(t, 'ada', [badge({ id: 'a1', skills: [S1] })], { version: 5 });
        await put(held);

        await index.remove(t, 'ada', 4);

        expect(await index.get(t, 'ada')).toEqual(held);
        expect(ids(await search(t, { mustHave: [S1] }))).toEqual(['ada']);
      });
    });

    describe('query limits', () => {
      const rejects = async (query: Partial<SearchQuery>, code: string) => {
        await expect(search(newTenant(), query)).rejects.toMatchObject({
          name: 'CredstackError',
          code,
        });
      };
      const skills = (count: number) => Array.from({ length: count }, (_, i) => `ESCO:Q${i}`);

      it('rejects page sizes outside 1–100', async () => {
        await rejects({ size: SEARCH_LIMITS.maxSize + 1 }, 'INPUT_TOO_LARGE');
        await rejects({ size: 10_000 }, 'INPUT_TOO_LARGE');
        await rejects({ size: 0 }, 'INPUT_MALFORMED');
        await rejects({ size: 2.5 }, 'INPUT_MALFORMED');
      });

      it('rejects too many skills or too long a text', async () => {
        await rejects({ mustHave: skills(SEARCH_LIMITS.maxMustHave + 1) }, 'INPUT_TOO_LARGE');
        await rejects({ niceToHave: skills(SEARCH_LIMITS.maxNiceToHave + 1) }, 'INPUT_TOO_LARGE');
        await rejects(
          { atLeast: { n: 1, of: skills(SEARCH_LIMITS.maxAtLeastOf + 1) } },
          'INPUT_TOO_LARGE',
        );
        await rejects({ text: 'a'.repeat(SEARCH_LIMITS.maxTextLength + 1) }, 'INPUT_TOO_LARGE');
        await rejects(
          { filter: { issuers: skills(SEARCH_LIMITS.maxFilterValues + 1) } },
          'INPUT_TOO_LARGE',
        );
      });

      it('rejects an atLeast n outside 1 to the number of skills listed', async () => {
        await rejects({ atLeast: { n: 3, of: [S1, S2] } }, 'INPUT_MALFORMED');
        await rejects({ atLeast: { n: 0, of: [S1, S2] } }, 'INPUT_MALFORMED');
      });

      it('rejects a query without a tenant, a bad instant, or a cursor it never issued', async () => {
        await expect(
          index.search({
            tenantId: '',
            employerId: EMPLOYER,
            now: NOW,
            mustHave: [S1],
            niceToHave: [],
            filter: {},
            sort: 'relevance',
            size: 10,
            facets: false,
          }),
        ).rejects.toMatchObject({ code: 'INPUT_MALFORMED' });
        await rejects({ filter: { issuedAfter: 'last tuesday' } }, 'INPUT_MALFORMED');
        await rejects({ after: 'not-a-cursor' }, 'INPUT_MALFORMED');
      });
    });
  });
}
