import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type {
  CandidateDocument,
  IndexedBadge,
  SearchQuery,
} from '#shared/domain/ports/search-index.ts';
import { EmbeddedSearchIndex } from '#shared/search/embedded/embedded-search-index.ts';

const NOW = '2026-06-01T00:00:00.000Z';
const TENANT = 'tenant-1';
const SKILL = 'ONET:15-2051.00';
const OTHER = 'ESCO:S5.5.1';

function badge(id: string, skills: string[], daysAgo = 10): IndexedBadge {
  return {
    credentialId: `urn:uuid:${id}`,
    verifyUrl: `https://credstack.example/credentials/${id}/verify`,
    issuerId: 'did:web:x.example',
    issuerName: 'X',
    achievementId: `urn:ach:${id}`,
    achievementName: `Achievement ${id}`,
    achievementType: 'Badge',
    skills: skills.map((key) => ({ key, framework: key.split(':')[0]!, code: key.split(':')[1]! })),
    issuedAt: new Date(Date.parse(NOW) - daysAgo * 86_400_000).toISOString(),
  };
}

function candidate(learnerId: string, badges: IndexedBadge[], version = 1): CandidateDocument {
  return {
    tenantId: TENANT,
    learnerId,
    displayName: learnerId,
    visibility: { employers: 'all' },
    badges,
    version,
  };
}

const query = (overrides: Partial<SearchQuery> = {}): SearchQuery => ({
  tenantId: TENANT,
  employerId: 'employer-1',
  now: NOW,
  mustHave: [SKILL],
  niceToHave: [],
  filter: {},
  sort: 'relevance',
  size: 10,
  facets: true,
  ...overrides,
});

