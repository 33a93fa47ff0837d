import type {
  AchievementRecord,
  CredentialRecord,
  CredentialState,
  IssuerKeyRecord,
  IssuerRecord,
  StateReason,
  StatusAssignment,
} from '../records/records.ts';
import type {
  CandidateSources,
  ConsentRecord,
  ImportRecord,
  IssuedBadgeRecord,
  KnownSkill,
  SavedSearchRecord,
  SearchAuditRecord,
  SeenRecord,
  ShortlistEntryRecord,
  TenantSearchSettings,
} from '../records/search-records.ts';

/**
 * The ports of the issuer service. Use cases depend on these interfaces only; the DynamoDB
 * adapters (shared/adapters/dynamodb/) implement them on the single table, and the key vaults
 * (shared/adapters/kms/, shared/adapters/key-files/) on KMS or local key files.
 *
 * Conventions: `get*` returns undefined when absent; `create*` is a conditional write that
 * throws ServiceError('CONFLICT') when the item exists; list methods page with an opaque
 * `cursor`.
 */

export interface Page<T> {
  readonly items: readonly T[];
  readonly cursor?: string;
}

export interface IssuerRepository {
  /** The issuer with its first keys, all or nothing; CONFLICT when the id is taken. */
  create(issuer: IssuerRecord, keys?: readonly IssuerKeyRecord[]): Promise<void>;
  get(issuerId: string): Promise<IssuerRecord | undefined>;
  list(cursor?: string): Promise<Page<IssuerRecord>>;
  putKey(key: IssuerKeyRecord): Promise<void>;
  /** Every key, active and retired: retired keys stay published for verification. */
  listKeys(issuerId: string): Promise<readonly IssuerKeyRecord[]>;
  retireKey(issuerId: string, keyId: string, at: string): Promise<void>;
  /** Replaces the issuer's public profile (name, URL, image, …); NOT_FOUND when absent. */
  updateProfile(issuerId: string, profile: IssuerRecord['profile']): Promise<void>;
}

export interface AchievementRepository {
  create(achievement: AchievementRecord): Promise<void>;
  get(issuerId: string, achievementId: string): Promise<AchievementRecord | undefined>;
  list(issuerId: string, cursor?: string): Promise<Page<AchievementRecord>>;
}

export interface CredentialRepository {
  create(credential: CredentialRecord): Promise<void>;
  /**
   * Stores many credentials in as few requests as the store can, without `create`'s check
   * that the id is free: for a batch award's credentials only, whose ids are derived per
   * recipient and written by the run recording that recipient (a resumed run first looks for
   * what a dead run stored). Optional: a store without it is given one `create` each.
   */
  createMany?(credentials: readonly CredentialRecord[]): Promise<void>;
  get(credentialId: string): Promise<CredentialRecord | undefined>;
  listByIssuer(issuerId: string, cursor?: string): Promise<Page<CredentialRecord>>;
  listByLearner(learnerId: string, cursor?: string): Promise<Page<CredentialRecord>>;
  /**
   * Moves the credential from `change.from` to `change.to` and sets its status bit to match
   * (set unless `to` is `active`) in one atomic step, conditional on the current state: two
   * concurrent changes cannot both win, and the state and the bit never disagree. `reason` is
   * kept with the new state (and cleared by a change without one). CONFLICT when the state is
   * no longer `from`.
   */
  setState(credentialId: string, change: StateChange): Promise<void>;
  /**
   * Sets the status bit to match `state` if the credential is still in that state (one atomic
   * step), for a bit that drifted before changes were atomic. CONFLICT when the state moved.
   */
  syncStatusBit(credentialId: string, state: CredentialState, status: StatusEntry): Promise<void>;
}

export type StatusPurpose = 'revocation' | 'suspension';

/** A credential's status-list entry: where its bit is. */
export interface StatusEntry {
  readonly assignment: StatusAssignment;
  readonly purpose: StatusPurpose;
}

