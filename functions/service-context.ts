import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Clock } from '#shared/core/clock.ts';
import type { Fetcher } from '#shared/fetch/fetcher.ts';
import type { ServiceContext } from '#shared/service/context.ts';
import type { KeyVault } from '#shared/service/ports.ts';
import { selfFetcher } from '#shared/service/self-fetcher.ts';
import { DynamoAchievementStore } from '#shared/store/dynamo/achievement-store.ts';
import { DynamoBatchJobStore } from '#shared/store/dynamo/batch-job-store.ts';
import { DynamoCredentialStore } from '#shared/store/dynamo/credential-store.ts';
import { DynamoIdempotencyStore } from '#shared/store/dynamo/idempotency-store.ts';
import { DynamoIssuerStore } from '#shared/store/dynamo/issuer-store.ts';
import { DynamoPathwayJobStore } from '#shared/store/dynamo/pathway-job-store.ts';
import { DynamoPathwayStore } from '#shared/store/dynamo/pathway-store.ts';
import { DynamoStatusListStore } from '#shared/store/dynamo/status-list-store.ts';
import { createVerifier, type Verifier } from '#shared/verify/verifier.ts';

/**
 * The service on DynamoDB: every repository over the one table. Both composition roots (the
 * Lambda entry and the local runtime) call this with their own client, vault and base URL, so
 * the two runtimes differ only in those three things.
 *
 * @example
 * const ctx = dynamoServiceContext({ documents, tableName, vault, baseUrl, clock: systemClock });
 */
export function dynamoServiceContext(options: {
  readonly documents: DynamoDBDocumentClient;
  readonly tableName: string;
  readonly vault: KeyVault;
  readonly baseUrl: string;
  readonly clock: Clock;
  readonly statusListSize?: number;
}): ServiceContext {
  const table = { documents: options.documents, tableName: options.tableName };
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
    batchJobs: new DynamoBatchJobStore(table),
    pathways: new DynamoPathwayStore(table),
    pathwayJobs: new DynamoPathwayJobStore(table),
    vault: options.vault,
  };
}

/**
 * The service's verifier: its own DID documents and status lists answered from its data,
 * everything else through `network`.
 *
 * @example
 * const verifier = serviceVerifier(ctx, new CachingFetcher(new HttpsFetcher()));
 */
export function serviceVerifier(ctx: ServiceContext, network: Fetcher): Verifier {
  return createVerifier({ fetcher: selfFetcher(ctx, network), clock: ctx.clock });
}
