import type { CandidateDocument, IndexedBadge } from '#shared/domain/ports/search-index.ts';
import { BadgeShapes } from './badge-shapes.ts';
import { Dictionary } from './dictionary.ts';
import { FacetRuns } from './facet-runs.ts';
import { grow, IntList } from './int-list.ts';
import { SkillPostings } from './skill-posting.ts';
import { Stamps } from './stamps.ts';

/**
 * Facet entries are coded `id × 4 + kind`, so one count array indexed by code holds the skill,
 * issuer and type counts side by side.
 */
export const FACET_KIND = { skill: 0, issuer: 1, type: 2 } as const;
export const FACET_SHIFT = 2;

const instant = (value: string | undefined, absent: number): number => {
  if (value === undefined) return absent;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? absent : ms;
};

/** The instant as the index gives it back: 0 when `ms` writes it exactly, else the text. */
const exactOr = (value: string, ms: number): string | 0 =>
  Number.isFinite(ms) && new Date(ms).toISOString() === value ? 0 : value;

/**
 * A badge's own values, as kept in its candidate's text: id, link (or the id of its template,
 * see {@link linkTemplate}), issue instant and expiry (0 when the columns write them exactly:
 * most instants are canonical), and its result's id (-1 without one).
 */
type BadgeRow = [string, string | number, string | 0, string | 0, number];

const HOLE = '\u0000';

/**
 * The verification link with the credential id (or the id's last `:` segment) cut out: links
 * follow one pattern per deployment, so the templates of a tenant are few and the link costs
 * a number instead of some 60 bytes. Undefined when the link holds neither (then it is kept
 * whole).
 */
function linkTemplate(credentialId: string, link: string): string | undefined {
  if (link.includes(HOLE)) return undefined;
  const whole = link.indexOf(credentialId);
  if (credentialId.length > 0 && whole >= 0)
    return `I${link.slice(0, whole)}${HOLE}${link.slice(whole + credentialId.length)}`;
  const tail = credentialId.slice(credentialId.lastIndexOf(':') + 1);
  const at = tail.length > 0 ? link.indexOf(tail) : -1;
  if (at < 0) return undefined;
  return `T${link.slice(0, at)}${HOLE}${link.slice(at + tail.length)}`;
}

function fromTemplate(credentialId: string, template: string): string {
  const hole = template.indexOf(HOLE);
  const part =
    template[0] === 'I' ? credentialId : credentialId.slice(credentialId.lastIndexOf(':') + 1);
  return `${template.slice(1, hole)}${part}${template.slice(hole + 1)}`;
}

/** A candidate's text: display name, visibility, any other fields, badge rows by ordinal. */
type CandidateText = [
  string,
  CandidateDocument['visibility'],
  Record<string, unknown> | 0,
  BadgeRow[],
];

/**
 * When a skill's badges get a per-candidate column (see {@link Partition.newestWith}): once its
 * postings hold at least `min` entries and one per `share` candidates.
 */
export interface HeavySkillThreshold {
  readonly min: number;
  readonly share: number;
}

const HEAVY_SKILL: HeavySkillThreshold = { min: 4096, share: 8 };

