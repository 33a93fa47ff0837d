import { describe, expect, it } from 'vitest';
import { IndexPermutation } from '#shared/adapters/dynamodb/index-permutation.ts';

const KEY = 'AAECAwQFBgcICQoLDA0ODw';

describe('IndexPermutation', () => {
  it('keeps the allocation order of a stored key: lists already open depend on it', () => {
    // Indexes already handed out follow this order: any change would hand them out again.
    expect(
      [0, 1, 2, 3, 117_963, 131_071].map((n) => new IndexPermutation(KEY, 131_072).permute(n)),
    ).toEqual([50608, 124141, 54178, 110802, 54274, 87230]);
    expect([0, 1, 2, 3, 999].map((n) => new IndexPermutation(KEY, 1000).permute(n))).toEqual([
      590, 824, 526, 785, 42,
    ]);
    const widest = new IndexPermutation(KEY, 2 ** 31);
    expect([0, 1, 2, 3, 2 ** 31 - 1].map((n) => widest.permute(n))).toEqual([
      1291492069, 1332385797, 34169167, 16629342, 1622701246,
    ]);
  });

  it('is a bijection of [0, size), the same on every call', () => {
    const permutation = new IndexPermutation(KEY, 5000);
    const first = Array.from({ length: 5000 }, (_, n) => permutation.permute(n));
    expect(new Set(first).size).toBe(5000);
    expect(first.every((index) => Number.isInteger(index) && index >= 0 && index < 5000)).toBe(
      true,
    );
    expect(Array.from({ length: 5000 }, (_, n) => permutation.permute(n))).toEqual(first);
    expect(() => permutation.permute(5000)).toThrow(RangeError);
  });
});
