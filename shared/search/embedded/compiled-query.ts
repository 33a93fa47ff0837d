import type { SearchQuery } from '#shared/domain/ports/search-index.ts';
import { textTerms } from '../query-limits.ts';
import type { Partition } from './partition.ts';

/**
 * A validated query resolved against one partition's dictionaries: filter lists become masks
 * over ids, skills become ids with their roles, and free text becomes the set of badge shapes
 * holding every word. Then {@link CompiledQuery.counts} decides, from columns alone,
 * whether a badge counts: alive, unexpired at `now`, and passing the filter.
 *
 * @example
 * const compiled = new CompiledQuery(partition, validateSearchQuery(query));
 * compiled.counts(badgeSlot); // true or false
 */
export class CompiledQuery {
  readonly now: number;
  /** The ranking time (epoch ms): `asOf`, else `now`. */
  readonly asOf: number;
  /** Some must-have skill or text word is unknown to the tenant: nothing can match. */
  readonly impossible: boolean;
  readonly must: Int32Array;
  /** Per skill id: its index in `niceToHave`, or -1. */
  readonly niceIndex: Int32Array;
  readonly niceCount: number;
  /** Per skill id: its index in `atLeast.of`, or -1. */
  readonly atLeastIndex: Int32Array;
  readonly atLeastN: number;
  readonly atLeastOf: Int32Array;
  /** Per skill id: 1 when any queried list names it (the recency term follows these). */
  readonly queried: Uint8Array;
  readonly anySkill: boolean;
  /**
   * The badge shapes whose names hold every text word, as ids and as a mask over shape ids;
   * undefined when the query has no text.
   */
  readonly textShapes: Int32Array | undefined;
  readonly textMask: Uint8Array | undefined;
  /** The employer's id in the partition, -1 when no candidate ever named them. */
  readonly employer: number;
  /**
   * Badges issued at or before this instant fail the filter (-Infinity without one). A
   * candidate's run is newest first, so a scan of it stops at the first such badge.
   */
  readonly issuedAfter: number;
  /** The filter names issuers, types, tiers or a minimum level (see `passesLists`). */
  readonly hasLists: boolean;
  /** Per issuer id, 1 when the filter lets it pass; undefined without an issuer filter. */
  readonly issuerMask: Uint8Array | undefined;
  /** The ids of the filter's issuers known to the tenant; undefined without an issuer filter. */
  readonly issuerIds: Int32Array | undefined;
  /** The filter names types, tiers or a minimum level (conditions beside the issuers). */
  readonly listsBesideIssuers: boolean;
  /**
   * The issuer id when the filter's only list condition is one issuer the tenant knows (then a
   * badge counts exactly when it is live, recent enough and from that issuer), else -1.
   */
  readonly onlyIssuer: number;

  readonly #alive: Uint8Array;
  readonly #validUntil: Float64Array;
  readonly #issuer: Int32Array;
  readonly #shape: Int32Array;
  readonly #shapeTier: Int32Array;
  readonly #shapeType: Int32Array;
  readonly #issued: Float64Array;
  readonly #level: Float64Array;
  readonly #tierMask: Uint8Array | undefined;
  readonly #typeMask: Uint8Array | undefined;
  readonly #minLevel: number | undefined;

