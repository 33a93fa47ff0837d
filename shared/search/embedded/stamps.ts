/**
 * Marks over a range of slots without clearing between uses: each use takes a fresh stamp,
 * and a slot is "marked" when it holds the current one. A query marks candidates or badges in
 * O(marked) instead of allocating and zeroing an array the size of the tenant.
 *
 * @example
 * const seen = new Stamps();
 * seen.begin(candidateCount);
 * const stamp = seen.next();
 * if (seen.marks[slot] !== stamp) seen.marks[slot] = stamp;
 */
export class Stamps {
  marks = new Int32Array(0);
  #stamp = 0;

  /**
   * Readies the marks for one query over `size` slots. Stamps only wrap here, between queries,
   * so a stamp taken during a query never meets a cleared array.
   */
  begin(size: number): void {
    if (this.marks.length < size) {
      this.marks = new Int32Array(Math.max(size, this.marks.length * 2, 64));
      this.#stamp = 0;
    } else if (this.#stamp > 0x7fff0000) {
      this.marks.fill(0);
      this.#stamp = 0;
    }
  }

  /** A stamp no slot holds yet. */
  next(): number {
    this.#stamp += 1;
    return this.#stamp;
  }
}
