import { randomInt } from 'node:crypto';
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';
import { type AwsCredentials, signRequest } from '#shared/adapters/aws/sigv4.ts';

/**
 * DynamoDB's JSON 1.0 protocol over node:https, without the AWS SDK: every operation is a POST
 * to `/` with `X-Amz-Target: DynamoDB_20120810.<Operation>` and a JSON body, signed with
 * Signature V4. It exists for the Lambda functions' cold start: the SDK's client and core weigh
 * about 180–220 KB in every bundle and its first call builds endpoint rules, a credential chain
 * and a middleware stack; this weighs a few KB and its first call signs and sends.
 *
 * It behaves as the SDK does where the stores can tell: failures carry the SDK's error names
 * (`ConditionalCheckFailedException`, `TransactionCanceledException` with its
 * `CancellationReasons`, …), `$fault` and `$metadata.httpStatusCode`; throttling, 5xx answers
 * and dropped connections are retried with full-jitter exponential backoff, 3 attempts in all
 * (or AWS_MAX_ATTEMPTS), the SDK's default; any other failure, a failed condition above all,
 * is thrown at once and never sent again.
 */

/** Where and as whom the client calls DynamoDB; each field defaults to the Lambda environment. */
export interface LiteDynamoDbOptions {
  /** Default AWS_REGION (then AWS_DEFAULT_REGION). */
  readonly region?: string;
  /**
   * Default AWS_ENDPOINT_URL_DYNAMODB, then AWS_ENDPOINT_URL (DynamoDB Local, as the SDK reads
   * them), else `https://dynamodb.<region>.amazonaws.com`.
   */
  readonly endpoint?: string;
  /** Default AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN. */
  readonly credentials?: AwsCredentials;
  /** Attempts in all, the first included; default AWS_MAX_ATTEMPTS, else 3. */
  readonly maxAttempts?: number;
  /** Backoff base in ms for 5xx and network errors (default 100); each wait is drawn in [0, base·2ⁿ]. */
  readonly baseDelayMs?: number;
  /** Backoff base in ms for throttling (default 500). */
  readonly throttlingBaseDelayMs?: number;
  /** Gives up on a request without an answer after this long (a TimeoutError, retried); default none. */
  readonly requestTimeoutMs?: number;
}

/** A failure DynamoDB answered with, shaped as the SDK's service exceptions. */
export class DynamoDbServiceError extends Error {
  readonly $fault: 'client' | 'server';
  readonly $metadata: {
    readonly httpStatusCode: number;
    readonly requestId?: string;
    readonly attempts: number;
    readonly totalRetryDelay: number;
  };
  /** The rest of the error body (`CancellationReasons`, `Item`, …), as DynamoDB sent it. */
  [member: string]: unknown;

  constructor(
    name: string,
    message: string,
    fields: {
      readonly status: number;
      readonly requestId: string | undefined;
      readonly attempts: number;
      readonly totalRetryDelay: number;
      readonly body: Readonly<Record<string, unknown>>;
    },
  ) {
    super(message);
    for (const [key, value] of Object.entries(fields.body))
      if (!(key in this) && key !== '__type') this[key] = value;
    this.name = name;
    this.$fault = fields.status >= 500 ? 'server' : 'client';
    this.$metadata = {
      httpStatusCode: fields.status,
      ...(fields.requestId === undefined ? {} : { requestId: fields.requestId }),
      attempts: fields.attempts,
      totalRetryDelay: fields.totalRetryDelay,
    };
  }
}

// Error names the SDK's standard retry strategy treats as throttling.
const THROTTLING = new Set([
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'RequestThrottledException',
  'TooManyRequestsException',
  'ProvisionedThroughputExceededException',
  'TransactionInProgressException',
  'RequestLimitExceeded',
  'BandwidthLimitExceeded',
  'LimitExceededException',
  'RequestThrottled',
  'SlowDown',
]);
// Answers and socket failures that say nothing about the request itself: send it again.
const TRANSIENT_STATUS = new Set([500, 502, 503, 504]);
const TRANSIENT_NAMES = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException']);
const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT']);

