import { grow, IntList } from './int-list.ts';

/**
 * Instants are held in the stream as two 32-bit words, `high = ⌊ms / 2^26⌋` and
 * `low = ms − high × 2^26`: exact for any date, compared word by word.
 */
export const LOW_SPAN = 2 ** 26;
const NEVER_HIGH = 0x7fffffff;

/**
 * The high word of instant `ms` (+Infinity maps above every date, -Infinity below).
 *
 * @example
 * instantHigh(Date.parse('2026-06-01T00:00:00Z')); // 26_528
 */
export function instantHigh(ms: number): number {
  if (ms === Number.POSITIVE_INFINITY) return NEVER_HIGH;
  if (ms === Number.NEGATIVE_INFINITY) return -NEVER_HIGH;
  return Math.floor(ms / LOW_SPAN);
}

/**
 * The low word of instant `ms` (see {@link instantHigh}).
 *
 * @example
 * instantLow(2 ** 26 + 5); // 5
 */
export function instantLow(ms: number): number {
  if (!Number.isFinite(ms)) return 0;
  return ms - Math.floor(ms / LOW_SPAN) * LOW_SPAN;
}

/** A badge's facet codes met for the first time there (see {@link FacetRuns}). */
export interface FacetBadge {
  readonly issued: number;
  readonly codes: readonly number[];
}

/** Badges of a run, newest first, all from `issuer` (or from any issuer when it is -1). */
export interface FacetSegment {
  readonly issuer: number;
  readonly badges: readonly FacetBadge[];
}

/**
 * Everything the ranking pass needs about a candidate's run, in one contiguous block of one
 * `Int32Array`, so that a match costs a cache miss or two rather than one per column. A block
 * is `[expiryHigh, expiryLow]` (the run's earliest `validUntil`), then segments
 * `[issuer, length, …badges]`, each badge `[issuedHigh, issuedLow, n, …codes]` newest first,
 * where the codes are the facet keys first met at that badge within its segment (badges
 * meeting nothing new are left out). When every badge of a segment's prefix counts, the facet
 * keys of that prefix are its codes concatenated, each once: nothing to de-duplicate at query
 * time.
 *
 * @example
 * const runs = new FacetRuns();
 * runs.write(0, Number.POSITIVE_INFINITY, segments);
 * const from = runs.range[0]; // candidate 0's block is stream.data[from .. range[1])
 */
export class FacetRuns {
  readonly stream = new IntList(1024);
  /** Candidate c's block is `stream.data[range[2c] .. range[2c + 1])`; empty when none. */
  range = new Int32Array(0);
  #dead = 0;

  /** Replaces candidate `slot`'s block. */
  write(slot: number, expiry: number, segments: readonly FacetSegment[]): void {
    this.clear(slot);
    const stream = this.stream;
    const from = stream.length;
    stream.push(instantHigh(expiry));
    stream.push(instantLow(expiry));
    for (const segment of segments) {
      stream.push(segment.issuer);
      const lengthAt = stream.length;
      stream.push(0);
      for (const badge of segment.badges) {
        if (badge.codes.length === 0) continue;
        stream.push(instantHigh(badge.issued));
        stream.push(instantLow(badge.issued));
        stream.push(badge.codes.length);
        for (const code of badge.codes) stream.push(code);
      }
      stream.data[lengthAt] = stream.length - lengthAt - 1;
    }
    this.range = grow(this.range, 2 * slot + 2, Int32Array);
    this.range[2 * slot] = from;
    this.range[2 * slot + 1] = stream.length;
  }

  /** Drops candidate `slot`'s block (its space is reclaimed by the next {@link compact}). */
  clear(slot: number): void {
    if (2 * slot + 1 >= this.range.length) return;
    this.#dead += this.range[2 * slot + 1]! - this.range[2 * slot]!;
    this.range[2 * slot] = 0;
    this.range[2 * slot + 1] = 0;
  }

  /** Moves the live blocks together, in candidate order. */
  compact(candidates: number): void {
    if (this.#dead === 0) return;
    const old = this.stream.data;
    const live = new Int32Array(Math.max(1024, 2 * (this.stream.length - this.#dead)));
    let at = 0;
    for (let c = 0; c < candidates && 2 * c + 1 < this.range.length; c += 1) {
      const from = this.range[2 * c]!;
      const to = this.range[2 * c + 1]!;
      live.set(old.subarray(from, to), at);
      this.range[2 * c] = at;
      at += to - from;
      this.range[2 * c + 1] = at;
    }
    this.stream.data = live;
    this.stream.length = at;
    this.#dead = 0;
  }
}
