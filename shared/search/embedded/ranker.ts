import type { FacetCount, SearchResult, SearchSort } from '#shared/domain/ports/search-index.ts';
import { SEARCH_LIMITS } from '../query-limits.ts';
import { recencyScore } from '../recency.ts';
import type { CompiledQuery } from './compiled-query.ts';
import type { Dictionary } from './dictionary.ts';
import { instantHigh, instantLow, LOW_SPAN } from './facet-runs.ts';
import { FACET_KIND, FACET_SHIFT, type Partition } from './partition.ts';
import { Stamps } from './stamps.ts';

/** Where the previous page stopped: its last hit's sort key and learner id. */
export interface PagePosition {
  readonly key: number;
  readonly learnerId: string;
}

export interface RankOptions {
  readonly sort: SearchSort;
  readonly size: number;
  readonly after?: PagePosition;
  readonly facets: boolean;
}

export interface Ranked {
  readonly total: number;
  /** The page's candidate slots, best first, with their score and sort key. */
  readonly page: readonly { slot: number; score: number; key: number }[];
  /** True when hits follow the page. */
  readonly more: boolean;
  readonly facets?: SearchResult['facets'];
}

/**
 * One pass over the matching candidates' counting badges: each one's score and sort key, facet
 * counts (a candidate once per key), and the page after `after` kept in a bounded heap, so a
 * page costs O(matches × badges + matches × log size) whatever its depth. When every badge a
 * candidate's run offers counts (no expiry before `now`, and no list filter or one issuer
 * only), its facet keys are the ones its facet block marks on the counting prefix, with
 * nothing to de-duplicate. Its buffers are reused from query to query (one query at a time).
 *
 * @example
 * const ranked = new Ranker().rank(partition, compiled, slots, { sort: 'relevance', size: 20, facets: true });
 */
export class Ranker {
  #counts = new Int32Array(0);
  #role = new Uint8Array(0);
  readonly #seen = new Stamps();
  /** What the look-ahead reads summed to: kept only so that they are not optimised away. */
  lookAhead = 0;

  /**
   * Per facet code, the query's use of it: {@link QUERIED} for a skill a list of the query
   * names, {@link NICE} for a nice-to-have, 0 for anything else.
   */
  #roles(codes: number, query: CompiledQuery): Uint8Array {
    if (this.#role.length < codes) this.#role = new Uint8Array(codes * 2);
    const roles = this.#role;
    roles.fill(0, 0, codes);
    const { queried, niceIndex } = query;
    for (let skill = 0; skill < queried.length; skill += 1)
      if (queried[skill] === 1)
        roles[(skill << FACET_SHIFT) | FACET_KIND.skill] = niceIndex[skill]! >= 0 ? NICE : QUERIED;
    return roles;
  }

