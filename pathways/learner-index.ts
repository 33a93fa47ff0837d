import { canonicalSkill } from '#shared/credentials/skills/skill-id.ts';
import type { CompiledPathway } from './compile.ts';
import { type ParsedDuration, subtractDuration } from './duration.ts';
import { isoTime } from './iso-time.ts';
import type { EvaluatedCredential } from './rule-types.ts';

/** Why a credential was left out before matching. */
export type ExclusionReason = 'unverified' | 'not-issuer-bound' | 'revoked' | 'expired';

/** One credential that counts, with what matching reads precomputed. */
export interface IndexedCredential {
  readonly id: string;
  /** Position in issuance order (earliest first, then by id). */
  readonly rank: number;
  /** Issuance time, epoch milliseconds. */
  readonly issued: number;
  /** `creditsEarned`, else `creditsAvailable`, else 0. */
  readonly credits: number;
  readonly source: EvaluatedCredential;
}

export interface LearnerIndexOptions {
  /** Pathways the learner already holds: a pathway leaf naming one is met without a credential. */
  heldPathways?: readonly string[];
  /**
   * Index only the credentials these pathways can read (faster when few pathways are checked
   * for many learners); checking any other pathway against the index is refused.
   */
  pathways?: readonly CompiledPathway[];
}

type Entry = { -readonly [K in keyof IndexedCredential]: IndexedCredential[K] };

const NO_RANKS: readonly number[] = [];

/**
 * A learner's credentials prepared once for checking against any number of pathways: only
 * verified, issuer-bound, unrevoked and unexpired ones are kept (a repeated id counts once),
 * ordered earliest-issued first and grouped by achievement id and by alignment.
 *
 * @example
 * const index = new LearnerIndex(credentials, new Date());
 * index.withAchievement('urn:ach:sql'); // ranks of the learner's SQL badges, earliest first
 */
export class LearnerIndex {
  readonly now: Date;
  readonly nowMs: number;
  /** Counted credentials in issuance order; `credentials[r].rank === r`. */
  readonly credentials: readonly IndexedCredential[];
  /** Credentials left out, by id (of those indexed: see `LearnerIndexOptions.pathways`). */
  readonly excluded: readonly { id: string; reason: ExclusionReason }[];
  readonly held: ReadonlySet<string>;
  /** The pathways the index is limited to, if it is. */
  readonly limitedTo: ReadonlySet<CompiledPathway> | undefined;
  private readonly achievements = new Map<string, number[]>();
  private readonly skills = new Map<string, Map<string, number[]>>();
  private readonly windows = new Map<ParsedDuration, number>();

  constructor(
    credentials: readonly EvaluatedCredential[],
    now: Date,
    options: LearnerIndexOptions = {},
  ) {
    this.now = now;
    const nowMs = now.getTime();
    this.nowMs = nowMs;
    this.held = new Set(options.heldPathways ?? []);
    this.limitedTo = options.pathways ? new Set(options.pathways) : undefined;
    const wanted = options.pathways ? relevance(options.pathways) : undefined;
    const entries: Entry[] = [];
    for (const source of credentials) {
      if (wanted && !wanted(source)) continue;
      entries.push({
        id: source.id,
        rank: -1,
        issued: isoTime(source.issuedAt),
        credits: 0,
        source,
      });
    }
    entries.sort((a, b) => a.issued - b.issued || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const kept: IndexedCredential[] = [];
    const excluded: { id: string; reason: ExclusionReason }[] = [];
    const seen = new Set<string>();
    for (const entry of entries) {
      const { id, source } = entry;
      if (seen.has(id)) continue;
      const reason = exclusion(source, nowMs);
      if (reason) {
        excluded.push({ id, reason });
        continue;
      }
      seen.add(id);
      const rank = kept.length;
      entry.rank = rank;
      entry.credits = source.creditsEarned ?? source.creditsAvailable ?? 0;
      kept.push(entry);
      append(this.achievements, source.achievementId, rank);
      for (const raw of source.alignments) {
        // Alignments and skill leaves meet in one spelling (`O*NET-SOC` and `ONET` alike).
        const a = canonicalSkill(raw.framework, raw.code);
        let codes = this.skills.get(a.framework);
        if (codes === undefined) {
          codes = new Map();
          this.skills.set(a.framework, codes);
        }
        append(codes, a.code, rank);
      }
    }
    excluded.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    this.credentials = kept;
    this.excluded = excluded;
  }

  /** Ranks of the counted credentials for an achievement id, ascending. */
  withAchievement(achievementId: string): readonly number[] {
    return this.achievements.get(achievementId) ?? NO_RANKS;
  }

  /** Ranks of the counted credentials aligned to a skill, ascending. */
  withSkill(framework: string, code: string): readonly number[] {
    ({ framework, code } = canonicalSkill(framework, code));
    return this.skills.get(framework)?.get(code) ?? NO_RANKS;
  }

  /** Start of a window of `duration` ending now (epoch ms), computed once per duration. */
  windowStart(duration: ParsedDuration): number {
    let start = this.windows.get(duration);
    if (start === undefined) {
      start = subtractDuration(this.now, duration).getTime();
      this.windows.set(duration, start);
    }
    return start;
  }
}

/**
 * Builds a learner's index once, to check many pathways against it.
 *
 * @example
 * const index = indexLearner(credentials, new Date(), { heldPathways: ['urn:pathway:sql'] });
 * check(compiled, index).satisfied;
 */
export function indexLearner(
  credentials: readonly EvaluatedCredential[],
  now: Date,
  options: LearnerIndexOptions = {},
): LearnerIndex {
  return new LearnerIndex(credentials, now, options);
}

/** A test for credentials some pathway can read; undefined when one reads them all. */
function relevance(
  pathways: readonly CompiledPathway[],
): ((c: EvaluatedCredential) => boolean) | undefined {
  if (pathways.some((p) => p.interest.everything)) return undefined;
  const [only] = pathways;
  let achievements = only?.interest.achievements ?? new Set<string>();
  let skills = only?.interest.skills ?? new Map<string, ReadonlySet<string>>();
  if (pathways.length > 1) {
    achievements = new Set(pathways.flatMap((p) => [...p.interest.achievements]));
    const merged = new Map<string, Set<string>>();
    for (const p of pathways) {
      for (const [framework, codes] of p.interest.skills) {
        const into = merged.get(framework) ?? new Set<string>();
        for (const code of codes) into.add(code);
        merged.set(framework, into);
      }
    }
    skills = merged;
  }
  return (c) => {
    if (achievements.has(c.achievementId)) return true;
    for (const raw of c.alignments) {
      const a = canonicalSkill(raw.framework, raw.code);
      if (skills.get(a.framework)?.has(a.code)) return true;
    }
    return false;
  };
}

function exclusion(c: EvaluatedCredential, now: number): ExclusionReason | undefined {
  if (!c.verified) return 'unverified';
  if (!c.issuerBound) return 'not-issuer-bound';
  if (c.revoked) return 'revoked';
  if (c.expired) return 'expired';
  if (c.validUntil !== undefined && isoTime(c.validUntil) <= now) return 'expired';
  return undefined;
}

function append(map: Map<string, number[]>, key: string, rank: number): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [rank]);
  else if (list[list.length - 1] !== rank) list.push(rank);
}
