import type { CandidateDocument } from '#shared/domain/ports/search-index.ts';
import { textTerms } from '../query-limits.ts';
import { BadgeLists } from './badge-lists.ts';
import { Dictionary } from './dictionary.ts';
import { type FacetBadge, FacetRuns, type FacetSegment } from './facet-runs.ts';
import { grow, IntList } from './int-list.ts';
import { SkillPostings } from './skill-posting.ts';

/**
 * Facet entries are coded `id × 4 + kind`, so one count array indexed by code holds the skill,
 * issuer and type counts side by side.
 */
export const FACET_KIND = { skill: 0, issuer: 1, type: 2 } as const;
export const FACET_SHIFT = 2;

/** What a learner id holds: its candidate slot and the version of the last write applied. */
interface Entry {
  readonly slot: number;
  version: number;
}

const instant = (value: string | undefined, absent: number): number => {
  if (value === undefined) return absent;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? absent : ms;
};

function skillPostingOf(postings: SkillPostings[], id: number): SkillPostings {
  let posting = postings[id];
  if (!posting) {
    posting = new SkillPostings();
    postings[id] = posting;
  }
  return posting;
}

function postingOf(postings: IntList[], id: number): IntList {
  let posting = postings[id];
  if (!posting) {
    posting = new IntList();
    postings[id] = posting;
  }
  return posting;
}

/**
 * One tenant's index. Badges live in columns (typed arrays indexed by a badge slot); a
 * candidate's badges occupy one contiguous run of slots, newest first, appended at the end on
 * every write,
 * so a replaced or removed candidate only marks its old run dead. Per-skill and per-word
 * postings list badge slots in ascending order. Dead slots are dropped by {@link compact},
 * which the index runs once they outnumber the live ones.
 *
 * Nothing here is shared between tenants: a query resolves its partition by tenant id first,
 * so it cannot reach another tenant's slots.
 *
 * @example
 * const partition = new Partition();
 * partition.upsert(document); // true when applied
 */
export class Partition {
  readonly skills = new Dictionary();
  readonly issuers = new Dictionary();
  readonly tiers = new Dictionary();
  readonly types = new Dictionary();
  readonly employers = new Dictionary();
  readonly terms = new Dictionary();

  // Badge columns, indexed by badge slot.
  badgeCount = 0;
  deadBadges = 0;
  owner = new Int32Array(0);
  issued = new Float64Array(0);
  validUntil = new Float64Array(0);
  issuer = new Int32Array(0);
  /** Tier id + 1; 0 when the issuer is unrated. */
  tier = new Int32Array(0);
  type = new Int32Array(0);
  /** NaN when the result has no level. */
  level = new Float64Array(0);
  /** The badge's index in its document's `badges`. */
  ordinal = new Int32Array(0);
  alive = new Uint8Array(0);
  /** The distinct skill ids of each badge. */
  readonly badgeSkills = new BadgeLists();
  skillPostings: SkillPostings[] = [];
  termPostings: IntList[] = [];

  // Candidate columns, indexed by candidate slot.
  candidateCount = 0;
  learnerIds: string[] = [];
  documents: (CandidateDocument | undefined)[] = [];
  badgeStart = new Int32Array(0);
  badgeEnd = new Int32Array(0);
  visibleToAll = new Uint8Array(0);
  visibleUntil = new Float64Array(0);
  visibleTo: (Int32Array | undefined)[] = [];
  /** Each run's facet keys in first-met order, for the ranking pass (see {@link FacetRuns}). */
  readonly facetsInRun = new FacetRuns();
  /** The same per issuer: one segment per issuer of the run, for a filter on one issuer. */
  readonly facetsByIssuer = new FacetRuns();
  readonly #entries = new Map<string, Entry>();

  get liveBadges(): number {
    return this.badgeCount - this.deadBadges;
  }

  get(learnerId: string): CandidateDocument | undefined {
    const entry = this.#entries.get(learnerId);
    return entry ? this.documents[entry.slot] : undefined;
  }

