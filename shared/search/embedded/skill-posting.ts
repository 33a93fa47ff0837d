/** Appended entries are left unsorted until they outnumber this (or the sorted ones). */
const MERGE_AFTER = 32;

/**
 * The badges aligned to one skill from one issuer, each entry carrying what the matching loops
 * test: its owner (candidate slot) and issue instant. A scan reads these parallel arrays front
 * to back instead of looking each badge up in the columns. The first `sorted` entries are in
 * issue order, newest first, so a date filter stops reading them at the first one too old;
 * later entries (appended since) are read in full, and are merged in once they outnumber the
 * sorted ones, which keeps the cost of sorting at O(log n) per entry. Two
 * summaries let a scan skip the remaining per-badge checks: `dead` (entries whose badge was
 * replaced or removed, dropped at compaction) and `soonestExpiry` (no entry expires before
 * it).
 *
 * @example
 * const posting = new SkillPosting();
 * posting.push(badgeSlot, candidateSlot, issuedMs, validUntilMs);
 */
export class SkillPosting {
  slot = new Int32Array(4);
  owner = new Int32Array(4);
  issued = new Float64Array(4);
  length = 0;
  /** Entries `0 .. sorted` are newest first. */
  sorted = 0;
  /** Entries whose badge is no longer alive. */
  dead = 0;
  /** The earliest `validUntil` among the entries (+Infinity when none expires). */
  soonestExpiry = Number.POSITIVE_INFINITY;

  push(slot: number, owner: number, issued: number, expiry: number): void {
    // Growing by half keeps the spare room at a third of the entries on average.
    if (this.length === this.slot.length) this.#resize(this.length + (this.length >> 1) + 4);
    const at = this.length;
    this.slot[at] = slot;
    this.owner[at] = owner;
    this.issued[at] = issued;
    if (expiry < this.soonestExpiry) this.soonestExpiry = expiry;
    this.length = at + 1;
    if (this.length - this.sorted > Math.max(MERGE_AFTER, this.sorted)) this.#merge();
  }

  /**
   * How many entries a scan under a date filter at `after` reads: the sorted entries issued
   * after it (found by bisection) and every appended one.
   */
  readAfter(after: number): number {
    const issued = this.issued;
    let low = 0;
    let high = this.sorted;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (issued[mid]! > after) low = mid + 1;
      else high = mid;
    }
    return low + this.length - this.sorted;
  }

  /** Sorts the appended entries (newest first) and merges them into the sorted ones. */
  #merge(): void {
    const tail = Array.from({ length: this.length - this.sorted }, (_, i) => this.sorted + i);
    const issued = this.issued;
    tail.sort((a, b) => issued[b]! - issued[a]! || a - b);
    const slot = new Int32Array(this.slot.length);
    const owner = new Int32Array(this.slot.length);
    const merged = new Float64Array(this.slot.length);
    let i = 0;
    let j = 0;
    for (let at = 0; at < this.length; at += 1) {
      const from =
        j >= tail.length || (i < this.sorted && issued[i]! >= issued[tail[j]!]!) ? i++ : tail[j++]!;
      slot[at] = this.slot[from]!;
      owner[at] = this.owner[from]!;
      merged[at] = issued[from]!;
    }
    this.slot = slot;
    this.owner = owner;
    this.issued = merged;
    this.sorted = this.length;
  }

  /**
   * Compaction: keeps the entries `map` sends to a non-negative slot, renumbered, in order,
   * and recomputes the summaries from the surviving badges' `validUntil`.
   */
  remap(map: Int32Array, validUntil: Float64Array): void {
    let kept = 0;
    let sorted = 0;
    let soonest = Number.POSITIVE_INFINITY;
    for (let i = 0; i < this.length; i += 1) {
      if (i === this.sorted) sorted = kept;
      const mapped = map[this.slot[i]!]!;
      if (mapped < 0) continue;
      this.slot[kept] = mapped;
      this.owner[kept] = this.owner[i]!;
      this.issued[kept] = this.issued[i]!;
      const expiry = validUntil[mapped]!;
      if (expiry < soonest) soonest = expiry;
      kept += 1;
    }
    if (this.sorted === this.length) sorted = kept;
    this.length = kept;
    this.sorted = sorted;
    this.dead = 0;
    this.soonestExpiry = soonest;
    if (this.slot.length > 16 && kept < this.slot.length / 4) this.#resize(Math.max(4, kept * 2));
  }

  #resize(capacity: number): void {
    const slot = new Int32Array(capacity);
    const owner = new Int32Array(capacity);
    const issued = new Float64Array(capacity);
    const n = Math.min(this.length, capacity);
    slot.set(this.slot.subarray(0, n));
    owner.set(this.owner.subarray(0, n));
    issued.set(this.issued.subarray(0, n));
    this.slot = slot;
    this.owner = owner;
    this.issued = issued;
  }
}

/**
 * All the postings of one skill, one per issuer: a filter on issuers scans only theirs, and a
 * query without one scans them all.
 *
 * @example
 * const postings = new SkillPostings();
 * postings.push(badgeSlot, candidateSlot, issuerId, issuedMs, validUntilMs);
 * postings.of(issuerId)?.length; // 1
 */
export class SkillPostings {
  readonly all: SkillPosting[] = [];
  /** Entries over every issuer. */
  length = 0;
  /** Indexed by issuer id: a lookup per badge while building, cheaper than a map's. */
  readonly #byIssuer: (SkillPosting | undefined)[] = [];

  of(issuer: number): SkillPosting | undefined {
    return this.#byIssuer[issuer];
  }

  push(slot: number, owner: number, issuer: number, issued: number, expiry: number): void {
    let posting = this.#byIssuer[issuer];
    if (!posting) {
      posting = new SkillPosting();
      this.#byIssuer[issuer] = posting;
      this.all.push(posting);
    }
    posting.push(slot, owner, issued, expiry);
    this.length += 1;
  }

  /** See {@link SkillPosting.remap}. */
  remap(map: Int32Array, validUntil: Float64Array): void {
    this.length = 0;
    for (const posting of this.all) {
      posting.remap(map, validUntil);
      this.length += posting.length;
    }
  }
}
