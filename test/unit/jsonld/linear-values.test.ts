import fc from 'fast-check';
import jsonldUtil from 'jsonld/lib/util.js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { canonize } from '#shared/credentials/jsonld/canonize.ts';
import { valueKey } from '#shared/credentials/jsonld/linear-values.ts';

/**
 * jsonld.js's duplicate check answers from an index (linear-values.ts): the same answers as
 * comparing with every value, without the n² comparisons.
 */

interface Util {
  hasValue(subject: Record<string, unknown>, property: string, value: unknown): boolean;
  compareValues(a: unknown, b: unknown): boolean;
}
const util = jsonldUtil as unknown as Util;

afterEach(() => {
  vi.restoreAllMocks();
});

/** Values as expansion produces them, from a small pool so that equal ones recur. */
const primitive = fc.constantFrom<unknown>('a', 'b', '1', 1, 0, -0, true, false, null);
const field = fc.option(fc.constantFrom('x', 'y', 'http://t.example/t'), { nil: undefined });
const expandedValue: fc.Arbitrary<unknown> = fc.oneof(
  primitive,
  fc
    .record({ value: primitive, type: field, language: field, index: field })
    .map(({ value, type, language, index }) => ({
      '@value': value,
      ...(type === undefined ? {} : { '@type': type }),
      ...(language === undefined ? {} : { '@language': language }),
      ...(index === undefined ? {} : { '@index': index }),
    })),
  fc.constantFrom('urn:a', 'urn:b', '_:b0', 'http://x.example/').map((id) => ({ '@id': id })),
  fc.constant(null).map(() => ({ '@list': [] })),
  fc.constant({ '@value': Number.NaN }),
  fc.constantFrom({ '@value': 'a', '@id': 'urn:a' }, { '@value': { json: true } }),
);

function scan(values: readonly unknown[], value: unknown): boolean {
  return values.some((other) => util.compareValues(value, other));
}

describe('linear-values', () => {
  it('answers hasValue exactly as comparing with every value, also as the array grows', () => {
    fc.assert(
      fc.property(
        fc.array(expandedValue, { minLength: 0, maxLength: 120 }),
        fc.array(expandedValue, { minLength: 1, maxLength: 20 }),
        (values, probes) => {
          const subject: Record<string, unknown> = { p: [...values] };
          const list = subject.p as unknown[];
          for (const probe of [...probes, ...values.slice(0, 5)]) {
            expect(util.hasValue(subject, 'p', probe)).toBe(scan(list, probe));
            // The node map appends after each check: the index must follow.
            list.push(probe);
          }
          // A rebuilt array (different first value) is not answered from a stale index.
          list.unshift({ '@id': 'urn:new' });
          expect(util.hasValue(subject, 'p', { '@id': 'urn:new' })).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('gives equal keys exactly to values jsonld.js calls equal', () => {
    fc.assert(
      fc.property(expandedValue, expandedValue, (a, b) => {
        const [ka, kb] = [valueKey(a), valueKey(b)];
        if (ka !== undefined && kb !== undefined) expect(ka === kb).toBe(util.compareValues(a, b));
      }),
    );
  });

  it('canonicalizes a long array with a number of comparisons linear in its length', async () => {
    const compare = vi.spyOn(util, 'compareValues');
    const tags = Array.from({ length: 4_000 }, (_, i) => `tag-${i % 3_000}`);

    const nquads = await canonize({
      '@context': { tag: 'http://t.example/tag' },
      '@id': 'urn:x',
      tag: tags,
    });

    // Duplicates still collapse (an RDF graph is a set): 3,000 distinct triples.
    expect(nquads.trimEnd().split('\n')).toHaveLength(3_000);
    // Comparing with every value would take about 4,000²/2 = 8 million calls.
    expect(compare.mock.calls.length).toBeLessThan(4_000);
  });

  it('merges node objects that share an id without comparing each with all before it', async () => {
    const compare = vi.spyOn(util, 'compareValues');
    const nodes = Array.from({ length: 3_000 }, (_, i) => ({
      '@id': 'urn:same',
      'http://t.example/n': { '@id': `urn:n${i}` },
    }));

    const nquads = await canonize({ '@graph': nodes });

    expect(nquads.trimEnd().split('\n')).toHaveLength(3_000);
    expect(compare.mock.calls.length).toBeLessThan(3_000);
  });
});
