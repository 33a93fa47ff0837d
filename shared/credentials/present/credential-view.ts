/**
 * The fields a displayer shows, read leniently out of a credential that may come from
 * anywhere: a property of the wrong shape reads as absent instead of failing the page.
 * URLs are kept only when safe to link (see html.ts); every other value stays raw text for
 * the renderer to escape.
 */
import { hasType, isObject, valuesOf } from '#shared/credentials/model/values.ts';
import { httpUrl, imageUrl } from './html.ts';

/** One skill or standard the achievement aligns to. */
export interface SkillView {
  readonly name: string;
  readonly framework?: string;
  readonly code?: string;
  /** Only when the alignment's targetUrl is http(s). */
  readonly url?: string;
}

/** One result the learner achieved, named by the achievement's result description. */
export interface ResultView {
  /** The result description's name (e.g. "Final exam"), or the result type. */
  readonly name: string;
  /** The value, the rubric level's name, or the status, as the result gives them. */
  readonly value: string;
}

/** One piece of evidence: what it is, and where to see it when it can be linked. */
export interface EvidenceView {
  readonly id?: string;
  readonly name?: string;
  readonly description?: string;
  readonly narrative?: string;
  readonly genre?: string;
  /** Only when the evidence id is http(s). */
  readonly url?: string;
}

/** Who the credential was issued to, as far as the credential says it openly. */
export type RecipientView =
  | { readonly kind: 'id'; readonly id: string }
  | { readonly kind: 'hashed-email' }
  | { readonly kind: 'email'; readonly email: string }
  | { readonly kind: 'unknown' };

/** What the verification page shows about a credential. */
export interface CredentialView {
  readonly achievementName: string;
  readonly description?: string;
  readonly criteriaNarrative?: string;
  readonly criteriaUrl?: string;
  readonly achievementType?: string;
  /** http(s) or data:image URL; absent when the credential's image is anything else. */
  readonly imageUrl?: string;
  readonly imageAlt: string;
  readonly issuerName?: string;
  readonly issuerId?: string;
  readonly issuerUrl?: string;
  readonly validFrom?: string;
  readonly awardedDate?: string;
  readonly validUntil?: string;
  readonly skills: readonly SkillView[];
  readonly results: readonly ResultView[];
  readonly creditsEarned?: number;
  readonly creditsAvailable?: number;
  readonly evidence: readonly EvidenceView[];
  readonly recipient: RecipientView;
  /** `statusPurpose` of the credential's status entry (`revocation`, `suspension`), if any. */
  readonly statusPurpose?: string;
  readonly isEndorsement: boolean;
}

/** Longest text kept from any one credential field; the rest is cut with an ellipsis. */
export const MAX_FIELD_LENGTH = 10_000;

/** Most alignments listed; a credential may carry any number. */
export const MAX_SKILLS = 100;

/**
 * Reads the display fields of a credential (an OpenBadgeCredential, AchievementCredential
 * or EndorsementCredential; anything else yields mostly empty fields).
 *
 * @example
 * const view = readCredentialView(report.credential ?? {});
 * view.achievementName; // 'Data Literacy'
 */
export function readCredentialView(credential: Record<string, unknown>): CredentialView {
  const subject = firstObject(credential.credentialSubject);
  const achievement = firstObject(subject?.achievement);
  const criteria = firstObject(achievement?.criteria);
  const issuer = credential.issuer;
  const issuerObject = isObject(issuer) ? issuer : undefined;
  const issuerId = typeof issuer === 'string' ? text(issuer) : text(issuerObject?.id);
  const image = achievement?.image ?? credential.image;
  const achievementName =
    text(achievement?.name) ?? text(credential.name) ?? 'Untitled achievement';

  return {
    achievementName,
    description: text(achievement?.description) ?? text(credential.description),
    criteriaNarrative: text(criteria?.narrative),
    criteriaUrl: httpUrl(criteria?.id),
    achievementType: text(achievement?.achievementType),
    imageUrl: imageUrl(isObject(image) ? image.id : image),
    imageAlt:
      (isObject(image) ? text(image.caption) : undefined) ?? `Badge image: ${achievementName}`,
    issuerName: text(issuerObject?.name),
    issuerId,
    issuerUrl: httpUrl(issuerObject?.url),
    validFrom: text(credential.validFrom) ?? text(credential.issuanceDate),
    awardedDate: text(credential.awardedDate),
    validUntil: text(credential.validUntil) ?? text(credential.expirationDate),
    skills: readSkills(achievement?.alignment),
    results: readResults(subject?.result, achievement?.resultDescription),
    creditsEarned: number(subject?.creditsEarned),
    creditsAvailable: number(achievement?.creditsAvailable),
    evidence: readEvidence(credential.evidence),
    recipient: readRecipient(subject),
    statusPurpose: text(firstObject(credential.credentialStatus)?.statusPurpose),
    isEndorsement: hasType(credential.type, 'EndorsementCredential'),
  };
}