type Retry = 'throttling' | 'transient' | undefined;

function retryOf(error: unknown): Retry {
  if (!(error instanceof Error)) return undefined;
  if (error instanceof DynamoDbServiceError) {
    const status = error.$metadata.httpStatusCode;
    if (THROTTLING.has(error.name) || status === 429) return 'throttling';
    if (TRANSIENT_NAMES.has(error.name) || TRANSIENT_STATUS.has(status)) return 'transient';
    return undefined;
  }
  const { code } = error as { code?: unknown };
  if (TRANSIENT_NAMES.has(error.name) || (typeof code === 'string' && NETWORK_CODES.has(code)))
    return 'transient';
  // A connection tried on every address of a host fails as one AggregateError of them.
  if (error instanceof AggregateError && error.errors.some((inner) => retryOf(inner)))
    return 'transient';
  return undefined;
}

// Binary attribute values (B, BS) travel as base64 in the JSON protocol and are Uint8Arrays
// in items, as the SDK gives them.
function binaryToBase64(this: unknown, key: string, value: unknown): unknown {
  const raw = (this as Record<string, unknown>)[key];
  return raw instanceof Uint8Array
    ? Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('base64')
    : value;
}

const fromBase64 = (text: string): Uint8Array => {
  const bytes = Buffer.from(text, 'base64');
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
};

function base64ToBinary(key: string, value: unknown): unknown {
  if (key === 'B' && typeof value === 'string') return fromBase64(value);
  if (key === 'BS' && Array.isArray(value) && value.every((entry) => typeof entry === 'string'))
    return value.map(fromBase64);
  return value;
}

// Only an answer that names a B or BS member needs the reviver (it slows every parse).
const MAY_HOLD_BINARY = /"BS?":/;

