import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { type AwsCredentials, sha256Hex, signRequest } from '#shared/adapters/aws/sigv4.ts';
import { CredstackError } from '#shared/core/errors.ts';

/**
 * The connection to a cluster: REST calls with JSON bodies over node:http(s), one keep-alive
 * agent, SigV4-signed for an AWS endpoint. The adapter asks for nothing more (no bulk body, no
 * streaming, no sniffing, one node behind the endpoint), so the client is this file rather
 * than the OpenSearch client package, whose transport, JSON parser, signer and logger weigh
 * ~75 KB at the start of every function that searches or indexes. It keeps that package's
 * behaviour where the adapter can tell: the same failures by name (`ResponseError` with the
 * cluster's status and body, `ConnectionError`, `TimeoutError`, `DeserializationError`), HEAD
 * answered as a boolean, connection failures, timeouts and 502–504 sent again at once, up to
 * `maxRetries` times, and a body that would set an object's prototype refused.
 */

/** One REST call. */
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
 * What the adapter asks of a cluster connection. Status codes listed in `ignore` resolve
 * instead of rejecting with a `ResponseError`.
 */
export interface OpenSearchTransport {
  request(
    params: OpenSearchRequest,
    options?: { readonly ignore?: number[] },
  ): Promise<OpenSearchResponse>;
}

export type { AwsCredentials };

/** Credentials as the SDK's providers give them: temporary ones say when they expire. */
export interface ExpiringAwsCredentials extends AwsCredentials {
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
    readonly credentials: () => Promise<ExpiringAwsCredentials>;
  };
  /** Without a byte sent or received for this long a request fails, default 10 s. */
  readonly requestTimeoutMs?: number;
  /** Retries on connection errors, timeouts and 502–504, default 2. */
  readonly maxRetries?: number;
}

/** A failure status the caller did not ask to ignore; `body` is what the cluster sent. */
export class ResponseError extends Error {
  override readonly name = 'ResponseError';
  readonly statusCode: number;
  readonly body: unknown;

  constructor(statusCode: number, body: unknown) {
    const error = (body as { error?: { type?: unknown } } | undefined)?.error;
    super(`status ${statusCode}${typeof error?.type === 'string' ? ` (${error.type})` : ''}`);
    this.statusCode = statusCode;
    this.body = body;
  }
}

/** No answer: the connection failed, or broke before the whole answer arrived. */
export class ConnectionError extends Error {
  override readonly name = 'ConnectionError';
}

/** Nothing sent or received for the request timeout. */
export class TimeoutError extends Error {
  override readonly name = 'TimeoutError';
}

/** An answer that claims to be JSON and is not, or would set an object's prototype. */
export class DeserializationError extends Error {
  override readonly name = 'DeserializationError';
}

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

// encodeURIComponent leaves !'()* as they are; SigV4's canonical form escapes every byte but
// the unreserved ones, and the query is sent in that same form so the two cannot differ.
const rfc3986 = (text: string): string =>
  encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );

/** `a=1&b=2`: the query as sent and as signed, its pairs sorted. */
function queryString(query: OpenSearchRequest['querystring']): string {
  if (query === undefined) return '';
  return Object.entries(query)
    .map(([key, value]) => `${rfc3986(key)}=${rfc3986(String(value))}`)
    .sort()
    .join('&');
}

/**
 * The headers that sign a request for OpenSearch: SigV4 over host, date, content type and the
 * body's hash, which is also sent as `x-amz-content-sha256` (Serverless collections require it).
 * The canonical path escapes each segment of the path as sent once more, as every AWS service
 * but S3 expects.
 *
 * @example
 * const headers = signOpenSearchRequest(
 *   { method: 'GET', host: 'search-x.eu-west-1.es.amazonaws.com', path: '/candidates/_doc/a%3Ab', query: '', headers: {}, body: '' },
 *   { region: 'eu-west-1', service: 'es', credentials, date: new Date() },
 * );
 */
export function signOpenSearchRequest(
  request: {
    readonly method: string;
    readonly host: string;
    readonly path: string;
    readonly query: string;
    readonly headers: Readonly<Record<string, string>>;
    readonly body: string;
  },
  scope: {
    readonly region: string;
    readonly service: string;
    readonly credentials: AwsCredentials;
    readonly date: Date;
  },
): Record<string, string> {
  const bodyHash = sha256Hex(request.body);
  return signRequest(
    {
      method: request.method,
      host: request.host,
      path: request.path.split('/').map(rfc3986).join('/'),
      query: request.query,
      headers: { ...request.headers, 'x-amz-content-sha256': bodyHash },
      body: request.body,
      bodyHash,
    },
    scope,
  );
}

// A key that would set the prototype of the object it is parsed into (or of its class) if the
// parsed answer were ever merged into another object.
function refusePrototypeKeys(key: string, value: unknown): unknown {
  if (
    key === '__proto__' ||
    (key === 'constructor' && typeof value === 'object' && value !== null && 'prototype' in value)
  )
    throw new DeserializationError(`the answer holds a "${key}" key`);
  return value;
}

// Only an answer that may spell such a key (escapes included) pays for the reviver.
const MAY_HOLD_PROTOTYPE_KEY = /__proto__|constructor|\\u00/;

function parseJson(text: string): unknown {
  try {
    return MAY_HOLD_PROTOTYPE_KEY.test(text)
      ? JSON.parse(text, refusePrototypeKeys)
      : JSON.parse(text);
  } catch (error) {
    if (error instanceof DeserializationError) throw error;
    throw new DeserializationError(`the answer is not JSON: ${(error as Error).message}`);
  }
}

