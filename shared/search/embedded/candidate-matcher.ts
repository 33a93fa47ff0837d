import type { CompiledQuery } from './compiled-query.ts';
import type { Partition } from './partition.ts';
import { Stamps } from './stamps.ts';

/** A reusable list of candidate slots, filtered in place: no garbage per query. */
class SlotList {
  data = new Int32Array(1024);
  length = 0;

  reset(capacity: number): void {
    if (this.data.length < capacity)
      this.data = new Int32Array(Math.max(capacity, this.data.length * 2));
    this.length = 0;
  }

  push(slot: number): void {
    this.data[this.length] = slot;
    this.length += 1;
  }

  retain(keep: (slot: number) => boolean): void {
    let kept = 0;
    for (let i = 0; i < this.length; i += 1) {
      const slot = this.data[i]!;
      if (keep(slot)) {
        this.data[kept] = slot;
        kept += 1;
      }
    }
    this.length = kept;
  }
}

/**
 * Finds the candidate slots matching a compiled query: visible to the employer at `now`, with
 * a counting badge for every must-have, `atLeast.n` of `atLeast.of`, and one counting badge
 * holding every text word. Must-haves are intersected rarest first; each further skill is
 * either scanned through its postings or checked on the few survivors' own badges, whichever
 * touches fewer slots. Its buffers are reused from query to query (one query at a time).
 *
 * @example
 * const slots = new CandidateMatcher().match(partition, compiled);
 */
export class CandidateMatcher {
  readonly #candidateStamps = new Stamps();
  readonly #badgeStamps = new Stamps();
  readonly #list = new SlotList();

  /** The matching slots, as a view valid until the next call. */
  match(partition: Partition, query: CompiledQuery): Int32Array {
    const list = this.#list;
    list.reset(partition.candidateCount);
    if (query.impossible) return list.data.subarray(0, 0);
    const stamps = this.#candidateStamps;
    stamps.begin(partition.candidateCount);
    let textStamp = 0;
    if (query.textBadges) {
      this.#badgeStamps.begin(partition.badgeCount);
      textStamp = this.#badgeStamps.next();
      const marks = this.#badgeStamps.marks;
      for (const b of query.textBadges) marks[b] = textStamp;
    }
    let textDone = false;
    if (query.must.length > 0) {
      intersectMustHave(partition, query, stamps, list);
    } else if (query.textBadges) {
      const stamp = stamps.next();
      for (const b of query.textBadges) addOwner(partition, query, b, stamps.marks, stamp, list);
      textDone = true;
    } else if (query.atLeastN > 0) {
      const stamp = stamps.next();
      for (const skill of query.atLeastOf)
        if (skill >= 0) collectOwners(partition, query, skill, stamps.marks, stamp, list);
    } else {
      for (let c = 0; c < partition.candidateCount; c += 1)
        if (hasCountingBadge(partition, query, c)) list.push(c);
    }
    const textMarks = this.#badgeStamps.marks;
    list.retain(
      (c) =>
        visible(partition, query, c) &&
        (query.atLeastN === 0 || atLeastMet(partition, query, c)) &&
        (textDone || textStamp === 0 || hasTextBadge(partition, query, c, textMarks, textStamp)),
    );
    return list.data.subarray(0, list.length);
  }
}

function intersectMustHave(
  partition: Partition,
  query: CompiledQuery,
  stamps: Stamps,
  list: SlotList,
): void {
  const postingLength = (skill: number) => partition.skillPostings[skill]?.length ?? 0;
  const order = [...query.must].sort((a, b) => postingLength(a) - postingLength(b));
  let stamp = stamps.next();
  collectOwners(partition, query, order[0]!, stamps.marks, stamp, list);
  const badgesPerCandidate = partition.liveBadges / Math.max(1, partition.candidateCount);
  for (let k = 1; k < order.length && list.length > 0; k += 1) {
    const skill = order[k]!;
    // Checking a survivor's own badges costs a few times more per badge than stepping over a
    // posting entry (a stamp test), hence the factor.
    if (list.length * badgesPerCandidate * 4 < postingLength(skill)) {
      list.retain((c) => hasSkill(partition, query, c, skill));
      continue;
    }
    // Survivors hold the current stamp; those with a counting badge for this skill move on to
    // a fresh one.
    const next = stamps.next();
    const marks = stamps.marks;
    const posting = partition.skillPostings[skill]!;
    const slots = posting.data;
    const owner = partition.owner;
    for (let i = 0; i < posting.length; i += 1) {
      const b = slots[i]!;
      const c = owner[b]!;
      if (marks[c] === stamp && query.counts(b)) marks[c] = next;
    }
    list.retain((c) => marks[c] === next);
    stamp = next;
  }
}

