import type { IndexedBadge } from '#shared/domain/ports/search-index.ts';
import { textTerms } from '../query-limits.ts';
import type { Dictionary } from './dictionary.ts';
import { IntList } from './int-list.ts';

/**
 * What a badge shares with every other award of the same achievement: everything but its own
 * id, link, dates and result (issuer, achievement, type, skills and anything else the
 * document carries). A tenant holds a few thousand shapes for millions of badges, so the
 * index keeps each shape once, as JSON, and a badge keeps its shape's id. The shape also
 * carries what the query loops read of it, resolved once: its issuer, type and tier ids, its
 * distinct skill ids, and the words of its names (free text matches a shape, then its badges).
 *
 * @example
 * const shapes = new BadgeShapes(dictionaries);
 * const id = shapes.intern(badge); // same id for every badge of that achievement
 */
export class BadgeShapes {
  readonly #ids = new Map<string, number>();
  readonly #byAchievement = new Map<string, number>();
  readonly #json: string[] = [];
  readonly #parsed: (Readonly<Record<string, unknown>> | undefined)[] = [];
  readonly #dictionaries: ShapeDictionaries;
  issuer = new Int32Array(64);
  type = new Int32Array(64);
  /** Tier id + 1; 0 when the issuer is unrated. */
  tier = new Int32Array(64);
  /** Shape s's distinct skill ids are `skillPool.data[skillStart[s] .. skillStart[s + 1])`. */
  skillStart = new Int32Array(65);
  readonly skillPool = new IntList(256);
  /** Per text word id, the shapes whose names hold it (ascending). */
  readonly termShapes: IntList[] = [];

  constructor(dictionaries: ShapeDictionaries) {
    this.#dictionaries = dictionaries;
  }

  get size(): number {
    return this.#json.length;
  }

  /** The id of the badge's shape, made on first sight. */
  intern(badge: IndexedBadge): number {
    // Most badges repeat the shape last seen for their achievement: comparing fields with it
    // costs a fraction of writing the JSON.
    const last = this.#byAchievement.get(badge.achievementId);
    if (last !== undefined && sameShape(badge, this.fields(last))) return last;
    const id = this.#internJson(badge);
    this.#byAchievement.set(badge.achievementId, id);
    return id;
  }

  #internJson(badge: IndexedBadge): number {
    const {
      credentialId: _id,
      verifyUrl: _url,
      issuedAt: _issued,
      validUntil: _until,
      result: _result,
      ...shape
    } = badge;
    const json = JSON.stringify(shape);
    const known = this.#ids.get(json);
    if (known !== undefined) return known;
    const id = this.#json.length;
    this.#ids.set(json, id);
    this.#json.push(json);
    this.#parsed.push(undefined);
    if (id + 1 >= this.issuer.length) {
      const size = this.issuer.length * 2;
      this.issuer = resized(this.issuer, size);
      this.type = resized(this.type, size);
      this.tier = resized(this.tier, size);
      this.skillStart = resized(this.skillStart, size + 1);
    }
    const { skills, issuers, types, tiers, terms } = this.#dictionaries;
    this.issuer[id] = issuers.intern(badge.issuerId);
    this.type[id] = types.intern(badge.achievementType);
    this.tier[id] = badge.issuerTier === undefined ? 0 : tiers.intern(badge.issuerTier) + 1;
    const from = this.skillPool.length;
    const words = new Set(textTerms(badge.achievementName));
    for (const skill of badge.skills) {
      const skillId = skills.intern(skill.key);
      let held = false;
      for (let i = from; i < this.skillPool.length; i += 1)
        if (this.skillPool.data[i] === skillId) held = true;
      if (!held) this.skillPool.push(skillId);
      if (skill.name) for (const word of textTerms(skill.name)) words.add(word);
    }
    this.skillStart[id] = from;
    this.skillStart[id + 1] = this.skillPool.length;
    for (const word of words) {
      const term = terms.intern(word);
      let shapes = this.termShapes[term];
      if (!shapes) {
        shapes = new IntList(1);
        this.termShapes[term] = shapes;
      }
      shapes.push(id);
    }
    return id;
  }

  /**
   * The shape's fields, parsed once and shared: read them, never change them. `fresh` parses
   * a copy the caller may keep.
   */
  fields(id: number, fresh = false): Readonly<Record<string, unknown>> {
    if (fresh) return JSON.parse(this.#json[id]!) as Record<string, unknown>;
    let parsed = this.#parsed[id];
    if (!parsed) {
      parsed = JSON.parse(this.#json[id]!) as Record<string, unknown>;
      this.#parsed[id] = parsed;
    }
    return parsed;
  }
}

/** The badge's own values, kept beside its shape rather than in it. */
const OWN = new Set(['credentialId', 'verifyUrl', 'issuedAt', 'validUntil', 'result']);

/** Whether the badge, less its own values, holds exactly `fields` (parsed JSON). */
function sameShape(badge: IndexedBadge, fields: Readonly<Record<string, unknown>>): boolean {
  let count = 0;
  for (const key in badge) {
    if (OWN.has(key)) continue;
    const value = (badge as unknown as Record<string, unknown>)[key];
    if (value === undefined) continue;
    if (!sameJson(value, fields[key])) return false;
    count += 1;
  }
  return count === Object.keys(fields).length;
}

/** Deep equality of a value with parsed JSON (an undefined member counts as absent). */
function sameJson(value: unknown, json: unknown): boolean {
  if (value === json) return typeof value !== 'number' || Number.isFinite(value);
  if (typeof value !== 'object' || typeof json !== 'object' || value === null || json === null)
    return false;
  if (Array.isArray(value)) {
    if (!Array.isArray(json) || value.length !== json.length) return false;
    for (let i = 0; i < value.length; i += 1)
      if (value[i] === undefined || !sameJson(value[i], json[i])) return false;
    return true;
  }
  if (Array.isArray(json)) return false;
  let count = 0;
  for (const key in value) {
    const member = (value as Record<string, unknown>)[key];
    if (member === undefined) continue;
    if (!sameJson(member, (json as Record<string, unknown>)[key])) return false;
    count += 1;
  }
  return count === Object.keys(json).length;
}

/** The partition's dictionaries a shape's ids come from. */
export interface ShapeDictionaries {
  readonly skills: Dictionary;
  readonly issuers: Dictionary;
  readonly types: Dictionary;
  readonly tiers: Dictionary;
  readonly terms: Dictionary;
}

function resized(array: Int32Array, size: number): Int32Array<ArrayBuffer> {
  const grown = new Int32Array(size);
  grown.set(array.subarray(0, Math.min(size, array.length)));
  return grown;
}