  /** Applies the write unless a newer (or equal) version is held; true when applied. */
  upsert(document: CandidateDocument): boolean {
    const entry = this.#entries.get(document.learnerId);
    if (entry && document.version <= entry.version) return false;
    const slot = entry ? entry.slot : this.#newCandidate(document.learnerId);
    if (entry) {
      this.#kill(slot);
      entry.version = document.version;
    } else {
      this.#entries.set(document.learnerId, { slot, version: document.version });
    }
    this.badgeStart[slot] = this.badgeCount;
    // Newest first within the run: a date filter stops reading a candidate at its first badge
    // too old, and the newest counting badge is the first one met.
    const order = document.badges.map((badge, i) => ({ i, at: instant(badge.issuedAt, 0) }));
    order.sort((a, b) => b.at - a.at || a.i - b.i);
    const run: RunState = {
      seen: new Set(),
      byIssuer: new Map(),
      expiry: Number.POSITIVE_INFINITY,
      badges: [],
    };
    for (const { i } of order) this.#appendBadge(slot, document.badges[i]!, i, run);
    this.badgeEnd[slot] = this.badgeCount;
    this.facetsInRun.write(slot, run.expiry, [{ issuer: -1, badges: run.badges }]);
    const segments: FacetSegment[] = [];
    for (const [issuer, { badges }] of run.byIssuer) segments.push({ issuer, badges });
    this.facetsByIssuer.write(slot, run.expiry, segments);
    const { employers, until } = document.visibility;
    this.visibleToAll[slot] = employers === 'all' ? 1 : 0;
    this.visibleTo[slot] =
      employers === 'all'
        ? undefined
        : Int32Array.from(employers, (employer) => this.employers.intern(employer));
    this.visibleUntil[slot] = instant(until, Number.POSITIVE_INFINITY);
    this.documents[slot] = document;
    return true;
  }

  /** Removes the candidate and keeps a marker at `version`; true when applied. */
  remove(learnerId: string, version: number): boolean {
    const entry = this.#entries.get(learnerId);
    if (entry && version <= entry.version) return false;
    if (entry) {
      this.#kill(entry.slot);
      entry.version = version;
    } else {
      this.#entries.set(learnerId, { slot: this.#newCandidate(learnerId), version });
    }
    return true;
  }

  /**
   * Drops dead badge slots: live runs move down in order, so every posting stays sorted and is
   * remapped in place. Costs one pass over the columns and the postings.
   */
  compact(): void {
    if (this.deadBadges === 0) return;
    const map = new Int32Array(this.badgeCount).fill(-1);
    let next = 0;
    let skillPool = 0;
    for (let b = 0; b < this.badgeCount; b += 1) {
      if (this.alive[b] !== 1) continue;
      map[b] = next;
      this.owner[next] = this.owner[b]!;
      this.issued[next] = this.issued[b]!;
      this.validUntil[next] = this.validUntil[b]!;
      this.issuer[next] = this.issuer[b]!;
      this.tier[next] = this.tier[b]!;
      this.type[next] = this.type[b]!;
      this.level[next] = this.level[b]!;
      this.ordinal[next] = this.ordinal[b]!;
      this.alive[next] = 1;
      skillPool = this.badgeSkills.move(b, next, skillPool);
      next += 1;
    }
    this.badgeSkills.finish(next, skillPool);
    for (let c = 0; c < this.candidateCount; c += 1) {
      const start = this.badgeStart[c]!;
      const end = this.badgeEnd[c]!;
      const first = start < end ? map[start]! : -1;
      this.badgeStart[c] = first >= 0 ? first : 0;
      this.badgeEnd[c] = first >= 0 ? first + (end - start) : 0;
    }
    for (const posting of this.skillPostings) posting.remap(map, this.validUntil);
    for (const posting of this.termPostings) posting.remap(map);
    this.facetsInRun.compact(this.candidateCount);
    this.facetsByIssuer.compact(this.candidateCount);
    this.badgeCount = next;
    this.deadBadges = 0;
    this.#shrink();
  }