/** Appends the owners of counting badges aligned to `skill`, once each (by `stamp`). */
function collectOwners(
  partition: Partition,
  query: CompiledQuery,
  skill: number,
  marks: Int32Array,
  stamp: number,
  into: SlotList,
): void {
  const posting = partition.skillPostings[skill];
  if (!posting) return;
  const slots = posting.data;
  for (let i = 0; i < posting.length; i += 1)
    addOwner(partition, query, slots[i]!, marks, stamp, into);
}

function addOwner(
  partition: Partition,
  query: CompiledQuery,
  b: number,
  marks: Int32Array,
  stamp: number,
  into: SlotList,
): void {
  const c = partition.owner[b]!;
  if (marks[c] !== stamp && query.counts(b)) {
    marks[c] = stamp;
    into.push(c);
  }
}

function badgeHasSkill(partition: Partition, b: number, skill: number): boolean {
  const pool = partition.skillPool.data;
  const end = partition.skillStart[b + 1]!;
  for (let i = partition.skillStart[b]!; i < end; i += 1) if (pool[i] === skill) return true;
  return false;
}

/**
 * The end of candidate `c`'s badges worth reading: its run is newest first, so under a date
 * filter everything from the first badge too old onwards fails.
 */
function readableEnd(partition: Partition, query: CompiledQuery, c: number): number {
  const end = partition.badgeEnd[c]!;
  const { issuedAfter } = query;
  if (issuedAfter === Number.NEGATIVE_INFINITY) return end;
  const issued = partition.issued;
  let b = partition.badgeStart[c]!;
  while (b < end && issued[b]! > issuedAfter) b += 1;
  return b;
}

function hasSkill(partition: Partition, query: CompiledQuery, c: number, skill: number): boolean {
  const end = readableEnd(partition, query, c);
  for (let b = partition.badgeStart[c]!; b < end; b += 1)
    if (badgeHasSkill(partition, b, skill) && query.counts(b)) return true;
  return false;
}

function hasCountingBadge(partition: Partition, query: CompiledQuery, c: number): boolean {
  const end = readableEnd(partition, query, c);
  for (let b = partition.badgeStart[c]!; b < end; b += 1) if (query.counts(b)) return true;
  return false;
}

function hasTextBadge(
  partition: Partition,
  query: CompiledQuery,
  c: number,
  marks: Int32Array,
  stamp: number,
): boolean {
  const end = readableEnd(partition, query, c);
  for (let b = partition.badgeStart[c]!; b < end; b += 1)
    if (marks[b] === stamp && query.counts(b)) return true;
  return false;
}

function atLeastMet(partition: Partition, query: CompiledQuery, c: number): boolean {
  // `of` holds at most 50 skills: one bit per skill fits two 32-bit words.
  let low = 0;
  let high = 0;
  let found = 0;
  const pool = partition.skillPool.data;
  const end = readableEnd(partition, query, c);
  for (let b = partition.badgeStart[c]!; b < end; b += 1) {
    if (!query.counts(b)) continue;
    const to = partition.skillStart[b + 1]!;
    for (let i = partition.skillStart[b]!; i < to; i += 1) {
      const index = query.atLeastIndex[pool[i]!]!;
      if (index < 0) continue;
      if (index < 32) {
        if ((low & (1 << index)) !== 0) continue;
        low |= 1 << index;
      } else {
        if ((high & (1 << (index - 32))) !== 0) continue;
        high |= 1 << (index - 32);
      }
      found += 1;
      if (found >= query.atLeastN) return true;
    }
  }
  return false;
}

function visible(partition: Partition, query: CompiledQuery, c: number): boolean {
  if (partition.documents[c] === undefined || partition.visibleUntil[c]! < query.now) return false;
  if (partition.visibleToAll[c] === 1) return true;
  const employers = partition.visibleTo[c];
  return employers !== undefined && query.employer >= 0 && employers.includes(query.employer);
}
