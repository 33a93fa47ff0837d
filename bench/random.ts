/** A source of uniform numbers in [0, 1), like `Math.random`. */
export type Rng = () => number;

/**
 * A seeded generator (mulberry32): small, fast and identical on every machine, so every
 * benchmark run sees the same data.
 *
 * @example
 * const rng = mulberry32(42);
 * const roll = rng(); // the same number on every run
 */
export function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
