import { describe, expect, it } from 'vitest';
import { compareRates, targetMet } from '../../../bench/measure.ts';

describe('targetMet', () => {
  it('checks a ≥ N% target against the ratio column', () => {
    expect(targetMet('≥ 80%', 0.81)).toBe('yes');
    expect(targetMet('≥ 80%', 0.79)).toBe('no');
    expect(targetMet('≥ 1000% (10×)', 10.2)).toBe('yes');
    expect(targetMet('≥ 33.3% (≤ 3× the baseline)', 0.3)).toBe('no');
  });

  it('leaves rows without a checkable target blank', () => {
    expect(targetMet(undefined, 2)).toBe('');
    expect(targetMet('linear', 2)).toBe('');
  });
});

describe('compareRates', () => {
  it('reports each operation its own rate', async () => {
    const spin = (n: number) => {
      let x = 0;
      for (let i = 0; i < n; i += 1) x += i;
      return x;
    };
    const [cheap, dear] = await compareRates([() => spin(10), () => spin(20_000)], {
      rounds: 3,
      roundMs: 30,
    });
    expect(cheap!.perSecond).toBeGreaterThan(dear!.perSecond);
    expect(cheap!.rounds).toHaveLength(3);
  });
});
