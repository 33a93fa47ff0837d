import { describe, expect, it } from 'vitest';
import type { SearchQuery } from '#shared/domain/ports/search-index.ts';
import { SEARCH_LIMITS, textTerms, validateSearchQuery } from '#shared/search/query-limits.ts';

const base: SearchQuery = {
  tenantId: 'tenant-1',
  employerId: 'employer-1',
  now: '2026-06-01T00:00:00Z',
  mustHave: [],
  niceToHave: [],
  filter: {},
  sort: 'relevance',
  size: 20,
  facets: false,
};
const keys = (count: number) => Array.from({ length: count }, (_, i) => `ESCO:S${i}`);

describe('validateSearchQuery', () => {
  it('accepts every cap at its limit', () => {
    const query = {
      ...base,
      size: SEARCH_LIMITS.maxSize,
      mustHave: keys(SEARCH_LIMITS.maxMustHave),
      niceToHave: keys(SEARCH_LIMITS.maxNiceToHave),
      atLeast: { n: SEARCH_LIMITS.maxAtLeastOf, of: keys(SEARCH_LIMITS.maxAtLeastOf) },
      text: `${'word '.repeat(SEARCH_LIMITS.maxTextTerms)}`.padEnd(
        SEARCH_LIMITS.maxTextLength,
        ' ',
      ),
    };

    expect(validateSearchQuery(query)).toEqual(query);
  });

  it('drops repeated skills and filter values, keeping their first order', () => {
    const result = validateSearchQuery({
      ...base,
      mustHave: ['ONET:1', 'ESCO:2', 'ONET:1'],
      atLeast: { n: 2, of: ['ESCO:3', 'ESCO:3', 'ESCO:4'] },
      filter: { issuers: ['did:web:b', 'did:web:a', 'did:web:b'], minResultLevel: 50 },
    });

    expect(result.mustHave).toEqual(['ONET:1', 'ESCO:2']);
    expect(result.atLeast).toEqual({ n: 2, of: ['ESCO:3', 'ESCO:4'] });
    expect(result.filter).toEqual({ issuers: ['did:web:b', 'did:web:a'], minResultLevel: 50 });
  });

  it('counts atLeast.n against the distinct skills listed', () => {
    const repeated = { ...base, atLeast: { n: 2, of: ['ESCO:3', 'ESCO:3'] } };

    expect(() => validateSearchQuery(repeated)).toThrow(
      expect.objectContaining({ code: 'INPUT_MALFORMED' }),
    );
  });

  it.each([
    ['too many words', { text: 'a '.repeat(SEARCH_LIMITS.maxTextTerms + 1) }, 'INPUT_TOO_LARGE'],
    ['an overlong skill key', { mustHave: [`ESCO:${'x'.repeat(300)}`] }, 'INPUT_TOO_LARGE'],
    ['an empty skill key', { mustHave: [''] }, 'INPUT_MALFORMED'],
    ['an unknown sort', { sort: 'alphabetical' as never }, 'INPUT_MALFORMED'],
    ['a result level above 100', { filter: { minResultLevel: 101 } }, 'INPUT_MALFORMED'],
    ['a missing employer', { employerId: '' }, 'INPUT_MALFORMED'],
    ['a bad now', { now: 'soon' }, 'INPUT_MALFORMED'],
  ] as const)('rejects %s', (_name, change, code) => {
    expect(() => validateSearchQuery({ ...base, ...change })).toThrow(
      expect.objectContaining({ name: 'CredstackError', code }),
    );
  });
});

describe('textTerms', () => {
  it('splits on anything but letters and digits, lower-cased, across scripts', () => {
    expect(textTerms('SQL, Data-Analysis (Level 2) Ünïcode')).toEqual([
      'sql',
      'data',
      'analysis',
      'level',
      '2',
      'ünïcode',
    ]);
  });
});