export interface StateChange {
  readonly from: CredentialState;
  readonly to: CredentialState;
  readonly reason?: StateReason;
  /** The admin's words for the change, kept as `stateNote` (cleared by a change without one). */
  readonly note?: string;
  readonly status: StatusEntry;
}

/**
 * Bitstring status lists. Indexes are drawn at random and claimed with a conditional write;
 * bits are set and cleared with atomic set operations, so concurrent changes never lose one.
 */
export interface StatusListRepository {
  /** Claims a free random index in the issuer's open list, opening a new list when it fills. */
  allocate(issuerId: string): Promise<StatusAssignment>;
  /**
   * Claims `count` distinct indexes at once (a batch award's block), in as few writes as the
   * store can: indexes claimed and never used are gaps, never handed out again. Optional: a
   * store without it is asked for one index at a time.
   */
  allocateBlock?(issuerId: string, count: number): Promise<StatusAssignment[]>;
  setBit(assignment: StatusAssignment, purpose: StatusPurpose, value: boolean): Promise<void>;
  /** Whether the bit is set (a strongly consistent read). */
  getBit(assignment: StatusAssignment, purpose: StatusPurpose): Promise<boolean>;
  /**
   * The list's revision alone (one small read), undefined when there is no such list: a
   * status list already signed at this revision is still current.
   */
  revision(listId: string): Promise<number | undefined>;
  /** The list's set bits and a revision that changes with every bit change. */
  read(
    listId: string,
    purpose: StatusPurpose,
  ): Promise<
    | { readonly size: number; readonly setIndexes: readonly number[]; readonly revision: number }
    | undefined
  >;
}

export interface IdempotencyRecord {
  readonly key: string;
  /** SHA-256 of the request that first used the key: a different request with it is refused. */
  readonly requestHash: string;
  readonly status: 'in-progress' | 'done';
  readonly response?: { readonly statusCode: number; readonly body: string };
}

export interface IdempotencyRepository {
  /**
   * Claims the key for this request (undefined), or returns the record that holds it. A claim
   * holds the key for a short lease only: past it the request is taken for dead and the key is
   * free again. `claim` is the caller's token, which `complete` and `release` then require.
   */
  begin(
    scope: string,
    key: string,
    requestHash: string,
    claim?: string,
  ): Promise<IdempotencyRecord | undefined>;
  /** Stores the response; CONFLICT when the claim no longer holds the key. */
  complete(
    scope: string,
    key: string,
    response: { statusCode: number; body: string },
    claim?: string,
  ): Promise<void>;
  release(scope: string, key: string, claim?: string): Promise<void>;
}

export type { KeyVault } from '#shared/domain/ports/key-vault.ts';

export type BatchJobState = 'queued' | 'running' | 'done';
export type BatchRecipientState = 'pending' | 'issued' | 'failed';

export interface BatchJobRecord {
  readonly id: string;
  readonly issuerId: string;
  readonly achievementId: string;
  readonly total: number;
  readonly state: BatchJobState;
  readonly issued: number;
  readonly failed: number;
  readonly createdAt: string;
  /** When a run last moved the job (its heartbeat): a job left open and silent is resumed. */
  readonly updatedAt?: string;
}

export interface BatchRecipientRecord {
  readonly jobId: string;
  readonly index: number;
  readonly recipient: { readonly id?: string; readonly email?: string };
  readonly learnerId?: string;
  readonly state: BatchRecipientState;
  readonly credentialId?: string;
  readonly error?: string;
}

