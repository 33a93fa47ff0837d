import { describe, expect, it } from 'vitest';
import { compareRates, targetMet } from '../../../bench/measure.ts';

describe('targetMet', () => {
  it('checks a ≥ N% target against the ratio column', () => {
    const rate = (value: number, target: string) => targetMet({ value, baseline: 100, target });
    expect(rate(81, '≥ 80%')).toBe('yes');
    expect(rate(79, '≥ 80%')).toBe('no');
    expect(rate(1020, '≥ 1000% (10×)')).toBe('yes');
    // Lower is better for times: the ratio column is baseline over figure.
    expect(targetMet({ value: 10, baseline: 100, unit: 'ms', target: '≥ 1000%' })).toBe('yes');
    expect(targetMet({ value: 11, baseline: 100, unit: 'ms', target: '≥ 1000%' })).toBe('no');
  });

  it('checks a time against a multiple of its baseline', () => {
    const start = (value: number) =>
      targetMet({ value, baseline: 40, unit: 'ms', target: '≤ 3× baseline' });
    expect(start(120)).toBe('yes');
    expect(start(121)).toBe('no');
  });

  it('checks a size against its limit', () => {
    const size = (value: number) =>
      targetMet({ value, baseline: 300, unit: 'KB', target: '< 300 KB' });
    expect(size(299.9)).toBe('yes');
    expect(size(300)).toBe('no');
  });

  it('leaves rows without a checkable target blank', () => {
    expect(targetMet({ value: 1, baseline: 2 })).toBe('');
    expect(targetMet({ value: 1, baseline: 2, target: 'linear' })).toBe('');
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
