import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Clock } from '#shared/core/clock.ts';
import type { Fetcher } from '#shared/fetch/fetcher.ts';
import { EmbeddedSearchIndex } from '#shared/search/embedded/embedded-search-index.ts';
import type { SearchIndex } from '#shared/search/search-index.ts';
import { reindexCandidates } from '#shared/service/candidate-index.ts';
import type { ServiceContext } from '#shared/service/context.ts';
import type { KeyVault } from '#shared/service/ports.ts';
import type { TokenVerifier } from '#shared/service/token-verifier.ts';
import { appRoutes } from '../functions/api/app.ts';
import type { Logger } from '../functions/http/logging.ts';
import { createHttpHandler, type HttpLambdaHandler } from '../functions/http/router.ts';
import type { HealthReport } from '../functions/http/system-routes.ts';
import { dynamoServiceContext, serviceVerifier } from '../functions/service-context.ts';

export interface LocalApp {
  readonly ctx: ServiceContext;
  readonly handler: HttpLambdaHandler;
  /**
   * Rebuilds the in-process search index from the table (every consenting learner, issued
   * credentials the stream never delivered copied first). Call once at start: the embedded
   * index lives in memory, the table is the truth.
   */
  readonly rebuildSearchIndex: () => Promise<number>;
}

/**
 * The service wired on one machine: the DynamoDB stores, a key vault, the same route table and
 * middleware as the Lambda entry. `npm start`, the API integration tests and the issuance
 * benchmark all run this, so what they exercise is one thing.
 *
 * @example
 * const { ctx, handler } = buildLocalApp({ documents, tableName, vault, baseUrl, clock, tokenVerifier, network, health });
 */
export function buildLocalApp(options: {
  readonly documents: DynamoDBDocumentClient;
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
}): LocalApp {
  const ctx = dynamoServiceContext({
    documents: options.documents,
    tableName: options.tableName,
    vault: options.vault,
    baseUrl: options.baseUrl,
    clock: options.clock,
    ...(options.statusListSize ? { statusListSize: options.statusListSize } : {}),
    searchIndex: options.searchIndex ?? new EmbeddedSearchIndex(),
  });
  const handler = createHttpHandler(
    appRoutes(
      { ctx, verifier: serviceVerifier(ctx, options.network), network: options.network },
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
  };
}