/** Batch award jobs: one job item and one item per recipient, with atomic progress counters. */
export interface BatchJobRepository {
  create(job: BatchJobRecord, recipients: readonly BatchRecipientRecord[]): Promise<void>;
  get(jobId: string): Promise<BatchJobRecord | undefined>;
  recipients(jobId: string, cursor?: string): Promise<Page<BatchRecipientRecord>>;
  /**
   * Moves the job to `running` (never back from `done`) or to `done`, which also takes it off
   * the open jobs.
   */
  setState(jobId: string, state: BatchJobState): Promise<void>;
  /** Every job not yet `done` (queued or running), oldest first: what a sweeper resumes. */
  listOpen(): Promise<readonly BatchJobRecord[]>;
  /**
   * Records one recipient's outcome, conditional on it still being pending, and counts it on
   * the job in the same transaction (with a heartbeat); false when it was already recorded.
   */
  recordOutcome(
    jobId: string,
    index: number,
    outcome: { state: 'issued' | 'failed'; credentialId?: string; error?: string },
  ): Promise<boolean>;
  /**
   * Records the outcomes of recipients of one outcome block (indexes `[50k, 50k + 50)`,
   * {@link OUTCOME_BLOCK}) and counts them on the job, in one write: false, and nothing
   * recorded, when any of them is recorded already. Optional: a store without it is given one
   * `recordOutcome` each.
   */
  recordOutcomes?(jobId: string, outcomes: readonly BatchOutcome[]): Promise<boolean>;
}

/** Recipients per outcome block: `recordOutcomes` takes recipients of one block at a time. */
export const OUTCOME_BLOCK = 50;

/** One recipient's outcome, as `recordOutcomes` takes it. */
export interface BatchOutcome {
  readonly index: number;
  readonly state: 'issued' | 'failed';
  readonly credentialId?: string;
  readonly error?: string;
}

/** One immutable, numbered version of a pathway definition. */
export interface PathwayVersionRecord {
  readonly issuerId: string;
  readonly pathwayId: string;
  /** 1, 2, …: assigned by the service, never reused. */
  readonly version: number;
  /** The `credstack-pathway/1` document, its `version` equal to the record's. */
  readonly definition: Readonly<Record<string, unknown>>;
  readonly createdAt: string;
  /** When the version was first published; absent for a draft never published. */
  readonly publishedAt?: string;
}

/** Where a pathway stands: its newest version and the one learners are evaluated against. */
export interface PathwayHeadRecord {
  readonly issuerId: string;
  readonly pathwayId: string;
  readonly latestVersion: number;
  readonly publishedVersion?: number;
}

/**
 * Versioned pathway definitions. A new version is written together with the head's
 * `latestVersion` move, conditional on the previous value, so two concurrent saves cannot both
 * become version n+1 (the loser gets CONFLICT).
 */
export interface PathwayRepository {
  /** Stores `record` as the version after `previous` (0 for a new pathway). */
  createVersion(record: PathwayVersionRecord, previous: number): Promise<void>;
  getHead(issuerId: string, pathwayId: string): Promise<PathwayHeadRecord | undefined>;
  getVersion(
    issuerId: string,
    pathwayId: string,
    version: number,
  ): Promise<PathwayVersionRecord | undefined>;
  /** Every pathway head of the issuer, in pathway id order. */
  listHeads(issuerId: string): Promise<readonly PathwayHeadRecord[]>;
  /**
   * Marks `version` the published one, and the version itself as published at `at` (kept
   * once set); NOT_FOUND when the pathway has no such version.
   */
  publish(issuerId: string, pathwayId: string, version: number, at: string): Promise<void>;
  /** The head of every pathway with a published version, across issuers. */
  listPublished(): Promise<readonly PathwayHeadRecord[]>;
}

export type PathwayJobState = 'queued' | 'running' | 'done';

/**
 * A background evaluation of every learner who could qualify for a newly published pathway
 * version (retroactive awards), with its progress.
 */
export interface PathwayJobRecord {
  readonly id: string;
  readonly issuerId: string;
  readonly pathwayId: string;
  readonly version: number;
  readonly state: PathwayJobState;
  /** Learners to evaluate; known once the job has listed them. */
  readonly learners?: number;
  readonly evaluated: number;
  readonly awarded: number;
  /**
   * The durable checkpoint: the last learner (in id order) whose evaluation is counted. A run
   * resumes after it, whichever stream record or sweep started the run.
   */
  readonly cursor?: string;
  readonly createdAt: string;
  /** When a run last moved the job (its heartbeat): a job left open and silent is resumed. */
  readonly updatedAt?: string;
  readonly finishedAt?: string;
}

