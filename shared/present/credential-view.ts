/**
 * The fields a displayer shows, read leniently out of a credential that may come from
 * anywhere: a property of the wrong shape reads as absent instead of failing the page.
 * URLs are kept only when safe to link (see html.ts); every other value stays raw text for
 * the renderer to escape.
 */
import { hasType, isObject, valuesOf } from '#shared/credential/values.ts';
import { httpUrl, imageUrl } from './html.ts';

/** One skill or standard the achievement aligns to. */
export interface SkillView {
  readonly name: string;
  readonly framework?: string;
  readonly code?: string;
  /** Only when the alignment's targetUrl is http(s). */
  readonly url?: string;
}

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
    isEndorsement: hasType(credential.type, 'EndorsementCredential'),
  };
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
