import type { Clock } from '#shared/core/clock.ts';
import type {
  AchievementRepository,
  BatchJobRepository,
  CandidateSourceRepository,
  ConsentRepository,
  CredentialRepository,
  EmployerListRepository,
  IdempotencyRepository,
  ImportRepository,
  IssuerRepository,
  PathwayJobRepository,
  PathwayRepository,
  SearchAuditRepository,
  SearchSettingsRepository,
  StatusListRepository,
} from '#shared/domain/ports/repositories.ts';

/**
 * One empty store "table" for a repository contract suite (test/contract/*-repository-contract.ts):
 * every call opens a repository on the same data, as several processes open stores on one
 * DynamoDB table. Each adapter (DynamoDB, memory) provides its own.
 */
export interface StoreTable {
  issuers(options?: { readonly pageSize?: number }): IssuerRepository;
  achievements(options?: { readonly pageSize?: number }): AchievementRepository;
  /** Credentials whose status bits are those of `statusLists()` on the same table. */
  credentials(options?: { readonly pageSize?: number }): CredentialRepository;
  statusLists(options?: { readonly listSize?: number }): StatusListRepository;
  /** The idempotency records of the table, seen at the time `clock` tells. */
  idempotency(clock: Clock): IdempotencyRepository;
  /** Batch jobs whose heartbeats read `clock`. */
  batchJobs(clock: Clock): BatchJobRepository;
  pathways(): PathwayRepository;
  /** Pathway jobs whose heartbeats read `clock`. */
  pathwayJobs(clock: Clock): PathwayJobRepository;
  imports(options?: { readonly pageSize?: number }): ImportRepository;
  consents(options?: { readonly pageSize?: number }): ConsentRepository;
  searchAudit(options?: { readonly pageSize?: number }): SearchAuditRepository;
  searchSettings(): SearchSettingsRepository;
  employerLists(options?: { readonly pageSize?: number }): EmployerListRepository;
  /** The indexer's sources: consents and imports are those of `consents()` and `imports()`. */
  candidateSources(): CandidateSourceRepository;
}

export type NewStoreTable = () => Promise<StoreTable>;
