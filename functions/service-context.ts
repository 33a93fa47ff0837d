import { DynamoAchievementStore } from '#shared/adapters/dynamodb/achievement-store.ts';
import { DynamoBatchJobStore } from '#shared/adapters/dynamodb/batch-job-store.ts';
import { DynamoCandidateSourceStore } from '#shared/adapters/dynamodb/candidate-source-store.ts';
import { DynamoConsentStore } from '#shared/adapters/dynamodb/consent-store.ts';
import { DynamoCredentialStore } from '#shared/adapters/dynamodb/credential-store.ts';
import type { DynamoDocuments } from '#shared/adapters/dynamodb/documents.ts';
import { DynamoEmployerListStore } from '#shared/adapters/dynamodb/employer-list-store.ts';
import { raiseStoreUnavailable } from '#shared/adapters/dynamodb/errors.ts';
import { DynamoIdempotencyStore } from '#shared/adapters/dynamodb/idempotency-store.ts';
import { DynamoImportStore } from '#shared/adapters/dynamodb/import-store.ts';
import { DynamoIssuerStore } from '#shared/adapters/dynamodb/issuer-store.ts';
import { DynamoPathwayJobStore } from '#shared/adapters/dynamodb/pathway-job-store.ts';
import { DynamoPathwayStore } from '#shared/adapters/dynamodb/pathway-store.ts';
import { DynamoSearchAuditStore } from '#shared/adapters/dynamodb/search-audit-store.ts';
import { DynamoSearchSettingsStore } from '#shared/adapters/dynamodb/search-settings-store.ts';
import { DynamoStatusListStore } from '#shared/adapters/dynamodb/status-list-store.ts';
import type { Clock } from '#shared/core/clock.ts';
import type { Fetcher } from '#shared/credentials/fetch/fetcher.ts';
import { createVerifier, type Verifier } from '#shared/credentials/verify/verifier.ts';
import { ServiceError } from '#shared/domain/errors.ts';
import type { ImageRepository, KeyVault } from '#shared/domain/ports/repositories.ts';
import type { SearchIndex } from '#shared/domain/ports/search-index.ts';
import type { ServiceContext } from '#shared/domain/ports/service-context.ts';
import { selfFetcher } from '#shared/domain/self-fetcher.ts';
import { measuredVerifier } from './observability.ts';

/**
 * The service on DynamoDB: every repository over the one table. Both composition roots (the
 * Lambda entry and the local runtime) call this with their own client, vault and base URL, so
 * the two runtimes differ only in those three things.
 *
 * @example
 * const ctx = dynamoServiceContext({ documents, tableName, vault, baseUrl, clock: systemClock });
 */
export function dynamoServiceContext(options: {
  /** The SDK's `DynamoDBDocument` or the SDK-free client (shared/adapters/dynamodb/lite/). */
  readonly documents: DynamoDocuments;
  readonly tableName: string;
  readonly vault: KeyVault;
  readonly baseUrl: string;
  readonly clock: Clock;
  readonly statusListSize?: number;
  /** The candidate index; without one, search answers 503 and the indexer fails its records. */
  readonly searchIndex?: SearchIndex;
  /** Where uploaded badge images are kept; without one, uploads answer 503. */
  readonly images?: ImageRepository;
}): ServiceContext {
  // Every store then reports an unreachable table as UNAVAILABLE (503 with Retry-After).
  const table = {
    documents: raiseStoreUnavailable(options.documents),
    tableName: options.tableName,
  };
  return {
    baseUrl: options.baseUrl.replace(/\/$/, ''),
    clock: options.clock,
    issuers: new DynamoIssuerStore(table),
    achievements: new DynamoAchievementStore(table),
    credentials: new DynamoCredentialStore(table),
    statusLists: new DynamoStatusListStore({
      ...table,
      ...(options.statusListSize ? { listSize: options.statusListSize } : {}),
    }),
    idempotency: new DynamoIdempotencyStore({ ...table, clock: options.clock }),
    batchJobs: new DynamoBatchJobStore({ ...table, clock: options.clock }),
    pathways: new DynamoPathwayStore(table),
    pathwayJobs: new DynamoPathwayJobStore({ ...table, clock: options.clock }),
    vault: options.vault,
    imports: new DynamoImportStore(table),
    consents: new DynamoConsentStore(table),
    searchAudit: new DynamoSearchAuditStore(table),
    searchSettings: new DynamoSearchSettingsStore(table),
    employerLists: new DynamoEmployerListStore(table),
    candidateSources: new DynamoCandidateSourceStore(table),
    searchIndex: options.searchIndex ?? unconfiguredSearchIndex,
    ...(options.images ? { images: options.images } : {}),
  };
}

const searchUnavailable = (): never => {
  throw new ServiceError('UNAVAILABLE', 'candidate search is not configured on this service');
};

/** Stands in where a runtime has no search engine: every call is a clear 503. */
const unconfiguredSearchIndex: SearchIndex = {
  upsert: async () => searchUnavailable(),
  remove: async () => searchUnavailable(),
  search: async () => searchUnavailable(),
  get: async () => searchUnavailable(),
};

/**
 * The service's verifier: its own DID documents and status lists answered from its data,
 * everything else through `network`; each verdict is counted (CredentialsVerified or
 * CredentialsNotVerified) in the caller's metric scope.
 *
 * @example
 * const verifier = serviceVerifier(ctx, new CachingFetcher(new HttpsFetcher()));
 */
export function serviceVerifier(ctx: ServiceContext, network: Fetcher): Verifier {
  return measuredVerifier(createVerifier({ fetcher: selfFetcher(ctx, network), clock: ctx.clock }));
}