/** Evaluation jobs: one item each, progress counted atomically. */
export interface PathwayJobRepository {
  /** The item's INSERT on the table's stream starts the job. */
  create(job: PathwayJobRecord): Promise<void>;
  get(jobId: string): Promise<PathwayJobRecord | undefined>;
  /**
   * Moves a queued job to `running` with the number of learners it will evaluate; false when
   * it was not queued any more (another run started it: its counts are kept).
   */
  start(jobId: string, learners: number): Promise<boolean>;
  /**
   * Counts a block of learners and moves the cursor from `from` (undefined: the start) to
   * `to`, conditional on the cursor still being at `from`; false when another run moved it
   * first (this run's block is then not counted: the other run counted it).
   */
  commit(
    jobId: string,
    block: {
      readonly from: string | undefined;
      readonly to: string;
      readonly evaluated: number;
      readonly awarded: number;
    },
  ): Promise<boolean>;
  /** Marks the job done and takes it off the open jobs. */
  finish(jobId: string, at: string): Promise<void>;
  /** Every job not yet `done` (queued or running), oldest first: what a sweeper resumes. */
  listOpen(): Promise<readonly PathwayJobRecord[]>;
  /**
   * Hands the rest of a job (from learner `offset` on) to a new invocation: writes a
   * continuation item whose INSERT on the stream runs it. A repeated call for the same offset
   * writes nothing.
   */
  continueAt(jobId: string, offset: number): Promise<void>;
}

/**
 * Credentials learners imported from any issuer, each with the verification report that let
 * it in (search-records.ts). Keyed by learner, so a learner's wallet is one partition.
 */
export interface ImportRepository {
  /** CONFLICT when the learner already imported this credential. */
  create(record: ImportRecord): Promise<void>;
  get(learnerId: string, importId: string): Promise<ImportRecord | undefined>;
  /** The learner's imports, newest first. */
  list(learnerId: string, cursor?: string): Promise<Page<ImportRecord>>;
  /**
   * Stores a re-verification's outcome (state, report, verifiedAt, revision), conditional on the
   * stored revision still being `previous`: CONFLICT when another re-verification came first,
   * NOT_FOUND when the import was removed meanwhile.
   */
  saveVerification(record: ImportRecord, previous: number): Promise<void>;
  /** NOT_FOUND when there is no such import. */
  delete(learnerId: string, importId: string): Promise<void>;
  /** At most `limit` imports last verified before `before`, oldest first (the schedule). */
  listDue(before: string, limit: number): Promise<readonly ImportRecord[]>;
}

/** Learners' consent to be found, one record per learner and tenant. */
export interface ConsentRepository {
  get(learnerId: string, tenantId: string): Promise<ConsentRecord | undefined>;
  /** The consents of many learners in one tenant at once (absent ones left out), strongly consistent. */
  getMany(tenantId: string, learnerIds: readonly string[]): Promise<readonly ConsentRecord[]>;
  /** Every consent record of the learner (given or withdrawn), strongly consistent. */
  list(learnerId: string): Promise<readonly ConsentRecord[]>;
  put(record: ConsentRecord): Promise<void>;
  /** Every learner who has a consent record in `tenantId` (all tenants when undefined). */
  listCandidates(
    tenantId: string | undefined,
    cursor?: string,
  ): Promise<Page<{ readonly tenantId: string; readonly learnerId: string }>>;
}

