import type { CompiledQuery } from './compiled-query.ts';
import type { Partition } from './partition.ts';
import type { SkillPosting } from './skill-posting.ts';
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
  readonly #list = new SlotList();
  #bits = new Int32Array(0);

  /** The matching slots, as a view valid until the next call. */
  match(partition: Partition, query: CompiledQuery): Int32Array {
    const list = this.#list;
    list.reset(partition.candidateCount);
    if (query.impossible) return list.data.subarray(0, 0);
    const stamps = this.#candidateStamps;
    stamps.begin(partition.candidateCount);
    let textDone = false;
    let ordered = false;
    if (query.must.length > 0) {
      ordered = intersectMustHave(partition, query, stamps, list);
    } else if (query.textShapes) {
      const stamp = stamps.next();
      for (const shape of query.textShapes) {
        const badges = partition.shapeBadges[shape];
        if (!badges) continue;
        const { data } = badges;
        for (let i = 0; i < badges.length; i += 1)
          addOwner(partition, query, data[i]!, stamps.marks, stamp, list);
      }
      textDone = true;
    } else if (query.atLeastN > 0) {
      const stamp = stamps.next();
      for (const skill of query.atLeastOf)
        if (skill >= 0)
          collectOwners(query, postingsOf(partition, query, skill), stamps.marks, stamp, list);
    } else {
      for (let c = 0; c < partition.candidateCount; c += 1)
        if (hasCountingBadge(partition, query, c)) list.push(c);
      ordered = true;
    }
    const textMask = textDone ? undefined : query.textMask;
    const data = list.data;
    let kept = 0;
    for (let i = 0; i < list.length; i += 1) {
      const c = data[i]!;
      if (
        visible(partition, query, c) &&
        (query.atLeastN === 0 || atLeastMet(partition, query, c)) &&
        (textMask === undefined || hasTextBadge(partition, query, c, textMask))
      ) {
        data[kept] = c;
        kept += 1;
      }
    }
    list.length = kept;
    if (!ordered) this.#inSlotOrder(list, partition.candidateCount);
    return list.data.subarray(0, list.length);
  }

  /**
   * Puts a match list in slot order: the ranking pass then reads the candidates' blocks front
   * to back, which the memory system streams, instead of jumping across the partition in
   * posting order. A short list is sorted; a long one is set as bits over the slots and read
   * back, 32 slots a word.
   */
  #inSlotOrder(list: SlotList, candidates: number): void {
    if (list.length * 64 < candidates) {
      list.data.subarray(0, list.length).sort();
      return;
    }
    const words = (candidates + 31) >> 5;
    if (this.#bits.length < words) this.#bits = new Int32Array(words * 2);
    const bits = this.#bits;
    bits.fill(0, 0, words);
    const data = list.data;
    for (let i = 0; i < list.length; i += 1) {
      const c = data[i]!;
      bits[c >> 5]! |= 1 << (c & 31);
    }
    let n = 0;
    for (let w = 0; w < words; w += 1) {
      let word = bits[w]!;
      while (word !== 0) {
        // The lowest set bit, then cleared: slots come out in ascending order.
        const low = word & -word;
        data[n] = (w << 5) | (31 - Math.clz32(low));
        n += 1;
        word ^= low;
      }
    }
    list.length = n;
  }
}

/**
 * Leaves in `list` the candidates with a counting badge for every must-have: the rarest skill's
 * postings give the first survivors, each further skill keeps those that also hold it. True
 * when the list came out in slot order.
 */
