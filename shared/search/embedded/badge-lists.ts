import { grow, IntList } from './int-list.ts';

/**
 * One list of integers per badge slot, all in one pool: slot `b`'s list is
 * `pool.data[start[b] .. start[b + 1])`. Slots are appended in order, so a candidate's run of
 * badges reads one contiguous stretch of the pool.
 *
 * @example
 * const lists = new BadgeLists();
 * lists.push(7); // into the list of the slot being appended
 * lists.close(0); // slot 0's list ends here
 */
export class BadgeLists {
  /** `start[b]` is where slot b's list begins; `start[b + 1]` where it ends. */
  start = new Int32Array(1);
  readonly pool = new IntList(16);

  /** Appends `value` to the list of the slot being appended. */
  push(value: number): void {
    this.pool.push(value);
  }

  /** Ends slot `b`'s list (the slot being appended) at the current end of the pool. */
  close(b: number): void {
    this.start = grow(this.start, b + 2, Int32Array);
    this.start[b + 1] = this.pool.length;
  }

  /** Whether slot `b`'s open list (since `start[b]`) already holds `value`. */
  opened(b: number, value: number): boolean {
    const data = this.pool.data;
    for (let i = this.start[b]!; i < this.pool.length; i += 1) if (data[i] === value) return true;
    return false;
  }

  /**
   * Compaction step: slot `from`'s list becomes slot `to`'s (`to` ≤ `from`, visited in
   * ascending order, with `pool` the running end of the lists already moved).
   */
  move(from: number, to: number, pool: number): number {
    const begin = this.start[from]!;
    const end = this.start[from + 1]!;
    this.pool.data.copyWithin(pool, begin, end);
    this.start[to] = pool;
    return pool + (end - begin);
  }

  /** Ends compaction with `count` slots whose lists end at `pool`. */
  finish(count: number, pool: number): void {
    this.start[count] = pool;
    this.pool.length = pool;
  }

  /** Drops spare capacity beyond `size` slots. */
  shrink(size: number): void {
    if (this.start.length > size * 2 + 1) this.start = this.start.slice(0, size + 1);
  }
}
