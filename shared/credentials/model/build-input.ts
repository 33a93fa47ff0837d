/**
 * What a caller gives {@link buildOpenBadgeCredential}: the data of an award, without the
 * JSON-LD plumbing (`type` arrays, contexts, `Image` wrappers) the builder adds itself.
 */

import type {
  AchievementType,
  AlignmentTargetType,
  IdentifierEntry,
  IdentityObject,
  ResultStatus,
  ResultType,
} from './types.ts';

/** An image by URL (or data: URI), optionally with a caption. */
export type ImageInput = string | { readonly id: string; readonly caption?: string };

/** A date-time string with a timezone, or a Date (emitted at seconds precision, UTC). */
export type DateInput = string | Date;

export interface ProfileInput {
  /** URI of the profile: an HTTPS URL or a DID. */
  readonly id: string;
  readonly name: string;
  readonly url?: string;
  readonly email?: string;
  readonly phone?: string;
  readonly description?: string;
  readonly image?: ImageInput;
  readonly official?: string;
  readonly otherIdentifier?: readonly Omit<IdentifierEntry, 'type'>[];
  readonly parentOrg?: ProfileInput;
}

/** An alignment; `type` may be omitted (the builder sets `['Alignment']`). */
export interface AlignmentInput {
  readonly type?: readonly string[];
  readonly targetName: string;
  readonly targetUrl: string;
  readonly targetCode?: string;
  readonly targetDescription?: string;
  readonly targetFramework?: string;
  readonly targetType?: AlignmentTargetType;
}

export interface CriteriaInput {
  /** URL of a page describing the criteria. */
  readonly id?: string;
  /** Markdown narrative of the criteria. */
  readonly narrative?: string;
}

export interface RubricCriterionLevelInput {
  readonly id: string;
  readonly name: string;
  readonly description?: string;
  readonly level?: string;
  readonly points?: string;
  readonly alignment?: readonly AlignmentInput[];
}

export interface ResultDescriptionInput {
  readonly id: string;
  readonly name: string;
  readonly resultType: ResultType;
  readonly allowedValue?: readonly string[];
  readonly requiredLevel?: string;
  readonly requiredValue?: string;
  readonly valueMin?: string;
  readonly valueMax?: string;
  readonly rubricCriterionLevel?: readonly RubricCriterionLevelInput[];
  readonly alignment?: readonly AlignmentInput[];
}

export interface AchievementInput {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly criteria: CriteriaInput;
  readonly image?: ImageInput;
  readonly achievementType?: AchievementType;
  readonly alignment?: readonly AlignmentInput[];
  readonly resultDescription?: readonly ResultDescriptionInput[];
  readonly creditsAvailable?: number;
  readonly tag?: readonly string[];
  readonly fieldOfStudy?: string;
  readonly humanCode?: string;
  readonly specialization?: string;
  readonly version?: string;
  /** BCP 47 language code, e.g. `en` or `pt-BR`. */
  readonly inLanguage?: string;
  readonly creator?: ProfileInput;
  readonly otherIdentifier?: readonly Omit<IdentifierEntry, 'type'>[];
}

export interface ResultInput {
  /** `id` of one of the achievement's result descriptions. */
  readonly resultDescription?: string;
  /** `id` of a rubric criterion level of that result description. */
  readonly achievedLevel?: string;
  readonly status?: ResultStatus;
  readonly value?: string;
  readonly alignment?: readonly AlignmentInput[];
}

export interface EvidenceInput {
  readonly id?: string;
  readonly name?: string;
  readonly description?: string;
  readonly narrative?: string;
  readonly genre?: string;
  readonly audience?: string;
}

/**
 * Who earned the achievement: a URI (`id`, e.g. a DID), an email (hashed with a salt into
 * an IdentityObject), ready-made IdentityObjects, or a combination.
 */
export interface RecipientInput {
  readonly id?: string;
  readonly email?: string;
  /** Salt for the email hash; random when absent. */
  readonly salt?: string;
  readonly identifier?: readonly IdentityObject[];
}

/** A status entry (BitstringStatusListEntry, 1EdTechRevocationList…), passed through. */
export interface StatusInput {
  readonly id: string;
  readonly type: string;
  readonly [property: string]: unknown;
}

export interface BuildCredentialInput {
  /** Credential id; a fresh `urn:uuid:` when absent. */
  readonly id?: string;
  /** Display name of the credential; the achievement's name when absent. */
  readonly name?: string;
  /** Display description; the achievement's description when absent. */
  readonly description?: string;
  readonly image?: ImageInput;
  readonly issuer: ProfileInput;
  readonly recipient: RecipientInput;
  readonly achievement: AchievementInput;
  readonly result?: readonly ResultInput[];
  readonly creditsEarned?: number;
  readonly evidence?: readonly EvidenceInput[];
  readonly activityStartDate?: DateInput;
  readonly activityEndDate?: DateInput;
  readonly licenseNumber?: string;
  readonly role?: string;
  readonly term?: string;
  readonly narrative?: string;
  /** Start of validity; the clock's now when absent. */
  readonly validFrom?: DateInput;
  readonly validUntil?: DateInput;
  readonly awardedDate?: DateInput;
  readonly credentialStatus?: StatusInput;
  /** Schemas the credential declares; the official OB schema when absent, none when `[]`. */
  readonly credentialSchema?: readonly { readonly id: string; readonly type: string }[];
  readonly termsOfUse?: readonly { readonly type: string; readonly id?: string }[];
  readonly refreshService?: { readonly id: string; readonly type: string };
}
