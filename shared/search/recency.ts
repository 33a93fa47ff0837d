/**
 * The recency part of a hit's score (see `SearchHit.score` in search-index.ts), shared by every
 * engine so that they rank alike: `weight × decay^(ageDays / halfLifeDays)`.
 */
export const RECENCY = { weight: 0.99, decay: 0.5, halfLifeDays: 365 } as const;

const DAY_MS = 86_400_000;

/**
 * The recency fraction for a badge issued at `issuedAtMs`, at `nowMs`: `0.99 × 0.5^(ageDays /
 * 365)`, an age below zero (a badge dated after `now`) counting as zero, and 0 when there is
 * no such badge (`issuedAtMs` is -Infinity).
 *
 * @example
 * recencyScore(Date.parse('2025-06-01T00:00:00Z'), Date.parse('2026-06-01T00:00:00Z')); // 0.495
 */
export function recencyScore(issuedAtMs: number, nowMs: number): number {
  if (issuedAtMs === Number.NEGATIVE_INFINITY) return 0;
  const ageDays = Math.max(0, nowMs - issuedAtMs) / DAY_MS;
  return RECENCY.weight * RECENCY.decay ** (ageDays / RECENCY.halfLifeDays);
}