function intersectMustHave(
  partition: Partition,
  query: CompiledQuery,
  stamps: Stamps,
  list: SlotList,
): boolean {
  const postings = Array.from(query.must, (skill) => postingsOf(partition, query, skill));
  const entries = (skill: number) => sumLengths(postings[query.must.indexOf(skill)]!);
  let order = [...query.must].sort((a, b) => entries(a) - entries(b));
  // A skill's newest-badge column answers for a candidate in one read, but only without a
  // list filter (the column spans every issuer, type and level).
  const columns = query.hasLists ? [] : partition.newestWith;
  let stamp = stamps.next();
  let ordered = false;
  const rarest = postings[query.must.indexOf(order[0]!)]!;
  if (
    columns[order[0]!] !== undefined &&
    readAfter(rarest, query.issuedAfter) * DENSE_FACTOR >= partition.candidateCount
  ) {
    // Even the rarest skill is held by a good part of the tenant: reading the columns of every
    // skill that has one, slot by slot, costs less than stepping through its postings and
    // leaves the survivors in slot order.
    const dense = order.filter((skill) => columns[skill] !== undefined);
    denseMustHave(partition, query, dense, stamps.marks, stamp, list);
    order = [-1, ...order.filter((skill) => columns[skill] === undefined)];
    ordered = true;
  } else collectOwners(query, rarest, stamps.marks, stamp, list);
  const badgesPerCandidate = partition.liveBadges / Math.max(1, partition.candidateCount);
  for (let k = 1; k < order.length && list.length > 0; k += 1) {
    const skill = order[k]!;
    const column = columns[skill];
    if (column) {
      list.retain((c) => newestCounts(partition, query, column, c, skill));
      continue;
    }
    // Checking a survivor's own badges costs a few times more per badge than stepping over a
    // posting entry (a stamp test), hence the factor.
    if (list.length * badgesPerCandidate * 4 < entries(skill)) {
      list.retain((c) => hasSkill(partition, query, c, skill));
      continue;
    }
    // Survivors hold the current stamp; those with a counting badge for this skill move on to
    // a fresh one.
    const next = stamps.next();
    const marks = stamps.marks;
    for (const posting of postings[query.must.indexOf(skill)]!) {
      const { owner, issued, sorted } = posting;
      const fast = entriesCount(query, posting);
      for (let i = 0; i < posting.length; i += 1) {
        // Past the date filter in the sorted part: only the appended entries remain.
        if (issued[i]! <= query.issuedAfter) {
          if (i < sorted) i = sorted - 1;
          continue;
        }
        const c = owner[i]!;
        if (marks[c] === stamp && (fast || query.counts(posting.slot[i]!))) marks[c] = next;
      }
    }
    list.retain((c) => marks[c] === next);
    stamp = next;
  }
  return ordered;
}

/** A dense pass is taken when the rarest skill's entries to read reach 1/DENSE_FACTOR of the candidates. */
const DENSE_FACTOR = 6;

function readAfter(postings: readonly SkillPosting[], after: number): number {
  let sum = 0;
  for (const posting of postings) sum += posting.readAfter(after);
  return sum;
}

/**
 * Appends, in slot order and marked with `stamp`, the candidates holding a counting badge for
 * every one of `skills` (all with a newest-badge column).
 */
function denseMustHave(
  partition: Partition,
  query: CompiledQuery,
  skills: readonly number[],
  marks: Int32Array,
  stamp: number,
  into: SlotList,
): void {
  const { issuedAfter, now } = query;
  const { runExpiry } = partition;
  const n = partition.candidateCount;
  // Branch-free filters: every slot is written at the list's end and the end moves on only
  // for a survivor, so the outcome of a comparison, which the processor cannot predict on
  // these columns, costs no mispredicted branch. The list holds room for every candidate.
  const data = into.data;
  const base = into.length;
  let end = base;
  const first = partition.newestWith[skills[0]!]!;
  for (let c = 0; c < n; c += 1) {
    data[end] = c;
    end += Number(first[c]! > issuedAfter);
  }
  for (let k = 1; k < skills.length; k += 1) {
    const column = partition.newestWith[skills[k]!]!;
    let kept = base;
    for (let i = base; i < end; i += 1) {
      const c = data[i]!;
      data[kept] = c;
      kept += Number(column[c]! > issuedAfter);
    }
    end = kept;
  }
  let kept = base;
  for (let i = base; i < end; i += 1) {
    const c = data[i]!;
    // Something in the run has expired at `now`: the badges themselves decide.
    if (runExpiry[c]! < now && !skills.every((skill) => hasSkill(partition, query, c, skill)))
      continue;
    marks[c] = stamp;
    data[kept] = c;
    kept += 1;
  }
  into.length = kept;
}

