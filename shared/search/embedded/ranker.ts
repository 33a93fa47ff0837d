import { SEARCH_LIMITS } from '../query-limits.ts';
import type { FacetCount, SearchResult, SearchSort } from '../search-index.ts';
import type { CompiledQuery } from './compiled-query.ts';
import type { Dictionary } from './dictionary.ts';
import type { Partition } from './partition.ts';

const DAY_MS = 86_400_000;

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
 * The recency fraction of the score: `0.99 × 0.5^(ageDays / 365)` of the newest matching badge,
 * 0 when none matched a queried skill.
 *
 * @example
 * recencyFraction(Date.parse('2026-01-01'), Date.parse('2027-01-01')); // ≈ 0.495
 */
export function recencyFraction(newest: number, now: number): number {
  if (newest === Number.NEGATIVE_INFINITY) return 0;
  return 0.99 * 0.5 ** (Math.max(0, now - newest) / DAY_MS / 365);
}

/**
 * One pass over the matching candidates' counting badges: each one's score and sort key, facet
 * counts (a candidate once per key), and the page after `after` kept in a bounded heap, so a
 * page costs O(matches × badges + matches × log size) whatever its depth.
 *
 * @example
 * const ranked = rank(partition, compiled, slots, { sort: 'relevance', size: 20, facets: true });
 */
export function rank(
  partition: Partition,
  query: CompiledQuery,
  matches: Int32Array,
  options: RankOptions,
): Ranked {
  const { badgeStart, badgeEnd, skillStart, issued, issuer, type, learnerIds } = partition;
  const { alive, validUntil } = partition;
  const pool = partition.skillPool.data;
  const niceSeen = new Int32Array(query.niceCount).fill(-1);
  const facets = options.facets;
  const skillCounts = new Int32Array(facets ? partition.skills.size : 0);
  const skillSeen = new Int32Array(facets ? partition.skills.size : 0).fill(-1);
  const issuerCounts = new Int32Array(facets ? partition.issuers.size : 0);
  const issuerSeen = new Int32Array(facets ? partition.issuers.size : 0).fill(-1);
  const typeCounts = new Int32Array(facets ? partition.types.size : 0);
  const typeSeen = new Int32Array(facets ? partition.types.size : 0).fill(-1);
  const { queried, niceIndex, anySkill, now, issuedAfter, hasLists } = query;
  const recent = options.sort === 'recent';
  const after = options.after;
  const heap = new PageHeap(options.size, learnerIds);
  let following = 0;

  for (let m = 0; m < matches.length; m += 1) {
    const c = matches[m]!;
    let newest = Number.NEGATIVE_INFINITY;
    let nice = 0;
    const end = badgeEnd[c]!;
    for (let b = badgeStart[c]!; b < end; b += 1) {
      // query.counts(b), inlined: the run is newest first, so the first badge too old ends it.
      const at = issued[b]!;
      if (at <= issuedAfter) break;
      if (alive[b] !== 1 || validUntil[b]! < now || (hasLists && !query.passesLists(b))) continue;
      if (!anySkill && at > newest) newest = at;
      const to = skillStart[b + 1]!;
      for (let i = skillStart[b]!; i < to; i += 1) {
        const skill = pool[i]!;
        if (queried[skill] === 1) {
          if (at > newest) newest = at;
          const n = niceIndex[skill]!;
          if (n >= 0 && niceSeen[n] !== m) {
            niceSeen[n] = m;
            nice += 1;
          }
        }
        if (facets && skillSeen[skill] !== m) {
          skillSeen[skill] = m;
          skillCounts[skill]! += 1;
        }
      }
      if (facets) {
        const i = issuer[b]!;
        if (issuerSeen[i] !== m) {
          issuerSeen[i] = m;
          issuerCounts[i]! += 1;
        }
        const t = type[b]!;
        if (typeSeen[t] !== m) {
          typeSeen[t] = m;
          typeCounts[t]! += 1;
        }
      }
    }
    const score = nice + recencyFraction(newest, now);
    const key = recent ? newest : score;
    if (
      after !== undefined &&
      !(key < after.key || (key === after.key && learnerIds[c]! > after.learnerId))
    )
      continue;
    following += 1;
    heap.offer(c, key, score);
  }

  return {
    total: matches.length,
    page: heap.sorted(),
    more: following > options.size,
    ...(facets
      ? {
          facets: {
            skills: topKeys(skillCounts, partition.skills),
            issuers: topKeys(issuerCounts, partition.issuers),
            achievementTypes: topKeys(typeCounts, partition.types),
          },
        }
      : {}),
  };
}

/** The most frequent keys, ties by key, at most `SEARCH_LIMITS.facetSize` of them. */
function topKeys(counts: Int32Array, dictionary: Dictionary): FacetCount[] {
  const top: FacetCount[] = [];
  const limit = SEARCH_LIMITS.facetSize;
  const before = (a: FacetCount, b: FacetCount) =>
    a.count > b.count || (a.count === b.count && a.key < b.key);
  for (let id = 0; id < counts.length; id += 1) {
    const count = counts[id]!;
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
