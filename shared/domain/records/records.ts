import type { JWK } from 'jose';
import type { SigningAlgorithm } from '#shared/credentials/crypto/signer.ts';
import type { AchievementInput, ProfileInput } from '#shared/credentials/model/build-input.ts';

/**
 * What the service stores. Records are plain data; the DynamoDB adapters map them to items
 * (docs/data-model.md), and nothing outside the adapters knows the item layout.
 */

/** The proof a credential is issued with; chosen per achievement. */
export type ProofFormat = 'vc-jwt' | 'eddsa-rdfc-2022';

export interface IssuerRecord {
  /** URL-safe slug, unique across the platform (e.g. `northfield`). */
  readonly id: string;
  /** `did:web:<host>:issuers:<id>` — resolved to `<baseUrl>/issuers/<id>/did.json`. */
  readonly did: string;
  readonly profile: Omit<ProfileInput, 'id'>;
  readonly createdAt: string;
}

export type KeyStatus = 'active' | 'retired';

export interface IssuerKeyRecord {
  readonly issuerId: string;
  /** The fragment of the verification method: `<did>#<keyId>`. */
  readonly keyId: string;
  readonly algorithm: SigningAlgorithm;
  /** The vault's reference: a KMS key ARN, or a local key id. */
  readonly keyRef: string;
  readonly publicJwk: JWK;
  readonly status: KeyStatus;
  readonly createdAt: string;
  readonly retiredAt?: string;
}

export interface AchievementRecord {
  readonly issuerId: string;
  /** A UUID; the public achievement id is `<baseUrl>/issuers/<issuerId>/achievements/<id>`. */
  readonly id: string;
  readonly definition: Omit<AchievementInput, 'id'>;
  readonly proofFormat: ProofFormat;
  /** VC-JWT signing algorithm when proofFormat is vc-jwt. */
  readonly algorithm: 'ES256' | 'RS256';
  /**
   * The purpose of the credentials' one status entry. The OB 3.0 schema allows a single
   * `credentialStatus`, so an achievement chooses: revocable (permanent), or suspendable (a
   * bit that can be set and cleared; revoking then suspends for good). Default: revocation.
   */
  readonly statusPurpose?: 'revocation' | 'suspension';
  readonly createdAt: string;
  /**
   * Which version of the badge this is: 1 (absent) for a new one, n + 1 for an edit of
   * version n. An edit is a new achievement with its own id, so credentials already issued
   * keep pointing at the definition they were signed with.
   */
  readonly revision?: number;
  /** The id of the version this one replaces. */
  readonly previousId?: string;
}

export type CredentialState = 'active' | 'revoked' | 'suspended';

/**
 * Why the service itself changed a credential's state: `lapsed` when a pathway award stopped
 * holding; `superseded` when a newer award of the same pathway version, citing the credentials
 * that hold now, replaced it. Only a lapse is undone by the service; a suspension an admin
 * chose stays.
 */
export type StateReason = 'lapsed' | 'superseded';

/**
 * Where a credential sits in its issuer's status lists. One index serves both purposes: the
 * credential carries a revocation entry and a suspension entry, pointing at
 * `<baseUrl>/status/<listId>/revocation` and `…/suspension`.
 */
export interface StatusAssignment {
  /** `<issuerId>.<n>`: the issuer's n-th list (a new one is opened when one fills). */
  readonly listId: string;
  readonly index: number;
}

export interface CredentialRecord {
  /** `urn:uuid:…` */
  readonly id: string;
  readonly issuerId: string;
  readonly achievementId: string;
  /** Who it was awarded to: a DID/URL, or the salted hash of an email. */
  readonly recipient: { readonly id?: string; readonly emailHash?: string };
  /** The learner account it belongs to, when known. */
  readonly learnerId?: string;
  readonly proofFormat: ProofFormat;
  /** The signed credential: the compact JWS for vc-jwt, the JSON document otherwise. */
  readonly signed: string;
  readonly status: StatusAssignment;
  readonly state: CredentialState;
  readonly stateReason?: StateReason;
  /** The issuer admin's own words for the current state (why it was revoked or suspended). */
  readonly stateNote?: string;
  readonly issuedAt: string;
  readonly validUntil?: string;
  /** Set on credentials the service awarded for completing a pathway (or one of its milestones). */
  readonly award?: PathwayAward;
}

/** Why the service awarded a credential on its own: the pathway version it completed. */
export interface PathwayAward {
  readonly pathwayId: string;
  readonly version: number;
  /** The milestone achievement id, when this is a milestone credential and not the pathway's. */
  readonly milestone?: string;
  /** The credentials that satisfied the rules when the award was made. */
  readonly contributing: readonly string[];
  /** The retroactive evaluation job that made the award, so a resumed job counts it once. */
  readonly jobId?: string;
  /**
   * Which award of this learner, pathway and version this is: 1 for the first, n + 1 for the one
   * made when the learner qualified again after award n lapsed for good or was superseded.
   * Absent means 1.
   */
  readonly generation?: number;
}
