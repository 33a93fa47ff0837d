import type { VerificationReport } from '#shared/credentials/verify/report.ts';
import type { CredentialRecord } from './records.ts';

/**
 * What the search side of the service stores: imported credentials with their verification
 * provenance, learners' consent to be found, the audit trail of searches and views, tenant
 * search settings, and the indexer's own bookkeeping. Plain data; the DynamoDB adapters map it
 * to items (docs/data-model.md).
 */

export const IMPORT_FORMATS = ['json', 'jwt', 'png', 'svg'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

/** The verification report as kept for provenance: without the credential (kept once, as `signed`). */
export type StoredReport = Omit<VerificationReport, 'credential'>;

/** A credential from any issuer that a learner added to their wallet. */
export interface ImportRecord {
  /** Derived from the learner and the credential id, so the same credential imports once. */
  readonly id: string;
  readonly learnerId: string;
  /** The credential's own `id`. */
  readonly credentialId: string;
  readonly source: { readonly format: ImportFormat; readonly url?: string };
  /** The credential as verified: JSON text (embedded proof) or a compact JWS (VC-JWT). */
  readonly signed: string;
  /** `verified` while the last verification passed with an issuer-bound key. */
  readonly state: 'verified' | 'invalid';
  /** The last verification, whole: every check with its reason and the issuer binding. */
  readonly report: StoredReport;
  readonly importedAt: string;
  readonly verifiedAt: string;
  /** Grows with every re-verification; updates are conditional on it. */
  readonly revision: number;
}

/**
 * A learner's consent to be found by the employers of one tenant. Withdrawn consent stays as
 * an item (state `withdrawn`) so the indexer still knows which document to remove.
 */
export interface ConsentRecord {
  readonly learnerId: string;
  readonly tenantId: string;
  readonly state: 'given' | 'withdrawn';
  /** The name employers see. */
  readonly displayName: string;
  /** Every verified employer of the tenant, or the named ones. */
  readonly employers: 'all' | readonly string[];
  /** ISO-8601 instant after which the learner is no longer findable. */
  readonly until?: string;
  readonly givenAt: string;
  readonly updatedAt: string;
}

export const SEARCH_EVENT_KINDS = ['search-hit', 'profile-view', 'export'] as const;
export type SearchEventKind = (typeof SEARCH_EVENT_KINDS)[number];

/** One search or export as run: who, what, when, and whom it returned. */
export interface SearchAuditRecord {
  readonly id: string;
  readonly tenantId: string;
  readonly employerId: string;
  /** The token subject of the person who ran it. */
  readonly subject: string;
  readonly kind: 'search' | 'export' | 'profile-view';
  readonly at: string;
  /** The query as run (skills, filters, text, sort, page), or the profile viewed. */
  readonly query: Readonly<Record<string, unknown>>;
  readonly total: number;
  readonly learnerIds: readonly string[];
}

/** What a learner sees of one time an employer found or viewed them. */
export interface SeenRecord {
  readonly id: string;
  readonly learnerId: string;
  readonly tenantId: string;
  readonly employerId: string;
  readonly kind: SearchEventKind;
  readonly at: string;
  /** The queried skills their badges matched. */
  readonly skills: readonly string[];
}

/** A tenant's search settings: the trust tier of each issuer (by DID or URL). */
export interface TenantSearchSettings {
  readonly tenantId: string;
  readonly issuerTiers: Readonly<Record<string, string>>;
  readonly updatedAt: string;
}

/** A skill some indexed badge of the tenant names: queries for it are not "unknown". */
export interface KnownSkill {
  readonly key: string;
  readonly name?: string;
}

/**
 * The indexer's copy of an issued credential, kept in its learner's partition so that one
 * consistent read of the partition sees every source of the learner's document (a GSI would
 * be eventually consistent). `sequence` is the stream record it was taken from.
 */
export interface IssuedBadgeRecord {
  readonly learnerId: string;
  readonly credential: CredentialRecord;
  /** The stream sequence number, zero-padded to 40 digits so that strings compare as numbers. */
  readonly sequence: string;
  /** True when the credential item itself was deleted. */
  readonly removed?: boolean;
}

/** Everything a learner's candidate documents are built from, read in one consistent query. */
export interface CandidateSources {
  readonly consents: readonly ConsentRecord[];
  readonly imports: readonly ImportRecord[];
  readonly issued: readonly IssuedBadgeRecord[];
}

/**
 * A learner on an employer's shortlist, with the employer's note. It is only a bookmark: the
 * shortlist shows it while the learner's consent lets this employer see them, and hides it
 * (without deleting it) while it does not.
 */
export interface ShortlistEntryRecord {
  readonly tenantId: string;
  readonly employerId: string;
  readonly learnerId: string;
  readonly note: string;
  readonly addedAt: string;
  readonly updatedAt: string;
}

/**
 * A search an employer saved by name, with the consenting candidates it matched when they
 * last looked: the "new matches" are those it matches now that were not among them.
 */
export interface SavedSearchRecord {
  readonly id: string;
  readonly tenantId: string;
  readonly employerId: string;
  readonly name: string;
  /** The search as the employer wrote it (`EmployerSearchInput` without paging). */
  readonly query: Readonly<Record<string, unknown>>;
  readonly createdAt: string;
  readonly lastSeenAt: string;
  /** Learner ids matched at `lastSeenAt`, at most the export cap. */
  readonly seenLearnerIds: readonly string[];
}