interface Answer {
  readonly status: number;
  readonly headers: IncomingMessage['headers'];
  readonly text: string;
}

// Answers that say the node or its load balancer is unavailable, not that the request is wrong.
const RETRIED_STATUS = new Set([502, 503, 504]);

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
  const secure = url.protocol === 'https:';
  const timeoutMs = options.requestTimeoutMs ?? 10_000;
  const maxRetries = options.maxRetries ?? 2;
  const basePath = url.pathname.replace(/\/+$/, '');
  const hostname = url.hostname.replace(/^\[|\]$/g, '');
  const basic =
    url.username === '' && url.password === ''
      ? undefined
      : `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64')}`;
  const agentOptions = {
    keepAlive: true,
    keepAliveMsecs: 1000,
    maxSockets: 256,
    maxFreeSockets: 256,
    scheduling: 'lifo',
  } as const;
  const agent = secure ? new HttpsAgent(agentOptions) : new HttpAgent(agentOptions);
  const send = secure ? httpsRequest : httpRequest;
  const { aws } = options;

  // Credentials are asked for once and kept until they are within a request timeout of
  // expiring; concurrent requests share one pending ask.
  let credentials: ExpiringAwsCredentials | undefined;
  let pending: Promise<ExpiringAwsCredentials> | undefined;
  function currentCredentials(
    provider: () => Promise<ExpiringAwsCredentials>,
  ): Promise<ExpiringAwsCredentials> {
    const expiring = credentials?.expiration;
    if (
      credentials !== undefined &&
      (expiring === undefined || expiring.getTime() - Date.now() >= timeoutMs)
    )
      return Promise.resolve(credentials);
    pending ??= provider().then(
      (given) => {
        credentials = given;
        pending = undefined;
        return given;
      },
      (error: unknown) => {
        pending = undefined;
        throw error;
      },
    );
    return pending;
  }

  function exchange(
    method: string,
    path: string,
    headers: Record<string, string>,
    body: string,
  ): Promise<Answer> {
    return new Promise((resolve, reject) => {
      let request: ReturnType<typeof send>;
      try {
        request = send({
          protocol: url.protocol,
          hostname,
          port: url.port || undefined,
          path,
          method,
          agent,
          headers,
          timeout: timeoutMs,
        });
      } catch (error) {
        // A path Node refuses to send (unescaped characters): the request itself is wrong.
        reject(error);
        return;
      }
      request.setNoDelay(true);
      request.on('timeout', () =>
        request.destroy(new TimeoutError(`no answer within ${timeoutMs} ms`)),
      );
      // `on`, not `once`: a socket can fail again after the first error has settled the
      // promise, and an error event without a listener would bring the process down.
      request.on('error', (error) =>
        reject(error instanceof TimeoutError ? error : new ConnectionError(error.message)),
      );
      request.once('response', (response) => {
        response.setEncoding('utf8');
        let text = '';
        response.on('data', (chunk: string) => {
          text += chunk;
        });
        response.on('aborted', () =>
          reject(new ConnectionError('the answer broke off before its end')),
        );
        response.on('error', (error) => reject(new ConnectionError(error.message)));
        response.once('close', () => {
          if (!response.complete) reject(new ConnectionError('the connection closed mid-answer'));
        });
        response.once('end', () =>
          resolve({ status: response.statusCode ?? 0, headers: response.headers, text }),
        );
      });
      request.end(body);
    });
  }

  async function attempt(
    params: OpenSearchRequest,
    path: string,
    query: string,
    body: string,
  ): Promise<Answer> {
    const headers: Record<string, string> = {};
    if (params.body !== undefined) headers['content-type'] = 'application/json';
    headers['content-length'] = String(Buffer.byteLength(body));
    const wirePath = query === '' ? path : `${path}?${query}`;
    if (aws === undefined) {
      if (basic !== undefined) headers.authorization = basic;
      return exchange(params.method, wirePath, { ...headers, 'user-agent': 'credstack' }, body);
    }
    const signed = signOpenSearchRequest(
      { method: params.method, host: url.host, path, query, headers, body },
      {
        region: aws.region,
        service: aws.service,
        credentials: await currentCredentials(aws.credentials),
        date: new Date(),
      },
    );
    return exchange(params.method, wirePath, { ...signed, 'user-agent': 'credstack' }, body);
  }

  return {
    async request(params, requestOptions) {
      const body = params.body === undefined ? '' : JSON.stringify(params.body);
      const path = `${basePath}${params.path.startsWith('/') ? '' : '/'}${params.path}`;
      const query = queryString(params.querystring);
      const isHead = params.method === 'HEAD';
      const ignored = (status: number) =>
        requestOptions?.ignore?.includes(status) === true || (isHead && status === 404);
      for (let attempts = 0; ; attempts += 1) {
        let answer: Answer;
        try {
          answer = await attempt(params, path, query, body);
        } catch (error) {
          if (
            (error instanceof ConnectionError || error instanceof TimeoutError) &&
            attempts < maxRetries
          )
            continue;
          throw error;
        }
        const { status } = answer;
        if (RETRIED_STATUS.has(status) && !ignored(status) && attempts < maxRetries) continue;
        const json =
          !isHead &&
          answer.text !== '' &&
          /application\/(?:vnd\.opensearch\+)?json/.test(String(answer.headers['content-type']));
        const parsed: unknown = json ? parseJson(answer.text) : isHead ? status < 400 : answer.text;
        if (status >= 400 && !ignored(status)) throw new ResponseError(status, parsed);
        return { statusCode: status, body: parsed };
      }
    },
  };
}