/**
 * Whether candidate `c` holds a counting badge for `skill`, from the skill's newest-badge
 * column: none when its newest is too old; one when nothing in its run has expired at `now`
 * (with no list filter, a live unexpired badge after the cutoff counts); otherwise its badges
 * decide.
 */
function newestCounts(
  partition: Partition,
  query: CompiledQuery,
  column: Float64Array,
  c: number,
  skill: number,
): boolean {
  if (column[c]! <= query.issuedAfter) return false;
  return partition.runExpiry[c]! >= query.now || hasSkill(partition, query, c, skill);
}

/** The postings that can hold a counting badge for `skill`: only the filter's issuers'. */
function postingsOf(partition: Partition, query: CompiledQuery, skill: number): SkillPosting[] {
  const postings = partition.skillPostings[skill];
  if (!postings) return [];
  if (query.issuerIds === undefined) return postings.all;
  const found: SkillPosting[] = [];
  for (const issuer of query.issuerIds) {
    const posting = postings.of(issuer);
    if (posting) found.push(posting);
  }
  return found;
}

function sumLengths(postings: readonly SkillPosting[]): number {
  let sum = 0;
  for (const posting of postings) sum += posting.length;
  return sum;
}

/** Appends the owners of counting badges in `postings`, once each (by `stamp`). */
function collectOwners(
  query: CompiledQuery,
  postings: readonly SkillPosting[],
  marks: Int32Array,
  stamp: number,
  into: SlotList,
): void {
  for (const posting of postings) {
    const { owner, issued, sorted } = posting;
    const fast = entriesCount(query, posting);
    for (let i = 0; i < posting.length; i += 1) {
      if (issued[i]! <= query.issuedAfter) {
        if (i < sorted) i = sorted - 1;
        continue;
      }
      const c = owner[i]!;
      if (marks[c] !== stamp && (fast || query.counts(posting.slot[i]!))) {
        marks[c] = stamp;
        into.push(c);
      }
    }
  }
}

/**
 * Whether every entry of `posting` issued after the filter's instant is a counting badge (the
 * posting being one of the filter's issuers'): true while it holds no dead entry, nothing
 * expired at `now`, and the filter lists nothing beside issuers. Otherwise each entry's badge
 * is checked.
 */
function entriesCount(query: CompiledQuery, posting: SkillPosting): boolean {
  return posting.dead === 0 && posting.soonestExpiry >= query.now && !query.listsBesideIssuers;
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
  const { skillStart, skillPool } = partition.shapes;
  const data = skillPool.data;
  const shape = partition.shape[b]!;
  const end = skillStart[shape + 1]!;
  for (let i = skillStart[shape]!; i < end; i += 1) if (data[i] === skill) return true;
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
  mask: Uint8Array,
): boolean {
  const end = readableEnd(partition, query, c);
  const shape = partition.shape;
  for (let b = partition.badgeStart[c]!; b < end; b += 1)
    if (mask[shape[b]!] === 1 && query.counts(b)) return true;
  return false;
}

function atLeastMet(partition: Partition, query: CompiledQuery, c: number): boolean {
  // `of` holds at most 50 skills: one bit per skill fits two 32-bit words.
  let low = 0;
  let high = 0;
  let found = 0;
  const { skillStart } = partition.shapes;
  const pool = partition.shapes.skillPool.data;
  const end = readableEnd(partition, query, c);
  for (let b = partition.badgeStart[c]!; b < end; b += 1) {
    if (!query.counts(b)) continue;
    const shape = partition.shape[b]!;
    const to = skillStart[shape + 1]!;
    for (let i = skillStart[shape]!; i < to; i += 1) {
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
  // A candidate without a document has visibleUntil -Infinity.
  if (partition.visibleUntil[c]! < query.now) return false;
  if (partition.visibleToAll[c] === 1) return true;
  const employers = partition.visibleTo[c];
  return employers !== undefined && query.employer >= 0 && employers.includes(query.employer);
}