  constructor(partition: Partition, query: SearchQuery) {
    const { skills } = partition;
    this.now = Date.parse(query.now);
    this.asOf = Date.parse(query.asOf ?? query.now);
    this.employer = partition.employers.find(query.employerId);
    const mustIds = query.mustHave.map((key) => skills.find(key));
    this.must = Int32Array.from(mustIds);
    this.niceIndex = new Int32Array(skills.size).fill(-1);
    this.atLeastIndex = new Int32Array(skills.size).fill(-1);
    this.queried = new Uint8Array(skills.size);
    for (const id of mustIds) if (id >= 0) this.queried[id] = 1;
    query.niceToHave.forEach((key, i) => {
      const id = skills.find(key);
      if (id < 0) return;
      this.niceIndex[id] = i;
      this.queried[id] = 1;
    });
    this.niceCount = query.niceToHave.length;
    const of = query.atLeast?.of ?? [];
    this.atLeastN = query.atLeast?.n ?? 0;
    this.atLeastOf = Int32Array.from(of, (key) => skills.find(key));
    of.forEach((key, i) => {
      const id = skills.find(key);
      if (id < 0) return;
      this.atLeastIndex[id] = i;
      this.queried[id] = 1;
    });
    this.anySkill = query.mustHave.length + query.niceToHave.length + of.length > 0;
    const words = query.text === undefined ? [] : [...new Set(textTerms(query.text))];
    this.textShapes = words.length > 0 ? textShapes(partition, words) : undefined;
    if (this.textShapes) {
      this.textMask = new Uint8Array(partition.shapes.size);
      for (const shape of this.textShapes) this.textMask[shape] = 1;
    }
    this.impossible =
      mustIds.some((id) => id < 0) ||
      this.textShapes?.length === 0 ||
      this.atLeastN > this.atLeastOf.filter((id) => id >= 0).length;

    const { filter } = query;
    this.issuerMask = filter.issuers ? partition.issuers.mask(filter.issuers) : undefined;
    this.#typeMask = filter.achievementTypes
      ? partition.types.mask(filter.achievementTypes)
      : undefined;
    if (filter.issuerTiers) {
      // The tier column holds id + 1 so that 0 (unrated) never passes a tier filter.
      const ids = partition.tiers.mask(filter.issuerTiers);
      this.#tierMask = new Uint8Array(ids.length + 1);
      this.#tierMask.set(ids.subarray(0, partition.tiers.size), 1);
    }
    this.issuedAfter =
      filter.issuedAfter === undefined ? Number.NEGATIVE_INFINITY : Date.parse(filter.issuedAfter);
    this.#minLevel = filter.minResultLevel;
    this.listsBesideIssuers =
      this.#typeMask !== undefined || this.#tierMask !== undefined || this.#minLevel !== undefined;
    this.hasLists = this.issuerMask !== undefined || this.listsBesideIssuers;
    const issuerIds = filter.issuers?.map((key) => partition.issuers.find(key)) ?? [];
    this.issuerIds = filter.issuers
      ? Int32Array.from(issuerIds.filter((id) => id >= 0))
      : undefined;
    this.onlyIssuer = issuerIds.length === 1 && !this.listsBesideIssuers ? issuerIds[0]! : -1;
    this.#alive = partition.alive;
    this.#validUntil = partition.validUntil;
    this.#issuer = partition.issuer;
    this.#shape = partition.shape;
    this.#shapeTier = partition.shapes.tier;
    this.#shapeType = partition.shapes.type;
    this.#issued = partition.issued;
    this.#level = partition.level;
  }

  /**
   * Whether badge slot `b` counts for this query: alive, unexpired at `now`, issued after the
   * filter's instant, and passing {@link passesLists}. The hot loops inline the first three
   * (typed-array reads they hoist) and call `passesLists` only when `hasLists`.
   */
  counts(b: number): boolean {
    return (
      this.#alive[b] === 1 &&
      this.#validUntil[b]! >= this.now &&
      this.#issued[b]! > this.issuedAfter &&
      (!this.hasLists || this.passesLists(b))
    );
  }

  /** The list and level conditions of the filter: issuers, types, tiers, minimum level. */
  passesLists(b: number): boolean {
    if (this.issuerMask !== undefined && this.issuerMask[this.#issuer[b]!] !== 1) return false;
    if (this.#typeMask !== undefined && this.#typeMask[this.#shapeType[this.#shape[b]!]!] !== 1)
      return false;
    if (this.#tierMask !== undefined && this.#tierMask[this.#shapeTier[this.#shape[b]!]!] !== 1)
      return false;
    if (this.#minLevel !== undefined && !(this.#level[b]! >= this.#minLevel)) return false;
    return true;
  }
}

/** Intersects the sorted shape lists of every word, shortest first. */
function textShapes(partition: Partition, words: readonly string[]): Int32Array {
  const { termShapes } = partition.shapes;
  const postings = words.map((word) => termShapes[partition.terms.find(word)]);
  if (postings.some((posting) => posting === undefined)) return new Int32Array(0);
  const lists = postings.map((posting) => posting!.view()).sort((a, b) => a.length - b.length);
  let result = lists[0]!.slice();
  for (const list of lists.slice(1)) {
    let kept = 0;
    let j = 0;
    for (let i = 0; i < result.length; i += 1) {
      const shape = result[i]!;
      while (j < list.length && list[j]! < shape) j += 1;
      if (j < list.length && list[j] === shape) {
        result[kept] = shape;
        kept += 1;
      }
    }
    result = result.subarray(0, kept);
  }
  return result;
}
