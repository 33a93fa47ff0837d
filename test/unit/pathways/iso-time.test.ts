import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isoTime } from '#pathways/iso-time.ts';

const same = (value: string) => {
  const expected = new Date(value).getTime();
  const actual = isoTime(value);
  return Number.isNaN(expected) ? Number.isNaN(actual) : actual === expected;
};

describe('isoTime', () => {
  it('reads timestamps exactly as Date does, the fast form and others alike', () => {
    for (const value of [
      '2026-01-15T09:00:00Z',
      '2026-01-15T09:00:00.250Z',
      '2024-02-29T23:59:59Z',
      '2026-02-30T00:00:00Z',
      '0000-01-01T00:00:00Z',
      '2026-01-15T24:00:00Z',
      '2026-01-15T23:59:60Z',
      '2026-13-01T00:00:00Z',
      '2026-01-15T09:00:00+02:00',
      '2026-01-15',
      '+012026-01-15T09:00:00Z',
      'not a date',
    ]) {
      expect([value, same(value)]).toEqual([value, true]);
    }
    expect(isoTime(new Date('2026-01-15T09:00:00Z'))).toBe(1768467600000);
  });

  it('agrees with Date on any field values in the fast form', () => {
    const two = (max: number) => fc.integer({ min: 0, max }).map((n) => String(n).padStart(2, '0'));
    const stamp = fc
      .tuple(
        fc.integer({ min: 0, max: 9999 }).map((n) => String(n).padStart(4, '0')),
        two(14),
        two(33),
        two(25),
        two(61),
        two(61),
        fc.option(fc.integer({ min: 0, max: 999 }), { nil: undefined }),
      )
      .map(
        ([y, mo, d, h, mi, s, ms]) =>
          `${y}-${mo}-${d}T${h}:${mi}:${s}${ms === undefined ? '' : `.${String(ms).padStart(3, '0')}`}Z`,
      );
    fc.assert(fc.property(stamp, same), { numRuns: 2000 });
  });
});