  #shrink(): void {
    const size = Math.max(16, this.badgeCount * 2);
    if (this.owner.length <= size * 2) return;
    this.owner = this.owner.slice(0, size);
    this.issued = this.issued.slice(0, size);
    this.validUntil = this.validUntil.slice(0, size);
    this.issuer = this.issuer.slice(0, size);
    this.tier = this.tier.slice(0, size);
    this.type = this.type.slice(0, size);
    this.level = this.level.slice(0, size);
    this.ordinal = this.ordinal.slice(0, size);
    this.alive = this.alive.slice(0, size);
    this.badgeSkills.shrink(size);
  }

  #kill(slot: number): void {
    const start = this.badgeStart[slot]!;
    const end = this.badgeEnd[slot]!;
    const { start: skillStart, pool } = this.badgeSkills;
    for (let b = start; b < end; b += 1) {
      this.alive[b] = 0;
      for (let i = skillStart[b]!; i < skillStart[b + 1]!; i += 1)
        this.skillPostings[pool.data[i]!]!.of(this.issuer[b]!)!.dead += 1;
    }
    this.deadBadges += end - start;
    this.badgeStart[slot] = 0;
    this.badgeEnd[slot] = 0;
    this.documents[slot] = undefined;
    this.facetsInRun.clear(slot);
    this.facetsByIssuer.clear(slot);
  }

  #newCandidate(learnerId: string): number {
    const slot = this.candidateCount;
    this.candidateCount += 1;
    const needed = this.candidateCount;
    this.badgeStart = grow(this.badgeStart, needed, Int32Array);
    this.badgeEnd = grow(this.badgeEnd, needed, Int32Array);
    this.visibleToAll = grow(this.visibleToAll, needed, Uint8Array);
    this.visibleUntil = grow(this.visibleUntil, needed, Float64Array);
    this.learnerIds.push(learnerId);
    this.documents.push(undefined);
    this.visibleTo.push(undefined);
    return slot;
  }

  #appendBadge(
    slot: number,
    badge: CandidateDocument['badges'][number],
    ordinal: number,
    run: RunState,
  ): void {
    const b = this.badgeCount;
    const needed = b + 1;
    if (needed > this.owner.length) {
      this.owner = grow(this.owner, needed, Int32Array);
      this.issued = grow(this.issued, needed, Float64Array);
      this.validUntil = grow(this.validUntil, needed, Float64Array);
      this.issuer = grow(this.issuer, needed, Int32Array);
      this.tier = grow(this.tier, needed, Int32Array);
      this.type = grow(this.type, needed, Int32Array);
      this.level = grow(this.level, needed, Float64Array);
      this.ordinal = grow(this.ordinal, needed, Int32Array);
      this.alive = grow(this.alive, needed, Uint8Array);
    }
    const issuer = this.issuers.intern(badge.issuerId);
    const type = this.types.intern(badge.achievementType);
    const expiry = instant(badge.validUntil, Number.POSITIVE_INFINITY);
    this.owner[b] = slot;
    this.issued[b] = instant(badge.issuedAt, 0);
    this.validUntil[b] = expiry;
    this.issuer[b] = issuer;
    this.tier[b] = badge.issuerTier === undefined ? 0 : this.tiers.intern(badge.issuerTier) + 1;
    this.type[b] = type;
    this.level[b] = badge.result?.level ?? Number.NaN;
    this.ordinal[b] = ordinal;
    this.alive[b] = 1;
    if (expiry < run.expiry) run.expiry = expiry;
    let byIssuer = run.byIssuer.get(issuer);
    if (!byIssuer) {
      byIssuer = { seen: new Set(), badges: [] };
      run.byIssuer.set(issuer, byIssuer);
    }
    const inRun: number[] = [];
    const forIssuer: number[] = [];
    run.badges.push({ issued: this.issued[b]!, codes: inRun });
    byIssuer.badges.push({ issued: this.issued[b]!, codes: forIssuer });
    const { seen } = byIssuer;
    const firstMet = (code: number) => {
      if (!run.seen.has(code)) {
        run.seen.add(code);
        inRun.push(code);
      }
      if (!seen.has(code)) {
        seen.add(code);
        forIssuer.push(code);
      }
    };
    firstMet((issuer << FACET_SHIFT) | FACET_KIND.issuer);
    firstMet((type << FACET_SHIFT) | FACET_KIND.type);
    for (const skill of badge.skills) {
      const id = this.skills.intern(skill.key);
      if (this.badgeSkills.opened(b, id)) continue;
      this.badgeSkills.push(id);
      firstMet((id << FACET_SHIFT) | FACET_KIND.skill);
      skillPostingOf(this.skillPostings, id).push(b, slot, issuer, this.issued[b]!, expiry);
    }
    this.badgeSkills.close(b);
    const words = new Set(textTerms(badge.achievementName));
    for (const skill of badge.skills)
      if (skill.name) for (const word of textTerms(skill.name)) words.add(word);
    for (const word of words) postingOf(this.termPostings, this.terms.intern(word)).push(b);
    this.badgeCount = needed;
  }
}

/** What the run being written has met so far, newest badge first. */
interface RunState {
  readonly seen: Set<number>;
  readonly byIssuer: Map<number, { readonly seen: Set<number>; readonly badges: FacetBadge[] }>;
  expiry: number;
  readonly badges: FacetBadge[];
}
