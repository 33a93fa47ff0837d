import type {
  CandidateDocument,
  CandidateVisibility,
  IndexedBadge,
  IndexedSkill,
} from '#shared/domain/ports/search-index.ts';
import { expandSkills, skillFromAlignment } from './crosswalk.ts';

/**
 * A learner's badges and consent → the candidate document the index holds. Pure: the caller
 * reads the table, this decides what may be found. A badge is indexed only when it verified,
 * its signing key is bound to its issuer, its issuer has not revoked or suspended it, and it
 * has not expired; everything else stays out of the index, whatever the engine.
 */

/** One credential of the learner, with what is known of its verification. */
export interface BadgeSource {
  readonly credentialId: string;
  /** Where anyone can re-verify it (the service's verification page, or the import's source). */
  readonly verifyUrl: string;
  /** The OB 3.0 credential as verified (for a VC-JWT, the credential inside the payload). */
  readonly credential: Readonly<Record<string, unknown>>;
  /** Every check passed at the last verification. */
  readonly verified: boolean;
  /** The key that signed it is the issuer's (docs/architecture.md, "Issuer binding"). */
  readonly issuerBound: boolean;
  /** Revoked or suspended by its issuer, as far as the service knows. */
  readonly withdrawn: boolean;
}

export interface CandidateInput {
  readonly tenantId: string;
  readonly learnerId: string;
  readonly displayName: string;
  readonly visibility: CandidateVisibility;
  readonly version: number;
  /** ISO-8601 instant of the build: badges expired by then are left out. */
  readonly now: string;
  /** Earlier entries win when two carry the same credential id. */
  readonly badges: readonly BadgeSource[];
  /** The tenant's trust tier per issuer id (DID or URL). */
  readonly issuerTiers?: Readonly<Record<string, string>>;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

function list(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

function instant(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

function number(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const parsed = Number(value.trim().replace(/%$/, ''));
  return Number.isFinite(parsed) ? parsed : undefined;
}

const clamp = (level: number) => Math.round(Math.min(100, Math.max(0, level)) * 100) / 100;

function descriptionOf(
  result: Record<string, unknown>,
  achievement: Record<string, unknown>,
): Record<string, unknown> | undefined {
  const descriptions = list(achievement.resultDescription).filter(isObject);
  const ref = text(result.resultDescription);
  if (ref !== undefined) return descriptions.find((d) => d.id === ref);
  return descriptions.length === 1 ? descriptions[0] : undefined;
}

/**
 * A result's rank on a 0–100 scale, when its description makes one computable: a percent
 * value; a numeric value between the description's `valueMin` and `valueMax`; or a rubric
 * level whose `points` place it between the lowest and highest level. Letter grades and
 * unscored levels have no order the credential states, so they get none.
 *
 * @example
 * resultLevel({ value: '85' }, { resultDescription: [{ resultType: 'Percent', valueMin: '0', valueMax: '100' }] }); // 85
 */
export function resultLevel(
  result: Readonly<Record<string, unknown>>,
  achievement: Readonly<Record<string, unknown>>,
): number | undefined {
  const description = descriptionOf(result, achievement);
  const value = number(result.value);
  if (description?.resultType === 'Percent' && value !== undefined) return clamp(value);
  const min = number(description?.valueMin);
  const max = number(description?.valueMax);
  if (value !== undefined && min !== undefined && max !== undefined && max > min)
    return clamp(((value - min) / (max - min)) * 100);
  const achieved = text(result.achievedLevel);
  if (achieved !== undefined && description !== undefined) {
    const levels = list(description.rubricCriterionLevel).filter(isObject);
    const points = levels.map((level) => number(level.points));
    const mine = levels.findIndex((level) => level.id === achieved);
    if (mine !== -1 && points.every((p) => p !== undefined) && points.length > 1) {
      const scored = points as number[];
      const low = Math.min(...scored);
      const high = Math.max(...scored);
      if (high > low) return clamp((((scored[mine] as number) - low) / (high - low)) * 100);
    }
  }
  return undefined;
}

function resultValue(
  result: Record<string, unknown>,
  achievement: Record<string, unknown>,
): string | undefined {
  const value = text(result.value);
  if (value !== undefined) return value;
  const achieved = text(result.achievedLevel);
  if (achieved !== undefined) {
    const level = list(descriptionOf(result, achievement)?.rubricCriterionLevel)
      .filter(isObject)
      .find((entry) => entry.id === achieved);
    return text(level?.name) ?? achieved;
  }
  return text(result.status);
}

/** The first result that says something, with its level when one is computable. */
function badgeResult(
  subject: Record<string, unknown>,
  achievement: Record<string, unknown>,
): IndexedBadge['result'] {
  let first: { value: string; level?: number } | undefined;
  for (const result of list(subject.result).filter(isObject)) {
    const value = resultValue(result, achievement);
    if (value === undefined) continue;
    const level = resultLevel(result, achievement);
    if (level !== undefined) return { value, level };
    first ??= { value };
  }
  return first;
}

function skillsOf(subject: Record<string, unknown>, achievement: Record<string, unknown>) {
  const skills: IndexedSkill[] = [];
  const alignments = [
    ...list(achievement.alignment),
    ...list(subject.result).flatMap((result) => (isObject(result) ? list(result.alignment) : [])),
  ];
  for (const alignment of alignments) {
    const skill = skillFromAlignment(alignment);
    if (skill !== undefined) skills.push(skill);
  }
  return expandSkills(skills);
}

/**
 * The indexed form of one badge, or undefined when it must not be indexed: not verified, not
 * bound to its issuer, withdrawn by the issuer, expired at `now`, or not an achievement
 * credential at all.
 *
 * @example
 * const badge = indexedBadge(source, '2026-06-01T00:00:00Z', { 'did:web:college.example': 'accredited' });
 */
export function indexedBadge(
  source: BadgeSource,
  now: string,
  issuerTiers: Readonly<Record<string, string>> = {},
): IndexedBadge | undefined {
  if (!source.verified || !source.issuerBound || source.withdrawn) return undefined;
  const credential = source.credential;
  const subject = list(credential.credentialSubject).find(isObject);
  const achievement = subject === undefined ? undefined : subject.achievement;
  if (subject === undefined || !isObject(achievement)) return undefined;
  const issuer = credential.issuer;
  const issuerId = text(issuer) ?? (isObject(issuer) ? text(issuer.id) : undefined);
  const issuedAt =
    instant(credential.validFrom) ??
    instant(credential.issuanceDate) ??
    instant(credential.awardedDate);
  if (issuerId === undefined || issuedAt === undefined) return undefined;
  const validUntil = instant(credential.validUntil) ?? instant(credential.expirationDate);
  // Inclusive, as in the engines: still findable at exactly validUntil.
  if (validUntil !== undefined && Date.parse(validUntil) < Date.parse(now)) return undefined;
  const result = badgeResult(subject, achievement);
  const credits = number(subject.creditsEarned) ?? number(achievement.creditsAvailable);
  const tier = issuerTiers[issuerId];
  return {
    credentialId: source.credentialId,
    verifyUrl: source.verifyUrl,
    issuerId,
    issuerName: (isObject(issuer) ? text(issuer.name) : undefined) ?? issuerId,
    ...(tier === undefined ? {} : { issuerTier: tier }),
    achievementId: text(achievement.id) ?? source.credentialId,
    achievementName: text(achievement.name) ?? text(credential.name) ?? 'Achievement',
    achievementType: text(achievement.achievementType) ?? 'Achievement',
    skills: skillsOf(subject, achievement),
    issuedAt,
    ...(validUntil === undefined ? {} : { validUntil }),
    ...(result === undefined ? {} : { result }),
    ...(credits === undefined ? {} : { credits }),
  };
}

/**
 * The learner's candidate document: each indexable badge once (by credential id, earlier
 * sources first), newest first.
 *
 * @example
 * const document = buildCandidateDocument({ tenantId, learnerId, displayName, visibility, version, now, badges });
 */
export function buildCandidateDocument(input: CandidateInput): CandidateDocument {
  const seen = new Set<string>();
  const badges: IndexedBadge[] = [];
  for (const source of input.badges) {
    if (seen.has(source.credentialId)) continue;
    seen.add(source.credentialId);
    const badge = indexedBadge(source, input.now, input.issuerTiers);
    if (badge !== undefined) badges.push(badge);
  }
  badges.sort(
    (a, b) =>
      b.issuedAt.localeCompare(a.issuedAt) ||
      (a.credentialId < b.credentialId ? -1 : a.credentialId > b.credentialId ? 1 : 0),
  );
  return {
    tenantId: input.tenantId,
    learnerId: input.learnerId,
    displayName: input.displayName,
    visibility: input.visibility,
    badges,
    version: input.version,
  };
}