  rank(
    partition: Partition,
    query: CompiledQuery,
    matches: Int32Array,
    options: RankOptions,
  ): Ranked {
    const { badgeStart, badgeEnd, issued, issuer, shape, learnerIds, validUntil } = partition;
    const { skillStart, type } = partition.shapes;
    const skillPool = partition.shapes.skillPool.data;
    const facets = options.facets;
    const codes =
      Math.max(partition.skills.size, partition.issuers.size, partition.types.size) << FACET_SHIFT;
    if (this.#counts.length < codes) this.#counts = new Int32Array(codes * 2);
    const counts = this.#counts;
    counts.fill(0, 0, codes);
    const seenStamps = this.#seen;
    seenStamps.begin(codes);
    const seen = seenStamps.marks;
    const roles = this.#roles(codes, query);
    const shapeCodes = partition.shapeCodes.data;
    const shapeCodeStart = partition.shapeCodeStart;
    const { queried, niceIndex, anySkill, now, asOf, issuedAfter, hasLists, onlyIssuer } = query;
    // The facet stream answers a run whose badges all count once past the date cutoff: no
    // list filter, or one issuer only (then that issuer's segment of the block applies).
    const byIssuer = onlyIssuer >= 0;
    const streamed = !hasLists || byIssuer;
    const runs = byIssuer ? partition.facetsByIssuer : partition.facetsInRun;
    const stream = runs.stream.data;
    const range = runs.range;
    const nowHigh = instantHigh(now);
    const nowLow = instantLow(now);
    const afterHigh = instantHigh(issuedAfter);
    const afterLow = instantLow(issuedAfter);
    const recent = options.sort === 'recent';
    const after = options.after;
    const heap = new PageHeap(options.size, learnerIds);
    let following = 0;

    // The matches go in batches: a first loop reads the lines of each match's block in the
    // batch, loads that do not depend on one another, so the memory system fetches many at
    // once; the second loop then works on blocks already in cache instead of waiting for each
    // one in turn. The sum only keeps the reads from being dropped.
    let ahead = 0;
    for (let batch = 0; batch < matches.length; batch += BATCH) {
      const batchEnd = Math.min(matches.length, batch + BATCH);
      if (streamed)
        for (let m = batch; m < batchEnd; m += 1) {
          const c = matches[m]!;
          const from = range[2 * c]!;
          const to = Math.min(range[2 * c + 1]!, from + TOUCHED);
          for (let p = from; p < to; p += LINE) ahead ^= stream[p]!;
        }
      for (let m = batch; m < batchEnd; m += 1) {
        const c = matches[m]!;
        let newest = Number.NEGATIVE_INFINITY;
        let nice = 0;
        let p = range[2 * c]!;
        const blockEnd = range[2 * c + 1]!;
        const expiryHigh = stream[p]!;
        if (
          streamed &&
          p < blockEnd &&
          (expiryHigh > nowHigh || (expiryHigh === nowHigh && stream[p + 1]! >= nowLow))
        ) {
          for (p += 2; p < blockEnd; ) {
            const segmentEnd = p + 2 + stream[p + 1]!;
            if (byIssuer && stream[p] !== onlyIssuer) {
              p = segmentEnd;
              continue;
            }
            for (p += 2; p < segmentEnd; ) {
              const high = stream[p]!;
              const low = stream[p + 1]!;
              if (high < afterHigh || (high === afterHigh && low <= afterLow)) break;
              const s = stream[p + 2]!;
              const at = high * LOW_SPAN + low;
              if (!anySkill && at > newest) newest = at;
              const from = shapeCodeStart[s]!;
              const length = shapeCodeStart[s + 1]! - from;
              p += 3;
              // The keys first met at this badge, marked in its masks; the first queried skill
              // met is met at the newest badge holding one (the segment runs newest first),
              // which sets `newest` for good.
              for (let base = 0; base < length; base += 32) {
                let mask = stream[p]!;
                p += 1;
                while (mask !== 0) {
                  const bit = mask & -mask;
                  mask ^= bit;
                  const code = shapeCodes[from + base + 31 - Math.clz32(bit)]!;
                  if (facets) counts[code]! += 1;
                  const role = roles[code]!;
                  if (role === 0) continue;
                  if (at > newest) newest = at;
                  if (role === NICE) nice += 1;
                }
              }
            }
            // Only one segment can pass: the run's single one, or the filter's issuer.
            break;
          }
        } else {
          const stamp = seenStamps.next();
          const end = badgeEnd[c]!;
          for (let b = badgeStart[c]!; b < end; b += 1) {
            // query.counts(b), inlined: the run is newest first, so the first badge too old ends
            // it, and a run only ever holds live slots.
            const at = issued[b]!;
            if (at <= issuedAfter) break;
            if (validUntil[b]! < now || (hasLists && !query.passesLists(b))) continue;
            if (!anySkill && at > newest) newest = at;
            const s = shape[b]!;
            const to = skillStart[s + 1]!;
            for (let i = skillStart[s]!; i < to; i += 1) {
              const skill = skillPool[i]!;
              const code = (skill << FACET_SHIFT) | FACET_KIND.skill;
              if (queried[skill] === 1 && at > newest) newest = at;
              if (seen[code] === stamp) continue;
              seen[code] = stamp;
              if (facets) counts[code]! += 1;
              if (queried[skill] === 1 && niceIndex[skill]! >= 0) nice += 1;
            }
            if (facets) {
              const i = (issuer[b]! << FACET_SHIFT) | FACET_KIND.issuer;
              if (seen[i] !== stamp) {
                seen[i] = stamp;
                counts[i]! += 1;
              }
              const t = (type[s]! << FACET_SHIFT) | FACET_KIND.type;
              if (seen[t] !== stamp) {
                seen[t] = stamp;
                counts[t]! += 1;
              }
            }
          }
        }
        const score = nice + recencyScore(newest, asOf);
        const key = recent ? newest : score;
        if (
          after !== undefined &&
          !(key < after.key || (key === after.key && learnerIds[c]! > after.learnerId))
        )
          continue;
        following += 1;
        heap.offer(c, key, score);
      }
    }

    this.lookAhead = ahead;
    return {
      total: matches.length,
      page: heap.sorted(),
      more: following > options.size,
      ...(facets
        ? {
            facets: {
              skills: topKeys(counts, FACET_KIND.skill, partition.skills),
              issuers: topKeys(counts, FACET_KIND.issuer, partition.issuers),
              achievementTypes: topKeys(counts, FACET_KIND.type, partition.types),
            },
          }
        : {}),
    };
  }
}

/** Matches per batch: their blocks' lines (see TOUCHED) stay well within the L2 cache. */
const BATCH = 256;
/** Words of a block read ahead: its first few cache lines (16 words a line). */
const TOUCHED = 64;
const LINE = 16;
const QUERIED = 1;
const NICE = 2;

/**
 * The most frequent keys of one kind, ties by key, at most `SEARCH_LIMITS.facetSize` of them.
 */
function topKeys(counts: Int32Array, kind: number, dictionary: Dictionary): FacetCount[] {
  const top: FacetCount[] = [];
  const limit = SEARCH_LIMITS.facetSize;
  const before = (a: FacetCount, b: FacetCount) =>
    a.count > b.count || (a.count === b.count && a.key < b.key);
  for (let id = 0; id < dictionary.size; id += 1) {
    const count = counts[(id << FACET_SHIFT) | kind]!;
    if (count === 0) continue;
    if (top.length === limit && count < top[limit - 1]!.count) continue;
    const entry = { key: dictionary.key(id), count };
    if (top.length === limit && !before(entry, top[limit - 1]!)) continue;
    let at = top.length === limit ? limit - 1 : top.length;
    if (top.length < limit) top.push(entry);
    while (at > 0 && before(entry, top[at - 1]!)) {
      top[at] = top[at - 1]!;
      at -= 1;
    }
    top[at] = entry;
  }
  return top;
}

/** The best `size` entries seen, by key descending then learner id ascending. */
class PageHeap {
  readonly #size: number;
  readonly #learnerIds: readonly string[];
  readonly #items: { slot: number; score: number; key: number }[] = [];