/**
 * One tenant's index. Badges live in columns (typed arrays indexed by a badge slot); a
 * candidate's badges occupy one contiguous run of slots, newest first, appended at the end on
 * every write, so a replaced or removed candidate only marks its old run dead. Per-skill
 * postings list badge slots; dead slots are dropped by {@link compact}, which the index runs
 * once they outnumber the live ones.
 *
 * The index keeps no document object: what it gives back and cites is rebuilt from a badge's
 * shape (see {@link BadgeShapes}, shared by every award of an achievement), its columns, and
 * one JSON string per candidate holding the rest (name, visibility, each badge's id, link and
 * result). Nothing a write passes in stays referenced, so the memory the index reports is all
 * it keeps, and a build allocates a few objects per candidate rather than per badge.
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
  /** Results and link templates: values many badges repeat, kept once. */
  readonly results = new Dictionary();
  readonly links = new Dictionary();
  readonly shapes = new BadgeShapes(this);

  // Badge columns, indexed by badge slot.
  badgeCount = 0;
  deadBadges = 0;
  owner = new Int32Array(0);
  issued = new Float64Array(0);
  validUntil = new Float64Array(0);
  issuer = new Int32Array(0);
  shape = new Int32Array(0);
  /** NaN when the result has no level. */
  level = new Float64Array(0);
  /** The badge's index in its document's `badges`. */
  ordinal = new Int32Array(0);
  alive = new Uint8Array(0);
  skillPostings: SkillPostings[] = [];
  /** Per shape, its badge slots (ascending): free text finds shapes, then these. */
  shapeBadges: IntList[] = [];

  // Candidate columns, indexed by candidate slot.
  candidateCount = 0;
  learnerIds: string[] = [];
  texts: (string | undefined)[] = [];
  versions = new Float64Array(0);
  badgeStart = new Int32Array(0);
  badgeEnd = new Int32Array(0);
  visibleToAll = new Uint8Array(0);
  /** -Infinity while the candidate holds no document (removed, or only a removal marker). */
  visibleUntil = new Float64Array(0);
  visibleTo: (Int32Array | undefined)[] = [];
  /** The earliest `validUntil` of the candidate's run (+Infinity when nothing expires). */
  runExpiry = new Float64Array(0);
  /**
   * Per skill id, for the skills many candidates hold: each candidate's newest badge with the
   * skill (its issue instant; -Infinity without one). A must-have met by most of the tenant is
   * then checked with one read per surviving candidate instead of a scan of its postings (the
   * most popular skill's run to a quarter of all badges). Only true while the candidate's run
   * holds nothing expired at the query's `now` and the filter lists nothing; otherwise the
   * candidate's own badges decide.
   */
  readonly newestWith: (Float64Array | undefined)[] = [];
  /** The skill ids holding a {@link newestWith} column, in the order they got it. */
  readonly heavySkills: number[] = [];
  readonly #heavy: HeavySkillThreshold;
  /**
   * Per shape, its facet codes (issuer, type, then its skills): shape s's are
   * `shapeCodes.data[shapeCodeStart[s] .. shapeCodeStart[s + 1])`. A facet block marks a
   * badge's new keys as positions in this list (see {@link FacetRuns}).
   */
  readonly shapeCodes = new IntList(256);
  shapeCodeStart = new Int32Array(65);
  /** Each run's badges that meet new facet keys, for the ranking pass (see {@link FacetRuns}). */
  readonly facetsInRun = new FacetRuns();
  /** The same per issuer: one segment per issuer of the run, for a filter on one issuer. */
  readonly facetsByIssuer = new FacetRuns();
  readonly #slots = new Map<string, number>();
  /** The tenant every document of this partition names. */
  #tenantId = '';
  readonly #codeStamps = new Stamps();
  #codedShapes = 0;
  #order = new Int32Array(64);
  #at = new Float64Array(64);
  #masks = new Int32Array(4);

  constructor(heavy: HeavySkillThreshold = HEAVY_SKILL) {
    this.#heavy = heavy;
  }

  get liveBadges(): number {
    return this.badgeCount - this.deadBadges;
  }

  get(learnerId: string): CandidateDocument | undefined {
    const slot = this.#slots.get(learnerId);
    const text = slot === undefined ? undefined : this.texts[slot];
    if (slot === undefined || text === undefined) return undefined;
    const [displayName, visibility, extra, rows] = JSON.parse(text) as CandidateText;
    const badges: IndexedBadge[] = new Array(rows.length);
    for (let b = this.badgeStart[slot]!; b < this.badgeEnd[slot]!; b += 1) {
      const ordinal = this.ordinal[b]!;
      badges[ordinal] = this.#badge(b, rows[ordinal]!, this.shapes.fields(this.shape[b]!, true));
    }
    return {
      ...(extra === 0 ? {} : extra),
      tenantId: this.#tenantId,
      learnerId,
      displayName,
      visibility,
      badges,
      version: this.versions[slot]!,
    };
  }

  /**
   * Candidate `slot`'s display name and a reader of its badges as the document gave them, from
   * one parse of its text; the shape's fields are shared (read them, never change them).
   */
  reader(slot: number): { displayName: string; badge(b: number): IndexedBadge } {
    const [displayName, , , rows] = JSON.parse(this.texts[slot]!) as CandidateText;
    return {
      displayName,
      badge: (b) => this.#badge(b, rows[this.ordinal[b]!]!, this.shapes.fields(this.shape[b]!)),
    };
  }

  /** The document's badge at slot `b`, from its row, its shape's fields and its columns. */
  #badge(b: number, row: BadgeRow, fields: Readonly<Record<string, unknown>>): IndexedBadge {
    const [credentialId, link, issuedAt, validUntil, result] = row;
    const expiry = this.validUntil[b]!;
    return {
      ...(fields as Omit<IndexedBadge, 'credentialId'>),
      credentialId,
      verifyUrl: typeof link === 'number' ? fromTemplate(credentialId, this.links.key(link)) : link,
      issuedAt: issuedAt === 0 ? new Date(this.issued[b]!).toISOString() : issuedAt,
      ...(validUntil !== 0
        ? { validUntil }
        : Number.isFinite(expiry)
          ? { validUntil: new Date(expiry).toISOString() }
          : {}),
      ...(result >= 0 ? { result: JSON.parse(this.results.key(result)) } : {}),
    };
  }

  /** Applies the write unless a newer (or equal) version is held; true when applied. */
  upsert(document: CandidateDocument): boolean {
    const known = this.#slots.get(document.learnerId);
    if (known !== undefined && document.version <= this.versions[known]!) return false;
    this.#tenantId = document.tenantId;
    const slot = known ?? this.#newCandidate(document.learnerId);
    if (known !== undefined) this.#kill(slot);
    else this.#slots.set(document.learnerId, slot);
    this.versions[slot] = document.version;
    const {
      tenantId: _tenant,
      learnerId: _learner,
      displayName,
      visibility,
      badges,
      version: _version,
      ...extra
    } = document;

    // Newest first within the run: a date filter stops reading a candidate at its first badge
    // too old, and the newest counting badge is the first one met.
    const n = badges.length;
    if (this.#order.length < n) {
      this.#order = new Int32Array(n * 2);
      this.#at = new Float64Array(n * 2);
    }
    const order = this.#order;
    const at = this.#at;
    for (let i = 0; i < n; i += 1) {
      const ms = instant(badges[i]!.issuedAt, 0);
      // Insertion sort: runs are short, and equal instants keep document order.
      let k = i;
      while (k > 0 && at[k - 1]! < ms) {
        at[k] = at[k - 1]!;
        order[k] = order[k - 1]!;
        k -= 1;
      }
      at[k] = ms;
      order[k] = i;
    }
    const rows: BadgeRow[] = new Array(n);
    const start = this.badgeCount;
    this.#reserve(start + n);
    for (let k = 0; k < n; k += 1) {
      const i = order[k]!;
      rows[i] = this.#appendBadge(slot, badges[i]!, i, at[k]!);
    }
    this.badgeStart[slot] = start;
    this.badgeEnd[slot] = this.badgeCount;
    this.#writeFacets(slot, start, this.badgeCount);
    const { employers, until } = visibility;
    this.visibleToAll[slot] = employers === 'all' ? 1 : 0;
    this.visibleTo[slot] =
      employers === 'all'
        ? undefined
        : Int32Array.from(employers, (employer) => this.employers.intern(employer));
    this.visibleUntil[slot] = instant(until, Number.POSITIVE_INFINITY);
    const text: CandidateText = [
      displayName,
      visibility,
      Object.keys(extra).length > 0 ? extra : 0,
      rows,
    ];
    this.texts[slot] = JSON.stringify(text);
    return true;
  }

  /** Removes the candidate and keeps a marker at `version`; true when applied. */
  remove(learnerId: string, version: number): boolean {
    const known = this.#slots.get(learnerId);
    if (known !== undefined && version <= this.versions[known]!) return false;
    if (known !== undefined) this.#kill(known);
    const slot = known ?? this.#newCandidate(learnerId);
    this.#slots.set(learnerId, slot);
    this.versions[slot] = version;
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
    for (let b = 0; b < this.badgeCount; b += 1) {
      if (this.alive[b] !== 1) continue;
      map[b] = next;
      this.owner[next] = this.owner[b]!;
      this.issued[next] = this.issued[b]!;
      this.validUntil[next] = this.validUntil[b]!;
      this.issuer[next] = this.issuer[b]!;
      this.shape[next] = this.shape[b]!;
      this.level[next] = this.level[b]!;
      this.ordinal[next] = this.ordinal[b]!;
      this.alive[next] = 1;
      next += 1;
    }
    for (let c = 0; c < this.candidateCount; c += 1) {
      const start = this.badgeStart[c]!;
      const end = this.badgeEnd[c]!;
      const first = start < end ? map[start]! : -1;
      this.badgeStart[c] = first >= 0 ? first : 0;
      this.badgeEnd[c] = first >= 0 ? first + (end - start) : 0;
    }
    for (const posting of this.skillPostings) posting?.remap(map, this.validUntil);
    for (const posting of this.shapeBadges) posting?.remap(map);
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
    this.shape = this.shape.slice(0, size);
    this.level = this.level.slice(0, size);
    this.ordinal = this.ordinal.slice(0, size);
    this.alive = this.alive.slice(0, size);
  }

  #kill(slot: number): void {
    const start = this.badgeStart[slot]!;
    const end = this.badgeEnd[slot]!;
    const { skillStart, skillPool } = this.shapes;
    for (let b = start; b < end; b += 1) {
      this.alive[b] = 0;
      const shape = this.shape[b]!;
      for (let i = skillStart[shape]!; i < skillStart[shape + 1]!; i += 1)
        this.skillPostings[skillPool.data[i]!]!.of(this.issuer[b]!)!.dead += 1;
    }
    this.deadBadges += end - start;
    this.badgeStart[slot] = 0;
    this.badgeEnd[slot] = 0;
    this.texts[slot] = undefined;
    this.visibleUntil[slot] = Number.NEGATIVE_INFINITY;
    this.runExpiry[slot] = Number.POSITIVE_INFINITY;
    for (const skill of this.heavySkills) this.newestWith[skill]![slot] = Number.NEGATIVE_INFINITY;
    this.facetsInRun.clear(slot);
    this.facetsByIssuer.clear(slot);
  }

  #newCandidate(learnerId: string): number {
    const slot = this.candidateCount;
    this.candidateCount += 1;
    const needed = this.candidateCount;
    this.badgeStart = grow(this.badgeStart, needed, Int32Array);
    this.badgeEnd = grow(this.badgeEnd, needed, Int32Array);
    this.versions = grow(this.versions, needed, Float64Array);
    this.visibleToAll = grow(this.visibleToAll, needed, Uint8Array);
    this.visibleUntil = grow(this.visibleUntil, needed, Float64Array);
    this.visibleUntil[slot] = Number.NEGATIVE_INFINITY;
    this.runExpiry = grow(this.runExpiry, needed, Float64Array);
    this.runExpiry[slot] = Number.POSITIVE_INFINITY;
    for (const skill of this.heavySkills) {
      const column = grow(this.newestWith[skill]!, needed, Float64Array);
      column[slot] = Number.NEGATIVE_INFINITY;
      this.newestWith[skill] = column;
    }
    this.learnerIds.push(learnerId);
    this.texts.push(undefined);
    this.visibleTo.push(undefined);
    return slot;
  }

  /** Room for badge slots up to `needed` in every column. */
  #reserve(needed: number): void {
    if (needed <= this.owner.length) return;
    this.owner = grow(this.owner, needed, Int32Array);
    this.issued = grow(this.issued, needed, Float64Array);
    this.validUntil = grow(this.validUntil, needed, Float64Array);
    this.issuer = grow(this.issuer, needed, Int32Array);
    this.shape = grow(this.shape, needed, Int32Array);
    this.level = grow(this.level, needed, Float64Array);
    this.ordinal = grow(this.ordinal, needed, Int32Array);
    this.alive = grow(this.alive, needed, Uint8Array);
  }

  #appendBadge(slot: number, badge: IndexedBadge, ordinal: number, issued: number): BadgeRow {
    const b = this.badgeCount;
    const shape = this.shapes.intern(badge);
    if (shape + 1 >= this.shapeCodeStart.length || this.shapeCodeStart[shape + 1] === 0)
      this.#codeShapes();
    const issuer = this.shapes.issuer[shape]!;
    const expiry = instant(badge.validUntil, Number.POSITIVE_INFINITY);
    this.owner[b] = slot;
    this.issued[b] = issued;
    this.validUntil[b] = expiry;
    this.issuer[b] = issuer;
    this.shape[b] = shape;
    this.level[b] = badge.result?.level ?? Number.NaN;
    this.ordinal[b] = ordinal;
    this.alive[b] = 1;
    const { skillStart, skillPool } = this.shapes;
    for (let i = skillStart[shape]!; i < skillStart[shape + 1]!; i += 1) {
      const skill = skillPool.data[i]!;
      let postings = this.skillPostings[skill];
      if (!postings) {
        postings = new SkillPostings();
        this.skillPostings[skill] = postings;
      }
      postings.push(b, slot, issuer, issued, expiry);
      const column = this.newestWith[skill];
      // The run is written newest first: the first badge with the skill is its newest.
      if (column) {
        if (column[slot]! < issued) column[slot] = issued;
      } else if (
        postings.length >= this.#heavy.min &&
        postings.length * this.#heavy.share >= this.candidateCount
      )
        this.#makeHeavy(skill, postings);
    }
    let badges = this.shapeBadges[shape];
    if (!badges) {
      badges = new IntList(4);
      this.shapeBadges[shape] = badges;
    }
    badges.push(b);
    this.badgeCount = b + 1;
    const template = linkTemplate(badge.credentialId, badge.verifyUrl);
    return [
      badge.credentialId,
      template === undefined ? badge.verifyUrl : this.links.intern(template),
      exactOr(badge.issuedAt, issued),
      badge.validUntil === undefined ? 0 : exactOr(badge.validUntil, expiry),
      badge.result === undefined ? -1 : this.results.intern(JSON.stringify(badge.result)),
    ];
  }

  /** Lists the facet codes of every shape made since the last call. */
  #codeShapes(): void {
    const { skillStart, skillPool, type, issuer } = this.shapes;
    const codes = this.shapeCodes;
    this.shapeCodeStart = grow(this.shapeCodeStart, this.shapes.size + 1, Int32Array);
    for (let s = this.#codedShapes; s < this.shapes.size; s += 1) {
      codes.push((issuer[s]! << FACET_SHIFT) | FACET_KIND.issuer);
      codes.push((type[s]! << FACET_SHIFT) | FACET_KIND.type);
      for (let i = skillStart[s]!; i < skillStart[s + 1]!; i += 1)
        codes.push((skillPool.data[i]! << FACET_SHIFT) | FACET_KIND.skill);
      this.shapeCodeStart[s + 1] = codes.length;
    }
    this.#codedShapes = this.shapes.size;
  }

  /** Gives `skill` its {@link newestWith} column, filled from its live posting entries. */
  #makeHeavy(skill: number, postings: SkillPostings): void {
    const column = new Float64Array(this.badgeStart.length).fill(Number.NEGATIVE_INFINITY);
    for (const posting of postings.all)
      for (let i = 0; i < posting.length; i += 1) {
        if (this.alive[posting.slot[i]!] !== 1) continue;
        const owner = posting.owner[i]!;
        if (column[owner]! < posting.issued[i]!) column[owner] = posting.issued[i]!;
      }
    this.newestWith[skill] = column;
    this.heavySkills.push(skill);
  }

  /**
   * Writes candidate `slot`'s facet blocks from its run `[start, end)`: each badge with the
   * facet keys first met there, over the whole run and per issuer (issuers in first-met order).
   */
  #writeFacets(slot: number, start: number, end: number): void {
    let expiry = Number.POSITIVE_INFINITY;
    for (let b = start; b < end; b += 1)
      if (this.validUntil[b]! < expiry) expiry = this.validUntil[b]!;
    this.runExpiry[slot] = expiry;
    const codeSpace = Math.max(this.skills.size, this.issuers.size, this.types.size) << FACET_SHIFT;
    const stamps = this.#codeStamps;
    stamps.begin(codeSpace);
    const all = this.facetsInRun;
    all.open(slot, expiry);
    all.segment(-1);
    let stamp = stamps.next();
    for (let b = start; b < end; b += 1) this.#badgeCodes(all, b, stamp);
    all.closeSegment();
    all.close(slot);

    const byIssuer = this.facetsByIssuer;
    byIssuer.open(slot, expiry);
    const issuerStamp = stamps.next();
    const marks = stamps.marks;
    for (let b = start; b < end; b += 1) {
      const issuer = this.issuer[b]!;
      const code = (issuer << FACET_SHIFT) | FACET_KIND.issuer;
      if (marks[code] === issuerStamp) continue;
      byIssuer.segment(issuer);
      stamp = stamps.next();
      for (let other = b; other < end; other += 1)
        if (this.issuer[other] === issuer) this.#badgeCodes(byIssuer, other, stamp);
      byIssuer.closeSegment();
      // The segment's stamp marked this issuer's code; the issuer stamp records it as done.
      marks[code] = issuerStamp;
    }
    byIssuer.close(slot);
  }

  /**
   * Writes badge `b` with the codes of its shape's list not yet marked with `stamp` (marking
   * them), unless it has none.
   */
  #badgeCodes(runs: FacetRuns, b: number, stamp: number): void {
    const marks = this.#codeStamps.marks;
    const shape = this.shape[b]!;
    const codes = this.shapeCodes.data;
    const from = this.shapeCodeStart[shape]!;
    const length = this.shapeCodeStart[shape + 1]! - from;
    const words = (length + 31) >> 5;
    if (this.#masks.length < words) this.#masks = new Int32Array(words * 2);
    const masks = this.#masks;
    masks.fill(0, 0, words);
    let fresh = false;
    for (let i = 0; i < length; i += 1) {
      const code = codes[from + i]!;
      if (marks[code] === stamp) continue;
      marks[code] = stamp;
      masks[i >> 5]! |= 1 << (i & 31);
      fresh = true;
    }
    if (fresh) runs.badge(this.issued[b]!, shape, masks, words);
  }
}
