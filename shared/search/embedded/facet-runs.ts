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

/**
 * Everything the ranking pass needs about a candidate's run, in one contiguous block of one
 * `Int32Array`, so that a match costs a cache miss or two rather than one per column. A block
 * is `[expiryHigh, expiryLow]` (the run's earliest `validUntil`), then segments
 * `[issuer, length, …badges]`, each badge `[issuedHigh, issuedLow, shape, …masks]` newest
 * first. The masks (one 32-bit word per 32 facet codes of the shape's list, see
 * `Partition.shapeCodes`) mark the codes met *for the first time* at that badge within its
 * segment; badges meeting nothing new are left out. When every badge of a segment's prefix
 * counts, the facet keys of that prefix are the marked codes, each once: nothing to
 * de-duplicate at query time, and a badge costs four words however many keys it brings.
 *
 * @example
 * const runs = new FacetRuns();
 * runs.open(0, Number.POSITIVE_INFINITY);
 * runs.segment(-1);
 * runs.badge(issuedMs, shape, masks, 1);
 * runs.closeSegment();
 * runs.close(0);
 * const from = runs.range[0]; // candidate 0's block is stream.data[from .. range[1])
 */
export class FacetRuns {
  readonly stream = new IntList(1024);
  /** Candidate c's block is `stream.data[range[2c] .. range[2c + 1])`; empty when none. */
  range = new Int32Array(0);
  #dead = 0;

  #from = 0;
  #lengthAt = 0;

  /** Starts candidate `slot`'s new block (dropping its old one), with its run's earliest expiry. */
  open(slot: number, expiry: number): void {
    this.clear(slot);
    this.#from = this.stream.length;
    this.stream.push(instantHigh(expiry));
    this.stream.push(instantLow(expiry));
  }

  /** Starts a segment of the block: badges all from `issuer` (-1: from any issuer). */
  segment(issuer: number): void {
    this.stream.push(issuer);
    this.#lengthAt = this.stream.length;
    this.stream.push(0);
  }

  /** Appends a badge issued at `issued` of shape `shape`, its new codes marked in `masks[0 .. words)`. */
  badge(issued: number, shape: number, masks: Int32Array, words: number): void {
    const stream = this.stream;
    stream.push(instantHigh(issued));
    stream.push(instantLow(issued));
    stream.push(shape);
    for (let w = 0; w < words; w += 1) stream.push(masks[w]!);
  }

  closeSegment(): void {
    this.stream.data[this.#lengthAt] = this.stream.length - this.#lengthAt - 1;
  }

  /** Ends candidate `slot`'s block. */
  close(slot: number): void {
    this.range = grow(this.range, 2 * slot + 2, Int32Array);
    this.range[2 * slot] = this.#from;
    this.range[2 * slot + 1] = this.stream.length;
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
