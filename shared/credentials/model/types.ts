/**
 * The Open Badges 3.0 data model as credstack emits it: every multi-valued property is an
 * array (the plain-JSON form the official schema asks for), every object carries its `type`.
 * Credentials read from elsewhere may use single values where these types show arrays; code
 * that reads foreign credentials works on `unknown` and checks shapes (see rules.ts).
 */

import type {
  ACHIEVEMENT_TYPES,
  ALIGNMENT_TARGET_TYPES,
  IDENTIFIER_TYPES,
  RESULT_STATUSES,
  RESULT_TYPES,
} from './constants.ts';

/** A URI (URL, DID, URN…) as a string. */
export type Uri = string;

/** An RFC 3339 date-time with a timezone, e.g. `2026-01-01T00:00:00Z`. */
export type DateTimeZ = string;

/** An extension value of an extensible vocabulary. */
export type ExtensionValue = `ext:${string}`;

export type AchievementType = (typeof ACHIEVEMENT_TYPES)[number] | ExtensionValue;
export type AlignmentTargetType = (typeof ALIGNMENT_TARGET_TYPES)[number] | ExtensionValue;
export type ResultType = (typeof RESULT_TYPES)[number] | ExtensionValue;
export type ResultStatus = (typeof RESULT_STATUSES)[number];
export type IdentifierType = (typeof IDENTIFIER_TYPES)[number] | ExtensionValue;

/** An image, always by reference (`id` is its URL or a data: URI). */
export interface Image {
  readonly id: Uri;
  readonly type: 'Image';
  readonly caption?: string;
}

/** An identifier of a Profile or Achievement in another system. */
export interface IdentifierEntry {
  readonly type: 'IdentifierEntry';
  readonly identifier: string;
  readonly identifierType: IdentifierType;
}

/** A recipient identifier, usually a salted hash of an email address. */
export interface IdentityObject {
  readonly type: 'IdentityObject';
  readonly hashed: boolean;
  /** `sha256$<hex>` (or `md5$<hex>`) when hashed, else the plain value. */
  readonly identityHash: string;
  readonly identityType: IdentifierType;
  readonly salt?: string;
}

export interface GeoCoordinates {
  readonly type: 'GeoCoordinates';
  readonly latitude: number;
  readonly longitude: number;
}

export interface Address {
  readonly type: readonly string[];
  readonly addressCountry?: string;
  readonly addressCountryCode?: string;
  readonly addressRegion?: string;
  readonly addressLocality?: string;
  readonly streetAddress?: string;
  readonly postOfficeBoxNumber?: string;
  readonly postalCode?: string;
  readonly geo?: GeoCoordinates;
}

/** An issuer, creator, endorser or other party. */
export interface Profile {
  readonly id: Uri;
  readonly type: readonly string[];
  readonly name?: string;
  readonly url?: Uri;
  readonly phone?: string;
  readonly description?: string;
  readonly image?: Image;
  readonly email?: string;
  readonly address?: Address;
  readonly otherIdentifier?: readonly IdentifierEntry[];
  readonly official?: string;
  readonly parentOrg?: Profile;
  readonly familyName?: string;
  readonly givenName?: string;
  readonly additionalName?: string;
  readonly patronymicName?: string;
  readonly honorificPrefix?: string;
  readonly honorificSuffix?: string;
  readonly familyNamePrefix?: string;
  /** `YYYY-MM-DD`. */
  readonly dateOfBirth?: string;
  readonly endorsement?: readonly EndorsementCredential[];
  readonly endorsementJwt?: readonly string[];
}

/** A link to a competency, standard or occupation in an external framework. */
export interface Alignment {
  readonly type: readonly string[];
  readonly targetName: string;
  readonly targetUrl: Uri;
  readonly targetCode?: string;
  readonly targetDescription?: string;
  readonly targetFramework?: string;
  readonly targetType?: AlignmentTargetType;
}

/** What an earner must do to earn the achievement: a page (`id`), a narrative, or both. */
export interface Criteria {
  readonly id?: Uri;
  readonly narrative?: string;
}

export interface RubricCriterionLevel {
  readonly id: Uri;
  readonly type: readonly string[];
  readonly name: string;
  readonly alignment?: readonly Alignment[];
  readonly description?: string;
  readonly level?: string;
  readonly points?: string;
}

/** A possible result of an achievement (a grade scale, a rubric, a status). */
export interface ResultDescription {
  readonly id: Uri;
  readonly type: readonly string[];
  readonly name: string;
  readonly resultType: ResultType;
  readonly alignment?: readonly Alignment[];
  readonly allowedValue?: readonly string[];
  readonly requiredLevel?: Uri;
  readonly requiredValue?: string;
  readonly rubricCriterionLevel?: readonly RubricCriterionLevel[];
  readonly valueMax?: string;
  readonly valueMin?: string;
}