/** The audit trail of employer search: every search, export and profile view, kept a year. */
export interface SearchAuditRepository {
  /** Writes the search and the learner-facing events of everyone it returned. */
  record(search: SearchAuditRecord, seen: readonly SeenRecord[]): Promise<void>;
  /** Who found or viewed the learner, newest first. */
  listSeen(learnerId: string, cursor?: string): Promise<Page<SeenRecord>>;
  /** The employer's searches in a tenant, newest first. */
  listSearches(
    tenantId: string,
    employerId: string,
    cursor?: string,
  ): Promise<Page<SearchAuditRecord>>;
}

/**
 * An employer's own lists in a tenant: the shortlist (one entry per learner, its note
 * replaced by a later put) and saved searches. Both live in the employer's partition.
 */
export interface EmployerListRepository {
  /** Adds the learner or replaces the entry (its note and `updatedAt`). */
  putShortlisted(entry: ShortlistEntryRecord): Promise<void>;
  getShortlisted(
    tenantId: string,
    employerId: string,
    learnerId: string,
  ): Promise<ShortlistEntryRecord | undefined>;
  /** The shortlist in learner id order. */
  listShortlist(
    tenantId: string,
    employerId: string,
    cursor?: string,
  ): Promise<Page<ShortlistEntryRecord>>;
  /** NOT_FOUND when the learner is not on the shortlist. */
  removeShortlisted(tenantId: string, employerId: string, learnerId: string): Promise<void>;
  /** CONFLICT when the id is taken. */
  createSavedSearch(record: SavedSearchRecord): Promise<void>;
  getSavedSearch(
    tenantId: string,
    employerId: string,
    searchId: string,
  ): Promise<SavedSearchRecord | undefined>;
  /** The saved searches in id order. */
  listSavedSearches(
    tenantId: string,
    employerId: string,
    cursor?: string,
  ): Promise<Page<SavedSearchRecord>>;
  /** Records what the search matched when the employer looked; NOT_FOUND when deleted. */
  markSeen(
    tenantId: string,
    employerId: string,
    searchId: string,
    seen: { readonly at: string; readonly learnerIds: readonly string[] },
  ): Promise<void>;
  /** NOT_FOUND when there is no such saved search. */
  deleteSavedSearch(tenantId: string, employerId: string, searchId: string): Promise<void>;
}

/** Per-tenant search settings and the vocabulary of skills its indexed badges name. */
export interface SearchSettingsRepository {
  get(tenantId: string): Promise<TenantSearchSettings | undefined>;
  put(settings: TenantSearchSettings): Promise<void>;
  recordSkills(tenantId: string, skills: readonly KnownSkill[]): Promise<void>;
  /** Those of `keys` that some indexed badge of the tenant has named. */
  knownSkills(tenantId: string, keys: readonly string[]): Promise<readonly KnownSkill[]>;
}

/**
 * The indexer's view of a learner: an atomic version counter and copies of issued credentials
 * in the learner's partition, so one consistent query reads every source of the documents.
 */
export interface CandidateSourceRepository {
  /** The next version for the learner's documents (1, 2, …). */
  nextVersion(learnerId: string): Promise<number>;
  /** Stores the copy unless one from a later stream record is held; false when ignored. */
  putIssued(record: IssuedBadgeRecord): Promise<boolean>;
  /** Consents, imports and issued copies, in one strongly consistent read. */
  load(learnerId: string): Promise<CandidateSources>;
}

/** A badge image an issuer uploaded, kept by its content's hash. */
export interface StoredImage {
  readonly issuerId: string;
  /** `<sha-256 of the bytes, hex>.png` or `.svg`: the same file always gets the same name. */
  readonly name: string;
  readonly contentType: 'image/png' | 'image/svg+xml';
  readonly bytes: Uint8Array;
}

/**
 * Uploaded badge images: files under `.data/images` locally. Images are checked before they
 * get here (shared/credentials/bake/image-check.ts); a store only keeps and returns bytes.
 */
export interface ImageRepository {
  /** Stores the image; storing the same name again is a no-op (the name is the content's hash). */
  put(image: StoredImage): Promise<void>;
  get(issuerId: string, name: string): Promise<StoredImage | undefined>;
}
