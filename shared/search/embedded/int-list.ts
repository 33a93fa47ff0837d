/**
 * A growable list of 32-bit integers in one typed array: postings and pools stay compact (4
 * bytes an entry, no boxing) and are scanned by the query loops without indirection.
 *
 * @example
 * const list = new IntList();
 * list.push(7);
 * list.data[0]; // 7
 */
export class IntList {
  data: Int32Array;
  length = 0;

  constructor(capacity = 4) {
    this.data = new Int32Array(capacity);
  }

  push(value: number): void {
    if (this.length === this.data.length) {
      // Growing by half keeps the spare room of large lists (postings, facet streams) at a
      // third of their size on average rather than a half.
      const grown = new Int32Array(Math.max(4, this.data.length + (this.data.length >> 1)));
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length] = value;
    this.length += 1;
  }

  /** The entries as a view (no copy); valid until the next push. */
  view(): Int32Array {
    return this.data.subarray(0, this.length);
  }

  /** Keeps the entries `map` sends to a non-negative value, replaced by it, in order. */
  remap(map: Int32Array): void {
    let kept = 0;
    for (let i = 0; i < this.length; i += 1) {
      const mapped = map[this.data[i]!]!;
      if (mapped >= 0) {
        this.data[kept] = mapped;
        kept += 1;
      }
    }
    this.length = kept;
    if (this.data.length > 16 && kept < this.data.length / 4)
      this.data = this.data.slice(0, Math.max(4, kept * 2));
  }
}

/**
 * Grows a typed array to hold at least `needed` entries, doubling, keeping its contents.
 *
 * @example
 * column = grow(column, count + 1, Float64Array);
 */
export function grow<T extends Int32Array | Float64Array | Uint8Array | Uint32Array>(
  array: T,
  needed: number,
  make: new (length: number) => T,
): T {
  if (needed <= array.length) return array;
  const grown = new make(Math.max(needed, array.length * 2, 16));
  grown.set(array);
  return grown;
}