/** A result the earner obtained, pointing at one of the achievement's ResultDescriptions. */
export interface Result {
  readonly type: readonly string[];
  readonly achievedLevel?: Uri;
  readonly alignment?: readonly Alignment[];
  readonly resultDescription?: Uri;
  readonly status?: ResultStatus;
  readonly value?: string;
}

export interface Related {
  readonly id: Uri;
  readonly type: readonly string[];
  readonly inLanguage?: string;
  readonly version?: string;
}

/** The accomplishment being recognised (the "badge class"). */
export interface Achievement {
  readonly id: Uri;
  readonly type: readonly string[];
  readonly name: string;
  readonly description: string;
  readonly criteria: Criteria;
  readonly achievementType?: AchievementType;
  readonly alignment?: readonly Alignment[];
  readonly creator?: Profile;
  readonly creditsAvailable?: number;
  readonly endorsement?: readonly EndorsementCredential[];
  readonly endorsementJwt?: readonly string[];
  readonly fieldOfStudy?: string;
  readonly humanCode?: string;
  readonly image?: Image;
  /** BCP 47 language code. */
  readonly inLanguage?: string;
  readonly otherIdentifier?: readonly IdentifierEntry[];
  readonly related?: readonly Related[];
  readonly resultDescription?: readonly ResultDescription[];
  readonly specialization?: string;
  readonly tag?: readonly string[];
  readonly version?: string;
}

/** The earner and what they achieved. Identified by `id` or by `identifier`, or both. */
export interface AchievementSubject {
  readonly id?: Uri;
  readonly type: readonly string[];
  readonly achievement: Achievement;
  readonly identifier?: readonly IdentityObject[];
  readonly activityStartDate?: DateTimeZ;
  readonly activityEndDate?: DateTimeZ;
  readonly creditsEarned?: number;
  readonly image?: Image;
  readonly licenseNumber?: string;
  readonly narrative?: string;
  readonly result?: readonly Result[];
  readonly role?: string;
  readonly source?: Profile;
  readonly term?: string;
}

export interface Evidence {
  readonly id?: Uri;
  readonly type: readonly string[];
  readonly narrative?: string;
  readonly name?: string;
  readonly description?: string;
  readonly genre?: string;
  readonly audience?: string;
}

/** A `credentialStatus` entry, e.g. a BitstringStatusListEntry or 1EdTechRevocationList. */
export interface CredentialStatus {
  readonly id: Uri;
  readonly type: string;
  readonly [property: string]: unknown;
}

export interface CredentialSchema {
  readonly id: Uri;
  readonly type: string;
}

export interface RefreshService {
  readonly id: Uri;
  readonly type: string;
  readonly [property: string]: unknown;
}

export interface TermsOfUse {
  readonly id?: Uri;
  readonly type: string;
  readonly [property: string]: unknown;
}

/** An embedded Data Integrity proof (other proof formats wrap the credential instead). */
export interface Proof {
  readonly type: string;
  readonly cryptosuite?: string;
  readonly created?: DateTimeZ;
  readonly verificationMethod?: Uri;
  readonly proofPurpose?: string;
  readonly proofValue?: string;
  readonly challenge?: string;
  readonly domain?: string;
  readonly nonce?: string;
  readonly [property: string]: unknown;
}

/** What the two OB credential classes share (VCDM 2.0 properties). */
interface CredentialBase {
  readonly '@context': readonly (string | Readonly<Record<string, unknown>>)[];
  readonly id: Uri;
  readonly type: readonly string[];
  readonly issuer: Profile;
  readonly validFrom: DateTimeZ;
  readonly validUntil?: DateTimeZ;
  readonly awardedDate?: DateTimeZ;
  readonly credentialStatus?: CredentialStatus;
  readonly credentialSchema?: readonly CredentialSchema[];
  readonly refreshService?: RefreshService;
  readonly termsOfUse?: readonly TermsOfUse[];
  readonly proof?: readonly Proof[];
}

/** An OpenBadgeCredential (AchievementCredential): an achievement awarded to one earner. */
export interface OpenBadgeCredential extends CredentialBase {
  readonly name?: string;
  readonly description?: string;
  readonly image?: Image;
  readonly credentialSubject: AchievementSubject;
  readonly evidence?: readonly Evidence[];
  readonly endorsement?: readonly EndorsementCredential[];
  readonly endorsementJwt?: readonly string[];
}

/** `AchievementCredential` is the other name of the same class. */
export type AchievementCredential = OpenBadgeCredential;

export interface EndorsementSubject {
  readonly id: Uri;
  readonly type: readonly string[];
  readonly endorsementComment?: string;
}

/** A third party's statement about a credential, achievement or profile. */
export interface EndorsementCredential extends CredentialBase {
  readonly name: string;
  readonly description?: string;
  readonly credentialSubject: EndorsementSubject;
}
