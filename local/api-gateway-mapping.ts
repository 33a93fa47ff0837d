import type { IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyResultV2,
  APIGatewayProxyStructuredResultV2,
} from 'aws-lambda';

/**
 * The two translations an API Gateway HTTP API (payload format 2.0) makes around a Lambda
 * proxy integration: request → event, and handler result → response. Kept apart from the
 * server so the mapping rules can be read and tested on their own.
 */

// API Gateway passes these bodies as text; anything else (images, octet streams, unknown) is
// base64-encoded with isBase64Encoded, which is what the handlers must cope with in AWS.
const TEXT_TYPES = new Set([
  'application/json',
  'application/xml',
  'application/javascript',
  'application/x-www-form-urlencoded',
  'application/jwt',
  'application/graphql',
]);

/**
 * True when a body of this content type reaches the handler as plain text.
 *
 * @example
 * isTextContentType('application/ld+json'); // true
 * isTextContentType('image/png'); // false
 */
export function isTextContentType(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const [essence = '', ...params] = contentType.toLowerCase().split(';');
  const type = essence.trim();
  if (type.startsWith('text/') || TEXT_TYPES.has(type)) return true;
  if (/\+(json|xml|jwt)$/.test(type)) return true;
  return params.some((param) => param.trim().startsWith('charset='));
}

function collectHeaders(request: IncomingMessage): {
  headers: Record<string, string>;
  cookies: string[];
} {
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  const raw = request.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = (raw[i] ?? '').toLowerCase();
    const value = raw[i + 1] ?? '';
    if (name === 'cookie') {
      for (const cookie of value.split(';')) {
        const trimmed = cookie.trim();
        if (trimmed) cookies.push(trimmed);
      }
      continue;
    }
    headers[name] = name in headers ? `${headers[name]},${value}` : value;
  }
  return { headers, cookies };
}

function queryParameters(rawQueryString: string): Record<string, string> | undefined {
  if (!rawQueryString) return undefined;
  const result: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(rawQueryString)) {
    result[key] = key in result ? `${result[key]},${value}` : value;
  }
  return result;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** The CLF-style time API Gateway puts in requestContext.time, e.g. `12/Mar/2020:19:03:58 +0000`. */
function gatewayTime(date: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return (
    `${two(date.getUTCDate())}/${MONTHS[date.getUTCMonth()]}/${date.getUTCFullYear()}:` +
    `${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())} +0000`
  );
}

/**
 * Builds the API Gateway v2 event for one request whose body has been read.
 *
 * @example
 * const event = toEvent(request, Buffer.from('{"a":1}'), 'req-1', new Date());
 */
export function toEvent(
  request: IncomingMessage,
  body: Buffer,
  requestId: string,
  now: Date,
): APIGatewayProxyEventV2 {
  const target = request.url ?? '/';
  const queryAt = target.indexOf('?');
  const rawPath = queryAt === -1 ? target : target.slice(0, queryAt);
  const rawQueryString = queryAt === -1 ? '' : target.slice(queryAt + 1);
  const { headers, cookies } = collectHeaders(request);
  const sourceIp = request.socket.remoteAddress ?? '127.0.0.1';
  headers['x-forwarded-for'] = headers['x-forwarded-for']
    ? `${headers['x-forwarded-for']}, ${sourceIp}`
    : sourceIp;
  headers['x-forwarded-proto'] = 'http';
  headers['x-forwarded-port'] = String(request.socket.localPort ?? '');
  const domainName = (headers.host ?? 'localhost').replace(/:\d+$/, '');
  const isBase64Encoded = body.length > 0 && !isTextContentType(headers['content-type']);
  const queryStringParameters = queryParameters(rawQueryString);
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString,
    ...(cookies.length > 0 ? { cookies } : {}),
    headers,
    ...(queryStringParameters ? { queryStringParameters } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName,
      domainPrefix: domainName.split('.')[0] ?? domainName,
      http: {
        method: request.method ?? 'GET',
        path: rawPath,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId,
      routeKey: '$default',
      stage: '$default',
      time: gatewayTime(now),
      timeEpoch: now.getTime(),
    },
    ...(body.length > 0
      ? { body: isBase64Encoded ? body.toString('base64') : body.toString('utf8') }
      : {}),
    isBase64Encoded,
  };
}

/** An HTTP response ready to be written. */
export interface GatewayReply {
  readonly statusCode: number;
  readonly headers: OutgoingHttpHeaders;
  readonly body: Buffer;
}

/**
 * An RFC 9457 problem+json response (the bridge's own errors: 413, 500).
 *
 * @example
 * problemReply(413, 'Payload Too Large', 'The request body exceeds 6291456 bytes.');
 */
export function problemReply(
  status: number,
  title: string,
  detail: string,
  instance = '',
): GatewayReply {
  // `instance` too: the API documents every problem with it (functions/http/problem.ts).
  const body = Buffer.from(
    JSON.stringify({ type: 'about:blank', title, status, detail, instance }),
  );
  return { statusCode: status, headers: { 'content-type': 'application/problem+json' }, body };
}

/**
 * Maps a handler result to the HTTP response API Gateway would send: a string or an object
 * without `statusCode` becomes a 200 JSON response; a structured result keeps its status,
 * headers and cookies (one set-cookie each) and has its body base64-decoded when flagged.
 *
 * @example
 * toReply({ statusCode: 201, headers: { location: '/x' }, body: '{}' });
 */
export function toReply(result: APIGatewayProxyResultV2 | undefined | null): GatewayReply {
  if (result === undefined || result === null)
    throw new TypeError('the handler returned no response');
  if (typeof result === 'string')
    return {
      statusCode: 200,
      headers: { 'content-type': 'application/json' },
      body: Buffer.from(result),
    };
  if (
    typeof result !== 'object' ||
    typeof (result as { statusCode?: unknown }).statusCode !== 'number'
  )
    return {
      statusCode: 200,
      headers: { 'content-type': 'application/json' },
      body: Buffer.from(JSON.stringify(result)),
    };
  const structured = result as APIGatewayProxyStructuredResultV2;
  const statusCode = structured.statusCode ?? 200;
  if (!Number.isInteger(statusCode) || statusCode < 100 || statusCode > 599)
    throw new TypeError(`the handler returned an invalid status code ${statusCode}`);
  const headers: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(structured.headers ?? {})) {
    headers[name.toLowerCase()] = String(value);
  }
  if (structured.cookies && structured.cookies.length > 0) {
    const existing = headers['set-cookie'];
    headers['set-cookie'] = [
      ...(existing === undefined ? [] : [String(existing)]),
      ...structured.cookies,
    ];
  }
  const text = structured.body ?? '';
  const body = structured.isBase64Encoded ? Buffer.from(text, 'base64') : Buffer.from(text);
  return { statusCode, headers, body };
}
