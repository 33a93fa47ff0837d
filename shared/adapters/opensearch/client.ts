import { giveAwsV4Signer } from '@opensearch-project/opensearch/lib/aws/shared.js';
import ConnectionModule from '@opensearch-project/opensearch/lib/Connection.js';
import { ConnectionPool } from '@opensearch-project/opensearch/lib/pool/index.js';
import SerializerModule from '@opensearch-project/opensearch/lib/Serializer.js';
import TransportModule from '@opensearch-project/opensearch/lib/Transport.js';
import { CredstackError } from '#shared/core/errors.ts';

/**
 * The connection to a cluster. The adapter needs only the client's transport (one request
 * method): the package's `Client` class also loads every API namespace it generates, several
 * hundred kilobytes a Lambda bundle would carry for nothing, so the transport is assembled here
 * from the same parts `Client` uses (connection pool, serializer, SigV4 signer). The signer is
 * given its credentials by the composition root: the package's ready-made signer would load the
 * AWS SDK's default credential chain itself, and so bundle it (~370 KB) even where the chain is
 * already there or not wanted.
 */

// The package declares these files as ES modules with a default export; they are CommonJS
// files whose `module.exports` is the class itself, which is what a default import yields.
const Connection = ConnectionModule as unknown as typeof ConnectionModule.default;
const Serializer = SerializerModule as unknown as typeof SerializerModule.default;
const Transport = TransportModule as unknown as typeof TransportModule.default;

/** One REST call, as the client's transport takes it. */
export interface OpenSearchRequest {
  readonly method: 'GET' | 'HEAD' | 'PUT' | 'POST' | 'DELETE';
  readonly path: string;
  readonly querystring?: Readonly<Record<string, string | number | boolean>>;
  readonly body?: Record<string, unknown>;
}

export interface OpenSearchResponse {
  readonly statusCode: number | null;
  readonly body: unknown;
}

/**
 * What the adapter asks of a cluster connection: the client's `Transport` (and so
 * `client.transport` of a full `Client`) satisfies it. Status codes listed in `ignore` resolve
 * instead of rejecting with a `ResponseError`.
 */
export interface OpenSearchTransport {
  request(
    params: OpenSearchRequest,
    options?: { readonly ignore?: number[] },
  ): Promise<OpenSearchResponse>;
}

/** AWS credentials as the SigV4 signer takes them (the SDK's `AwsCredentialIdentity`). */
export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  readonly expiration?: Date;
}

export interface OpenSearchConnectionOptions {
  /**
   * The cluster endpoint: `https://search-….es.amazonaws.com` (an AWS domain), or a local
   * cluster such as `http://localhost:9200`, with `user:password@` for basic auth.
   */
  readonly url: string;
  /**
   * Sign every request with SigV4: `es` for an OpenSearch Service domain, `aoss` for a
   * Serverless collection; `credentials` is usually the AWS SDK's `defaultProvider()`.
   */
  readonly aws?: {
    readonly region: string;
    readonly service: 'es' | 'aoss';
    readonly credentials: () => Promise<AwsCredentials>;
  };
  /** Per request, default 10 s. */
  readonly requestTimeoutMs?: number;
  /** Retries on connection errors and 502–504, default 2. */
  readonly maxRetries?: number;
}

// Never called: every signer is built with `getCredentials`.
const noDefaultCredentials = (): Promise<never> =>
  Promise.reject(new CredstackError('CONFIG_INVALID', 'SigV4 signing needs credentials'));

function configInvalid(message: string): never {
  throw new CredstackError('CONFIG_INVALID', `OpenSearch connection: ${message}`);
}

function checkedUrl(options: OpenSearchConnectionOptions): URL {
  let url: URL;
  try {
    url = new URL(options.url);
  } catch {
    return configInvalid(`not a URL: "${options.url}"`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    configInvalid(`the URL must be http or https: "${url.origin}"`);
  if (options.aws && url.protocol !== 'https:') configInvalid('SigV4 needs an https URL');
  if (options.aws && (url.username !== '' || url.password !== ''))
    configInvalid('an AWS endpoint takes no user or password in its URL');
  return url;
}

/**
 * Builds the transport the adapter and `ensureCandidateIndex` talk through.
 *
 * @example
 * const transport = openSearchTransport({
 *   url: 'https://search-credstack.eu-west-1.es.amazonaws.com',
 *   aws: { region: 'eu-west-1', service: 'es', credentials: defaultProvider() },
 * });
 */
export function openSearchTransport(options: OpenSearchConnectionOptions): OpenSearchTransport {
  const url = checkedUrl(options);
  const signer = options.aws
    ? giveAwsV4Signer(noDefaultCredentials)({
        region: options.aws.region,
        service: options.aws.service,
        getCredentials: options.aws.credentials,
      })
    : undefined;
  const emit = (): boolean => false;
  const pool = new ConnectionPool({
    Connection: signer?.Connection ?? Connection,
    emit,
  });
  pool.addConnection(url.href);
  const TransportClass = signer?.Transport ?? Transport;
  return new TransportClass({
    emit,
    connectionPool: pool,
    serializer: new Serializer(),
    maxRetries: options.maxRetries ?? 2,
    requestTimeout: options.requestTimeoutMs ?? 10_000,
    // No sniffing (no sniffInterval): a managed endpoint is one address behind a load balancer.
    sniffEndpoint: '_nodes/_all/http',
    sniffOnStart: false,
    sniffOnConnectionFault: false,
    name: 'credstack',
  });
}
