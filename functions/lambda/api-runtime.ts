import { createRemoteJWKSet, type JWTVerifyGetKey } from 'jose';
import { type LiteDynamoDb, liteDynamoDb } from '#shared/adapters/dynamodb/lite/documents.ts';
import { createJwtTokenVerifier } from '#shared/adapters/oidc/token-verifier.ts';
import { systemClock } from '#shared/core/clock.ts';
import type { Fetcher } from '#shared/credentials/fetch/fetcher.ts';
import type { Verifier } from '#shared/credentials/verify/verifier.ts';
import type { ImageRepository, KeyVault } from '#shared/domain/ports/repositories.ts';
import type { SearchIndex } from '#shared/domain/ports/search-index.ts';
import type { ServiceContext } from '#shared/domain/ports/service-context.ts';
import type { ApiDeps } from '../api/deps.ts';
import type { ServiceConfig } from '../config.ts';
import { ALL_STORES, type StoreBuilders } from '../dynamo-stores.ts';
import type { RouteDefinition } from '../http/route.ts';
import { createHttpHandler, type HttpLambdaHandler } from '../http/router.ts';
import type { HealthReport } from '../http/system-routes.ts';
import { measuredSearchIndex, observed, structuredLogger } from '../observability.ts';
import { dynamoContextWith } from '../service-context.ts';

/**
 * What the Lambda composition roots share: the table's clients, its health check and the
 * service context over them. Each API function serves one route group
 * (functions/api/app.ts) and is handed only the adapters its routes use: a function that
 * never signs gets {@link NO_KEYS} instead of the KMS vault, one that never verifies gets
 * {@link NO_VERIFIER}, so neither the KMS client nor the verifier is bundled into it.
 */

/**
 * The table's client: the SDK-free one (shared/adapters/dynamodb/lite/), a few KB where the
 * SDK's client and core weigh about 200 KB in every bundle and take a cold start's first call
 * to set up (docs/deploy.md, "Cold starts and the AWS SDK"). Region, endpoint and credentials
 * come from the Lambda environment.
 */
export interface LambdaTable {
  readonly documents: LiteDynamoDb;
}

/**
 * Builds the DynamoDB client of a function, once per cold start.
 *
 * @example
 * const { documents } = lambdaTable();
 */
export function lambdaTable(): LambdaTable {
  return { documents: liteDynamoDb() };
}

// A route reaching one of these is in the wrong group: the failure is a 500 naming the cause.
function notWired(what: string): never {
  throw new Error(`${what} is not wired into this function: check its route group`);
}

/** The vault of a function that neither creates nor uses signing keys. */
export const NO_KEYS: KeyVault = {
  createKey: async () => notWired('the KMS key vault'),
  signerFor: async () => notWired('the KMS key vault'),
};

/** The verifier of a function that verifies nothing. */
export const NO_VERIFIER: Verifier = { verify: async () => notWired('the verifier') };

/** The service's table as a health check, for `/health`. */
export type TableHealth = () => Promise<HealthReport>;

/** The service's table keeps serving reads and writes in both states. */
const SERVING_STATES: ReadonlySet<string> = new Set(['ACTIVE', 'UPDATING']);

/** What answers DescribeTable: the SDK-free client, or the SDK's aggregated `DynamoDB`. */
export interface TableDescriber {
  describeTable(input: {
    readonly TableName: string;
  }): Promise<{ readonly Table?: { readonly TableStatus?: string } }>;
}

/**
 * DescribeTable on the service's table: ok while it is ACTIVE or UPDATING.
 *
 * @example
 * const health = tableHealth(lambdaTable().documents, config.tableName);
 */
export function tableHealth(dynamodb: TableDescriber, tableName: string): TableHealth {
  return async () => {
    const { Table } = await dynamodb.describeTable({ TableName: tableName });
    return SERVING_STATES.has(Table?.TableStatus ?? '')
      ? { ok: true }
      : { ok: false, detail: 'the table is not available' };
  };
}