  constructor(size: number, learnerIds: readonly string[]) {
    this.#size = size;
    this.#learnerIds = learnerIds;
  }

  /** True when `a` ranks before `b`. */
  #before(a: { slot: number; key: number }, b: { slot: number; key: number }): boolean {
    return (
      a.key > b.key || (a.key === b.key && this.#learnerIds[a.slot]! < this.#learnerIds[b.slot]!)
    );
  }

  offer(slot: number, key: number, score: number): void {
    const items = this.#items;
    if (items.length < this.#size) {
      items.push({ slot, key, score });
      this.#up(items.length - 1);
      return;
    }
    const root = items[0]!;
    if (
      key > root.key ||
      (key === root.key && this.#learnerIds[slot]! < this.#learnerIds[root.slot]!)
    ) {
      items[0] = { slot, key, score };
      this.#down(0);
    }
  }

  sorted(): { slot: number; score: number; key: number }[] {
    return [...this.#items].sort((a, b) => (this.#before(a, b) ? -1 : 1));
  }

  // The root is the entry ranked last, the first to give way.
  #up(at: number): void {
    const items = this.#items;
    while (at > 0) {
      const parent = (at - 1) >> 1;
      if (!this.#before(items[parent]!, items[at]!)) return;
      [items[parent], items[at]] = [items[at]!, items[parent]!];
      at = parent;
    }
  }

  #down(at: number): void {
    const items = this.#items;
    for (;;) {
      let worst = at;
      const left = 2 * at + 1;
      if (left < items.length && this.#before(items[worst]!, items[left]!)) worst = left;
      if (left + 1 < items.length && this.#before(items[worst]!, items[left + 1]!))
        worst = left + 1;
      if (worst === at) return;
      [items[worst], items[at]] = [items[at]!, items[worst]!];
      at = worst;
    }
  }
}
