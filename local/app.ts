import { appRoutes } from '#functions/api/app.ts';
import type { Logger } from '#functions/http/logging.ts';
import { createHttpHandler, type HttpLambdaHandler } from '#functions/http/router.ts';
import type { HealthReport } from '#functions/http/system-routes.ts';
import { dynamoServiceContext, serviceVerifier } from '#functions/service-context.ts';
import type { DynamoDocuments } from '#shared/adapters/dynamodb/documents.ts';
import type { LiteDynamoDbOptions } from '#shared/adapters/dynamodb/lite/transport.ts';
import { MemoryImageStore } from '#shared/adapters/memory/image-store.ts';
import type { TokenVerifier } from '#shared/adapters/oidc/token-verifier.ts';
import type { Clock } from '#shared/core/clock.ts';
import type { Fetcher } from '#shared/credentials/fetch/fetcher.ts';
import type { Verifier } from '#shared/credentials/verify/verifier.ts';
import type { WorkLimits } from '#shared/credentials/verify/work-budget.ts';
import { reindexCandidates } from '#shared/domain/candidate-index.ts';
import type { ImageRepository, KeyVault } from '#shared/domain/ports/repositories.ts';
import type { SearchIndex } from '#shared/domain/ports/search-index.ts';
import type { ServiceContext } from '#shared/domain/ports/service-context.ts';
import { selfFetcher } from '#shared/domain/self-fetcher.ts';
import { EmbeddedSearchIndex } from '#shared/search/embedded/embedded-search-index.ts';
import { createVerifierPool, type VerifierPool } from './verification-pool.ts';

export interface LocalApp {
  readonly ctx: ServiceContext;
  readonly handler: HttpLambdaHandler;
  /**
   * Rebuilds the in-process search index from the table (every consenting learner, issued
   * credentials the stream never delivered copied first). Call once at start: the embedded
   * index lives in memory, the table is the truth.
   */
  readonly rebuildSearchIndex: () => Promise<number>;
  /** Stops what the app runs besides the handler (the verification workers). */
  readonly close: () => Promise<void>;
  /** The verification workers, unless the app verifies in process. */
  readonly verifierPool?: VerifierPool;
}

/**
 * How the local app verifies: in worker threads (the default, so a costly verification never
 * stalls the other routes), or in process (for a caller that verifies on its own schedule).
 */
export type LocalVerification =
  | { readonly workers?: number; readonly limits?: Partial<WorkLimits> }
  | 'in-process';

/**
 * The service wired on one machine: the DynamoDB stores, a key vault, the same route table and
 * middleware as the Lambda entry. `npm start`, the API integration tests and the issuance
 * benchmark all run this, so what they exercise is one thing.
 *
 * @example
 * const { ctx, handler } = buildLocalApp({ documents, tableName, vault, baseUrl, clock, tokenVerifier, network, health });
 */
export function buildLocalApp(options: {
  readonly documents: DynamoDocuments;
  readonly tableName: string;
  readonly vault: KeyVault;
  readonly baseUrl: string;
  readonly clock: Clock;
  readonly tokenVerifier: TokenVerifier;
  /** Where the verifier fetches what is not the service's own (keys, status lists of others). */
  readonly network: Fetcher;
  readonly health: () => Promise<HealthReport>;
  readonly logger?: Logger;
  readonly statusListSize?: number;
  /** The candidate index; default: the embedded engine, in this process. */
  readonly searchIndex?: SearchIndex;
  /** Default: a pool of verification workers (see verification-pool.ts). */
  readonly verification?: LocalVerification;
  /** Uploaded badge images; default: kept in memory (tests), `npm start` passes a folder. */
  readonly images?: ImageRepository;
  /**
   * How the verification workers reach the table themselves (the endpoint `documents` goes
   * to): each reads its own status lists' revisions with a client of its own, and asks this
   * thread only for a list that has changed (verification-pool.ts). Without it, every fetch of
   * a worker goes through this thread.
   */
  readonly workerTable?: LiteDynamoDbOptions;
}): LocalApp {
  const ctx = dynamoServiceContext({
    documents: options.documents,
    tableName: options.tableName,
    vault: options.vault,
    baseUrl: options.baseUrl,
    clock: options.clock,
    ...(options.statusListSize ? { statusListSize: options.statusListSize } : {}),
    searchIndex: options.searchIndex ?? new EmbeddedSearchIndex(),
    images: options.images ?? new MemoryImageStore(),
  });
  const verification = options.verification ?? {};
  const pool =
    verification === 'in-process'
      ? undefined
      : createVerifierPool({
          fetcher: selfFetcher(ctx, options.network),
          clock: options.clock,
          ...(verification.workers === undefined ? {} : { workers: verification.workers }),
          ...(verification.limits ? { limits: verification.limits } : {}),
          ...(options.workerTable === undefined
            ? {}
            : {
                statusReads: {
                  baseUrl: ctx.baseUrl,
                  tableName: options.tableName,
                  client: options.workerTable,
                },
              }),
        });
  const verifier: Verifier = pool ?? serviceVerifier(ctx, options.network);
  const handler = createHttpHandler(
    appRoutes(
      { ctx, verifier, network: options.network },
      { health: options.health, network: options.network },
    ),
    {
      tokenVerifier: options.tokenVerifier,
      ...(options.logger ? { logger: options.logger } : {}),
    },
  );
  return {
    ctx,
    handler,
    rebuildSearchIndex: () => reindexCandidates(ctx, undefined, { backfill: true }),
    close: async () => pool?.close(),
    ...(pool === undefined ? {} : { verifierPool: pool }),
  };
}