/** Most results and evidence entries listed. */
export const MAX_LISTED = 100;

function readResults(results: unknown, descriptions: unknown): ResultView[] {
  const byId = new Map<string, Record<string, unknown>>();
  for (const description of valuesOf(descriptions)) {
    if (isObject(description) && typeof description.id === 'string')
      byId.set(description.id, description);
  }
  const views: ResultView[] = [];
  for (const result of valuesOf(results)) {
    if (views.length >= MAX_LISTED) break;
    if (!isObject(result)) continue;
    const description =
      typeof result.resultDescription === 'string' ? byId.get(result.resultDescription) : undefined;
    const level = valuesOf(description?.rubricCriterionLevel).find(
      (candidate) => isObject(candidate) && candidate.id === result.achievedLevel,
    );
    const value =
      text(result.value) ??
      (isObject(level) ? text(level.name) : undefined) ??
      text(result.status) ??
      text(result.achievedLevel);
    if (value === undefined) continue;
    views.push({
      name:
        text(description?.name) ??
        text(valuesOf(result.type).find((t) => t !== 'Result')) ??
        'Result',
      value,
    });
  }
  return views;
}

function readEvidence(evidence: unknown): EvidenceView[] {
  const views: EvidenceView[] = [];
  for (const entry of valuesOf(evidence)) {
    if (views.length >= MAX_LISTED) break;
    if (!isObject(entry)) continue;
    const view: EvidenceView = {
      id: text(entry.id),
      name: text(entry.name),
      description: text(entry.description),
      narrative: text(entry.narrative),
      genre: text(entry.genre),
      url: httpUrl(entry.id),
    };
    if (view.id ?? view.name ?? view.description ?? view.narrative) views.push(view);
  }
  return views;
}

function readRecipient(subject: Record<string, unknown> | undefined): RecipientView {
  const id = text(subject?.id);
  if (id !== undefined) return { kind: 'id', id };
  for (const identity of valuesOf(subject?.identifier)) {
    if (!isObject(identity) || identity.identityType !== 'emailAddress') continue;
    if (identity.hashed === true) return { kind: 'hashed-email' };
    const email = text(identity.identityHash);
    if (email !== undefined) return { kind: 'email', email };
  }
  return { kind: 'unknown' };
}

function number(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function readSkills(alignment: unknown): SkillView[] {
  const skills: SkillView[] = [];
  for (const entry of valuesOf(alignment)) {
    if (skills.length >= MAX_SKILLS) break;
    if (!isObject(entry)) continue;
    const name = text(entry.targetName);
    if (name === undefined) continue;
    skills.push({
      name,
      framework: text(entry.targetFramework),
      code: text(entry.targetCode),
      url: httpUrl(entry.targetUrl),
    });
  }
  return skills;
}

function firstObject(value: unknown): Record<string, unknown> | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  return isObject(first) ? first : undefined;
}

/** A non-blank string, capped; anything else is absent. */
function text(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  if (value.length <= MAX_FIELD_LENGTH) return value;
  return `${Array.from(value.slice(0, MAX_FIELD_LENGTH)).slice(0, -1).join('')}…`;
}