interface RawAnswer {
  readonly status: number;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

function credentialsFromEnvironment(): AwsCredentials {
  const { AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN } = process.env;
  if (!AWS_ACCESS_KEY_ID || !AWS_SECRET_ACCESS_KEY)
    throw Object.assign(
      new Error('no AWS credentials in the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY)'),
      { name: 'CredentialsProviderError' },
    );
  return {
    accessKeyId: AWS_ACCESS_KEY_ID,
    secretAccessKey: AWS_SECRET_ACCESS_KEY,
    ...(AWS_SESSION_TOKEN ? { sessionToken: AWS_SESSION_TOKEN } : {}),
  };
}

/** The JSON 1.0 operations of one DynamoDB endpoint. */
export interface DynamoDbTransport {
  /** Sends `operation` with `input` (wire-format JSON), retried as the SDK would; its answer. */
  call(operation: string, input: object): Promise<Record<string, unknown>>;
  /** Closes the kept-alive connections. */
  destroy(): void;
}

/**
 * The SDK-free client's transport: one keep-alive agent, requests signed per attempt.
 *
 * @example
 * const dynamodb = dynamoDbTransport();
 * await dynamodb.call('DescribeTable', { TableName: 'credstack' });
 */
export function dynamoDbTransport(options: LiteDynamoDbOptions = {}): DynamoDbTransport {
  const region = options.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  const endpoint = new URL(
    options.endpoint ??
      process.env.AWS_ENDPOINT_URL_DYNAMODB ??
      process.env.AWS_ENDPOINT_URL ??
      `https://dynamodb.${region ?? 'unset'}.amazonaws.com`,
  );
  const secure = endpoint.protocol === 'https:';
  if (!secure && endpoint.protocol !== 'http:')
    throw new TypeError(`the DynamoDB endpoint must be http(s): ${endpoint.href}`);
  const maxAttempts = Math.max(
    1,
    options.maxAttempts ?? (Number(process.env.AWS_MAX_ATTEMPTS) || 3),
  );
  const base = options.baseDelayMs ?? 100;
  const throttlingBase = options.throttlingBaseDelayMs ?? 500;
  // As the SDK's Node handler: connections kept alive, at most 50 at once.
  const agent = secure
    ? new HttpsAgent({ keepAlive: true, maxSockets: 50 })
    : new HttpAgent({ keepAlive: true, maxSockets: 50 });
  const send = secure ? httpsRequest : httpRequest;

  function post(headers: Record<string, string>, body: string): Promise<RawAnswer> {
    return new Promise((resolve, reject) => {
      const request = send(
        {
          protocol: endpoint.protocol,
          hostname: endpoint.hostname.replace(/^\[|\]$/g, ''),
          port: endpoint.port || undefined,
          path: '/',
          method: 'POST',
          agent,
          headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.once('error', reject);
          response.once('end', () =>
            resolve({
              status: response.statusCode ?? 0,
              headers: response.headers,
              body: Buffer.concat(chunks).toString('utf8'),
            }),
          );
        },
      );
      request.once('error', reject);
      if (options.requestTimeoutMs !== undefined)
        request.setTimeout(options.requestTimeoutMs, () =>
          request.destroy(
            Object.assign(new Error(`no answer from DynamoDB in ${options.requestTimeoutMs} ms`), {
              name: 'TimeoutError',
            }),
          ),
        );
      request.end(body);
    });
  }

  async function attempt(
    operation: string,
    body: string,
    attempts: number,
    totalRetryDelay: number,
  ): Promise<Record<string, unknown>> {
    if (region === undefined)
      throw new Error('no AWS region: set AWS_REGION (the Lambda runtime always does)');
    const headers = signRequest(
      {
        method: 'POST',
        host: endpoint.host,
        path: '/',
        headers: {
          'content-type': 'application/x-amz-json-1.0',
          'x-amz-target': `DynamoDB_20120810.${operation}`,
        },
        body,
      },
      {
        region,
        service: 'dynamodb',
        credentials: options.credentials ?? credentialsFromEnvironment(),
        date: new Date(),
      },
    );
    const answer = await post(headers, body);
    let parsed: Record<string, unknown> = {};
    try {
      if (answer.body !== '')
        parsed = (
          MAY_HOLD_BINARY.test(answer.body)
            ? JSON.parse(answer.body, base64ToBinary)
            : JSON.parse(answer.body)
        ) as Record<string, unknown>;
    } catch {
      // A proxy's HTML error page: the status still tells what happened.
      if (answer.status < 300)
        throw new Error(`DynamoDB answered ${operation} with a body that is not JSON`);
    }
    if (answer.status >= 200 && answer.status < 300) return parsed;
    const type =
      (typeof parsed.__type === 'string' ? parsed.__type : undefined) ??
      String(answer.headers['x-amzn-errortype'] ?? '').split(':')[0];
    const name = type?.slice(type.lastIndexOf('#') + 1) || 'UnknownError';
    const message =
      (typeof parsed.message === 'string' ? parsed.message : undefined) ??
      (typeof parsed.Message === 'string' ? parsed.Message : undefined) ??
      `DynamoDB answered ${operation} with HTTP ${answer.status}`;
    const requestId = answer.headers['x-amzn-requestid'];
    throw new DynamoDbServiceError(name, message, {
      status: answer.status,
      requestId: typeof requestId === 'string' ? requestId : undefined,
      attempts,
      totalRetryDelay,
      body: parsed,
    });
  }

  return {
    async call(operation, input) {
      const body = JSON.stringify(input, binaryToBase64);
      let totalRetryDelay = 0;
      for (let attempts = 1; ; attempts += 1) {
        try {
          return await attempt(operation, body, attempts, totalRetryDelay);
        } catch (error) {
          const retry = retryOf(error);
          if (retry === undefined || attempts >= maxAttempts) throw error;
          const ceiling = (retry === 'throttling' ? throttlingBase : base) * 2 ** (attempts - 1);
          const delay = randomInt(Math.min(20_000, ceiling) + 1);
          totalRetryDelay += delay;
          await sleep(delay);
        }
      }
    },
    destroy() {
      agent.destroy();
    },
  };
}
