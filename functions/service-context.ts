import type { DynamoDocuments } from '#shared/adapters/dynamodb/documents.ts';
import { raiseStoreUnavailable } from '#shared/adapters/dynamodb/errors.ts';
import type { Clock } from '#shared/core/clock.ts';
import type { Fetcher } from '#shared/credentials/fetch/fetcher.ts';
import { createVerifier, type Verifier } from '#shared/credentials/verify/verifier.ts';
import { ServiceError } from '#shared/domain/errors.ts';
import type { ImageRepository, KeyVault } from '#shared/domain/ports/repositories.ts';
import type { SearchIndex } from '#shared/domain/ports/search-index.ts';
import type { ServiceContext } from '#shared/domain/ports/service-context.ts';
import { selfFetcher } from '#shared/domain/self-fetcher.ts';
import { ALL_STORES, type StoreBuilders, type StoreName } from './dynamo-stores.ts';
import { measuredVerifier } from './observability.ts';

/** What a DynamoDB service context is built from, besides its stores. */
export interface DynamoContextOptions {
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
}

/**
 * The service on DynamoDB: every repository over the one table. Both composition roots (the
 * Lambda entry and the local runtime) call this with their own client, vault and base URL, so
 * the two runtimes differ only in those three things.
 *
 * @example
 * const ctx = dynamoServiceContext({ documents, tableName, vault, baseUrl, clock: systemClock });
 */
export function dynamoServiceContext(options: DynamoContextOptions): ServiceContext {
  return dynamoContextWith(options, ALL_STORES);
}

/**
 * The service on DynamoDB with only the stores given: an API function passes those its route
 * group uses (functions/lambda/api-stores.ts), so it does not bundle the others. A store not
 * given fails every call with an error naming it (a 500: the function's store list is wrong).
 *
 * @example
 * const ctx = dynamoContextWith(options, { issuers: issuerStore, credentials: credentialStore });
 */
export function dynamoContextWith(
  options: DynamoContextOptions,
  stores: StoreBuilders,
): ServiceContext {
  // Every store then reports an unreachable table as UNAVAILABLE (503 with Retry-After).
  const table = {
    documents: raiseStoreUnavailable(options.documents),
    tableName: options.tableName,
    clock: options.clock,
    ...(options.statusListSize ? { statusListSize: options.statusListSize } : {}),
  };
  const store = <Name extends StoreName>(name: Name): ServiceContext[Name] =>
    stores[name]?.(table) ?? notWiredStore(name);
  return {
    baseUrl: options.baseUrl.replace(/\/$/, ''),
    clock: options.clock,
    issuers: store('issuers'),
    achievements: store('achievements'),
    credentials: store('credentials'),
    statusLists: store('statusLists'),
    idempotency: store('idempotency'),
    batchJobs: store('batchJobs'),
    pathways: store('pathways'),
    pathwayJobs: store('pathwayJobs'),
    vault: options.vault,
    imports: store('imports'),
    consents: store('consents'),
    searchAudit: store('searchAudit'),
    searchSettings: store('searchSettings'),
    employerLists: store('employerLists'),
    candidateSources: store('candidateSources'),
    searchIndex: options.searchIndex ?? unconfiguredSearchIndex,
    ...(options.images ? { images: options.images } : {}),
  };
}

/** Stands in for a store the function was not given: every method throws, naming the store. */
function notWiredStore<T>(name: StoreName): T {
  const fail = (): never => {
    throw new Error(`the ${name} store is not wired into this function: check its store list`);
  };
  // `then` stays undefined, so awaiting the stand-in itself does not call it.
  return new Proxy({}, { get: (_, key) => (key === 'then' ? undefined : fail) }) as T;
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