describe('EmbeddedSearchIndex versioned writes', () => {
  it('ends with the newest write whatever order the writes arrive in', async () => {
    const writeArb = fc.record({ remove: fc.boolean(), skill: fc.constantFrom(SKILL, OTHER) });
    await fc.assert(
      fc.asyncProperty(
        fc.array(writeArb, { minLength: 1, maxLength: 8 }).chain((writes) =>
          fc.tuple(
            fc.constant(writes),
            fc.shuffledSubarray(
              writes.map((_, i) => i),
              {
                minLength: writes.length,
              },
            ),
          ),
        ),
        async ([writes, order]) => {
          const index = new EmbeddedSearchIndex({ compactAfterDead: 0 });
          const document = (i: number) =>
            candidate('ada', [badge(`b${i}`, [writes[i]!.skill])], i + 1);

          for (const i of order) {
            if (writes[i]!.remove) await index.remove(TENANT, 'ada', i + 1);
            else await index.upsert(document(i));
          }

          const last = writes.length - 1;
          const expected = writes[last]!.remove ? undefined : document(last);
          expect(await index.get(TENANT, 'ada')).toEqual(expected);
          const found = await index.search(query({ mustHave: [], facets: false }));
          expect(found.hits.map((hit) => hit.learnerId)).toEqual(expected ? ['ada'] : []);
          expect(index.stats(TENANT).liveBadges).toBe(expected ? 1 : 0);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('EmbeddedSearchIndex paging', () => {
  it('neither repeats nor skips earlier hits when a better candidate arrives between pages', async () => {
    const index = new EmbeddedSearchIndex();
    for (let i = 0; i < 6; i += 1)
      await index.upsert(candidate(`c${i}`, [badge(`b${i}`, [SKILL], 10 + i)]));
    const first = await index.search(query({ size: 3 }));

    await index.upsert(candidate('newcomer', [badge('n', [SKILL], 0)]));
    const second = await index.search(query({ size: 3, after: first.next! }));

    expect(first.hits.map((hit) => hit.learnerId)).toEqual(['c0', 'c1', 'c2']);
    expect(second.hits.map((hit) => hit.learnerId)).toEqual(['c3', 'c4', 'c5']);
    expect(second.total).toBe(7);
    expect(second.next).toBeUndefined();
  });

  it('rejects a cursor made for the other sort with INPUT_MALFORMED', async () => {
    const index = new EmbeddedSearchIndex();
    for (let i = 0; i < 3; i += 1)
      await index.upsert(candidate(`c${i}`, [badge(`b${i}`, [SKILL])]));
    const first = await index.search(query({ size: 1 }));

    const reuse = index.search(query({ size: 1, sort: 'recent', after: first.next! }));

    await expect(reuse).rejects.toMatchObject({ name: 'CredstackError', code: 'INPUT_MALFORMED' });
  });
});

describe('EmbeddedSearchIndex compaction', () => {
  it('keeps dead badge slots within the live count and answers the same after compacting', async () => {
    const index = new EmbeddedSearchIndex({ compactAfterDead: 16 });
    const badges = (round: number, i: number) => [
      badge(`r${round}-c${i}-a`, [SKILL], (round * 7 + i) % 40),
      badge(`r${round}-c${i}-b`, [i % 2 === 0 ? OTHER : SKILL], 50 + i),
    ];
    for (let round = 0; round < 5; round += 1)
      for (let i = 0; i < 30; i += 1)
        await index.upsert(candidate(`c${i}`, badges(round, i), round + 1));
    for (let i = 0; i < 10; i += 1) await index.remove(TENANT, `c${i}`, 99);
    const grown = index.stats(TENANT);
    const before = await index.search(query({ niceToHave: [OTHER], size: 100 }));

    index.compact();

    expect(grown.liveBadges).toBe(40);
    expect(grown.badgeSlots).toBeLessThanOrEqual(2 * grown.liveBadges + 16 + 2);
    expect(index.stats(TENANT)).toEqual({
      candidates: 30,
      badgeSlots: 40,
      liveBadges: 40,
      skills: 2,
    });
    expect(await index.search(query({ niceToHave: [OTHER], size: 100 }))).toEqual(before);
    expect(before.total).toBe(20);
  });

  it('keeps upserting and removing correctly after a compaction', async () => {
    const index = new EmbeddedSearchIndex({ compactAfterDead: 0 });
    await index.upsert(candidate('ada', [badge('a1', [SKILL])], 1));
    await index.upsert(candidate('bo', [badge('b1', [SKILL])], 1));
    await index.remove(TENANT, 'ada', 2);
    await index.upsert(candidate('bo', [badge('b2', [OTHER])], 2));

    await index.upsert(candidate('cy', [badge('c1', [SKILL, OTHER])], 1));

    const result = await index.search(query({ mustHave: [SKILL, OTHER] }));
    expect(result.hits.map((hit) => hit.learnerId)).toEqual(['cy']);
    expect(result.facets?.skills).toEqual([
      { key: OTHER, count: 1 },
      { key: SKILL, count: 1 },
    ]);
    expect(index.stats(TENANT)).toMatchObject({ badgeSlots: 2, liveBadges: 2 });
  });
});

describe('EmbeddedSearchIndex date-ordered postings', () => {
  // 300 holders of one skill: their posting is merged into date order several times (it sorts
  // its appended entries once they outnumber the sorted ones), then rewritten and compacted.
  const daysAgo = (i: number, round: number) => (i * 37 + round * 101) % 900;
  const holders = (round: number, cutoffDays: number, from = 0) =>
    Array.from({ length: 300 }, (_, i) => i)
      .filter((i) => i >= from && daysAgo(i, i < 150 ? round : 0) < cutoffDays)
      .map((i) => `c${i.toString().padStart(3, '0')}`);
  const issuedAfter = (days: number) => new Date(Date.parse(NOW) - days * 86_400_000).toISOString();

  it('finds exactly the candidates with a badge after the cutoff, before and after rewrites and compaction', async () => {
    const index = new EmbeddedSearchIndex({ compactAfterDead: 16 });
    for (let i = 0; i < 300; i += 1)
      await index.upsert(
        candidate(`c${i.toString().padStart(3, '0')}`, [badge(`a${i}`, [SKILL], daysAgo(i, 0))]),
      );
    const first = index.matchAll(query({ filter: { issuedAfter: issuedAfter(200) } })).sort();
    for (let i = 0; i < 150; i += 1)
      await index.upsert(
        candidate(`c${i.toString().padStart(3, '0')}`, [badge(`b${i}`, [SKILL], daysAgo(i, 1))], 2),
      );
    for (let i = 0; i < 20; i += 1)
      await index.remove(TENANT, `c${i.toString().padStart(3, '0')}`, 3);

    const recent = query({ filter: { issuedAfter: issuedAfter(365) } });
    const rewritten = index.matchAll(recent).sort();
    const result = await index.search(recent);
    index.compact();

    expect(first).toEqual(holders(0, 200));
    expect(rewritten).toEqual(holders(1, 365, 20));
    expect(result.total).toBe(rewritten.length);
    expect(result.facets?.skills).toEqual([{ key: SKILL, count: rewritten.length }]);
    expect(index.stats(TENANT).badgeSlots).toBe(280);
    expect(index.matchAll(recent).sort()).toEqual(rewritten);
    expect(await index.search(recent)).toEqual(result);
  });
});

describe('EmbeddedSearchIndex unknown tenants and skills', () => {
  it('answers a tenant it never indexed with no hits and empty facets', async () => {
    const index = new EmbeddedSearchIndex();
    await index.upsert(candidate('ada', [badge('a1', [SKILL])]));

    const result = await index.search(query({ tenantId: 'tenant-2' }));

    expect(result).toEqual({
      total: 0,
      hits: [],
      facets: { skills: [], issuers: [], achievementTypes: [] },
    });
    expect(await index.get('tenant-2', 'ada')).toBeUndefined();
  });

  it('finds nobody for a must-have skill no badge names, and reports an unknown nice-to-have as missing', async () => {
    const index = new EmbeddedSearchIndex();
    await index.upsert(candidate('ada', [badge('a1', [SKILL])]));

    const unknownMust = await index.search(query({ mustHave: ['ESCO:nowhere'] }));
    const unknownNice = await index.search(query({ niceToHave: ['ESCO:nowhere'] }));

    expect(unknownMust.total).toBe(0);
    expect(unknownNice.hits[0]?.missing.niceToHave).toEqual(['ESCO:nowhere']);
  });
});

describe('EmbeddedSearchIndex document storage', () => {
  // The index keeps no document object: it rebuilds documents from badge shapes, columns and a
  // compact per-candidate text, so every value must come back exactly as written.
  const jsonText = fc.string({ unit: 'binary', maxLength: 12 });
  const instant = fc.oneof(
    fc.integer({ min: 0, max: 4_102_444_800_000 }).map((ms) => new Date(ms).toISOString()),
    fc.constantFrom('2026-02-30T00:00:00.000Z', '2026-01-01T10:00:00Z', 'not a date', ''),
  );
  const badgeArb = fc.record(
    {
      credentialId: jsonText,
      verifyUrl: fc.oneof(
        jsonText,
        jsonText.map((id) => `https://x.example/credentials/${id}/verify`),
      ),
      issuerId: fc.constantFrom('did:web:a.example', 'did:web:b.example'),
      issuerName: jsonText,
      issuerTier: fc.constantFrom('accredited', 'known'),
      achievementId: fc.constantFrom('urn:ach:1', 'urn:ach:2'),
      achievementName: jsonText,
      achievementType: fc.constantFrom('Badge', 'Course'),
      skills: fc.array(
        fc.record(
          {
            key: fc.constantFrom(SKILL, OTHER),
            framework: fc.constantFrom('ONET', 'ESCO'),
            code: jsonText,
            name: jsonText,
            via: fc.constantFrom(SKILL, OTHER),
          },
          { requiredKeys: ['key', 'framework', 'code'], noNullPrototype: true },
        ),
        { maxLength: 3 },
      ),
      issuedAt: instant,
      validUntil: instant,
      result: fc.record(
        { value: jsonText, level: fc.integer({ min: 0, max: 100 }) },
        { requiredKeys: ['value'], noNullPrototype: true },
      ),
      credits: fc.integer({ min: 0, max: 30 }),
    },
    {
      noNullPrototype: true,
      requiredKeys: [
        'credentialId',
        'verifyUrl',
        'issuerId',
        'issuerName',
        'achievementId',
        'achievementName',
        'achievementType',
        'skills',
        'issuedAt',
      ],
    },
  );

  it('gives back every document exactly as written, badges in their order', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(badgeArb, { maxLength: 6 }), { minLength: 1, maxLength: 4 }),
        async (holdings) => {
          const index = new EmbeddedSearchIndex();
          const documents = holdings.map((badges, i) => ({
            ...candidate(`learner-${i}`, badges),
            visibility: i % 2 === 0 ? { employers: 'all' as const } : { employers: ['e1'] },
          }));
          for (const document of documents) await index.upsert(document);
          for (const document of documents)
            expect(await index.get(TENANT, document.learnerId)).toStrictEqual(document);
        },
      ),
      { numRuns: 200 },
    );
  });
});