export interface LambdaContextOptions {
  /** Default {@link NO_KEYS}. */
  readonly vault?: KeyVault;
  /** The candidate index (search and indexing); default: none, search answers 503. */
  readonly searchIndex?: SearchIndex;
  /** Default: a new client from {@link lambdaTable}. */
  readonly table?: LambdaTable;
  /** Uploaded badge images (functions/lambda/image-bucket.ts); default: none, uploads answer 503. */
  readonly images?: ImageRepository;
}

/**
 * The DynamoDB service context of a Lambda function, on the system clock, given only the
 * adapters the function uses. Call it once per cold start, at module scope.
 *
 * @example
 * const ctx = lambdaServiceContext(serviceConfig(), { searchIndex: openSearchIndex(loadSearchConfig()) });
 */
export function lambdaServiceContext(
  config: ServiceConfig,
  options: LambdaContextOptions = {},
): ServiceContext {
  return lambdaContextWith(config, options, ALL_STORES);
}

/**
 * {@link lambdaServiceContext} with only the stores given: a function that names its stores
 * (functions/lambda/api-stores.ts) does not bundle the others.
 *
 * @example
 * const ctx = lambdaContextWith(serviceConfig(), {}, REVERIFY_STORES);
 */
export function lambdaContextWith(
  config: ServiceConfig,
  options: LambdaContextOptions,
  stores: StoreBuilders,
): ServiceContext {
  const { documents } = options.table ?? lambdaTable();
  return dynamoContextWith(
    {
      documents,
      tableName: config.tableName,
      vault: options.vault ?? NO_KEYS,
      baseUrl: config.baseUrl,
      clock: systemClock,
      // Each search is timed (SearchLatency) for the invocation's metrics.
      ...(options.searchIndex ? { searchIndex: measuredSearchIndex(options.searchIndex) } : {}),
      ...(options.images ? { images: options.images } : {}),
    },
    stores,
  );
}

export interface ApiFunctionOptions extends LambdaContextOptions {
  /** The function's route group, e.g. `publicReadRoutes`. */
  readonly routes: (deps: ApiDeps) => RouteDefinition[];
  /** The stores its routes use (functions/lambda/api-stores.ts); the others are not bundled. */
  readonly stores: StoreBuilders;
  /** Built from the service context; default {@link NO_VERIFIER}. */
  readonly verifier?: (ctx: ServiceContext) => Verifier;
  /** The function's way to the internet (hosted badge images), when it has one. */
  readonly network?: Fetcher;
}

/**
 * jose's remote key set, created on the first token to check. Creating it touches the fetch
 * API, which loads Node's fetch implementation (tens of milliseconds of a cold start): a
 * function answering only public requests never needs it.
 */
function lazyRemoteJwks(url: URL): JWTVerifyGetKey {
  let remote: JWTVerifyGetKey | undefined;
  return (header, token) => {
    remote ??= createRemoteJWKSet(url);
    return remote(header, token);
  };
}

/**
 * The Lambda handler of one API route group over DynamoDB, with bearer tokens checked against
 * the configured OIDC issuer (jose fetches its JWKS on first use, not per request).
 *
 * @example
 * export const handler = apiFunction(serviceConfig(), { routes: publicReadRoutes, stores: PUBLIC_READ_STORES });
 */
export function apiFunction(config: ServiceConfig, options: ApiFunctionOptions): HttpLambdaHandler {
  const ctx = lambdaContextWith(config, options, options.stores);
  const verifier = options.verifier?.(ctx) ?? NO_VERIFIER;
  const tokenVerifier = createJwtTokenVerifier({
    issuer: config.oidcIssuer,
    // Several audiences, comma-separated: the API client and the web app's client.
    audience: config.oidcAudience.split(',').map((audience) => audience.trim()),
    jwks: lazyRemoteJwks(new URL(config.oidcJwksUrl)),
  });
  // Observed: log entries carry the invocation's context, metrics are published as it ends.
  return observed(
    createHttpHandler(
      options.routes({ ctx, verifier, ...(options.network ? { network: options.network } : {}) }),
      // A cold start compiles only the schemas of the request that woke it.
      { tokenVerifier, logger: structuredLogger(), schemaCompilation: 'first-use' },
    ),
  );
}
