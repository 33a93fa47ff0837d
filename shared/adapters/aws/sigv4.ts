import { createHash, createHmac, createSecretKey, type KeyObject } from 'node:crypto';

/**
 * AWS Signature Version 4 for the SDK-free clients (DynamoDB's, ../dynamodb/lite/transport.ts;
 * OpenSearch's, ../opensearch/client.ts): the request's method, path, query, signed headers and
 * body hash are hashed into a canonical request, which is signed with a key derived from the
 * secret for the day, region and service. Only what a JSON call needs: the path and query are
 * taken as given (the caller makes them canonical: `/` and empty for DynamoDB), headers are
 * single-valued.
 */

export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** Temporary credentials (the Lambda execution role's) carry a session token. */
  readonly sessionToken?: string;
}

export interface SignableRequest {
  readonly method: string;
  /** The host header's value: the endpoint's host, with its port when not the default. */
  readonly host: string;
  readonly path: string;
  /** Canonical query string (sorted, encoded); empty for DynamoDB. */
  readonly query?: string;
  /** Headers to sign besides host, x-amz-date and x-amz-security-token. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** The body's SHA-256 in hex, when the caller has it already (it also sends it as a header). */
  readonly bodyHash?: string;
}

export interface SigningScope {
  readonly region: string;
  readonly service: string;
  readonly credentials: AwsCredentials;
  /** When the request is signed; its second is what the signature covers. */
  readonly date: Date;
}

const ALGORITHM = 'AWS4-HMAC-SHA256';

export const sha256Hex = (data: string) => createHash('sha256').update(data, 'utf8').digest('hex');
const hmac = (key: string | Buffer, data: string) =>
  createHmac('sha256', key).update(data, 'utf8').digest();

/** `20150830T123600Z`: the date in the basic ISO 8601 form SigV4 uses. */
export function amzDate(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

// The signing key depends only on the secret, the day, region and service: a warm function
// signs every request of the day with one key instead of four HMACs a request. One key per
// service (a function may call DynamoDB and OpenSearch in turn); a new day or rotated
// credentials start the cache afresh. Keys are kept as KeyObjects: an HMAC keyed by a Buffer
// first probes whether the key is a KeyObject or a CryptoKey, which costs several times the
// HMAC itself, on every request.
const cachedKeys = new Map<string, KeyObject>();

function signingKey(secret: string, day: string, region: string, service: string): KeyObject {
  const id = `${secret}\n${day}\n${region}\n${service}`;
  const cached = cachedKeys.get(id);
  if (cached !== undefined) return cached;
  const key = createSecretKey(
    hmac(hmac(hmac(hmac(`AWS4${secret}`, day), region), service), 'aws4_request'),
  );
  if (cachedKeys.size >= 4) cachedKeys.clear();
  cachedKeys.set(id, key);
  return key;
}

/**
 * The headers to send with `request`: its own, plus `host`, `x-amz-date`, the session token
 * when there is one, and `authorization` signing all of them and the body.
 *
 * @example
 * const headers = signRequest(
 *   { method: 'POST', host: 'dynamodb.eu-west-1.amazonaws.com', path: '/', headers: { 'x-amz-target': 'DynamoDB_20120810.GetItem' }, body },
 *   { region: 'eu-west-1', service: 'dynamodb', credentials, date: new Date() },
 * );
 */
export function signRequest(request: SignableRequest, scope: SigningScope): Record<string, string> {
  const stamp = amzDate(scope.date);
  const day = stamp.slice(0, 8);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers))
    headers[name.toLowerCase()] = value.trim().replace(/\s+/g, ' ');
  headers.host = request.host;
  headers['x-amz-date'] = stamp;
  if (scope.credentials.sessionToken)
    headers['x-amz-security-token'] = scope.credentials.sessionToken;
  const names = Object.keys(headers).sort();
  const signedHeaders = names.join(';');
  const canonicalRequest = [
    request.method,
    request.path,
    request.query ?? '',
    ...names.map((name) => `${name}:${headers[name]}`),
    '',
    signedHeaders,
    request.bodyHash ?? sha256Hex(request.body),
  ].join('\n');
  const credentialScope = `${day}/${scope.region}/${scope.service}/aws4_request`;
  const stringToSign = [ALGORITHM, stamp, credentialScope, sha256Hex(canonicalRequest)].join('\n');
  const key = signingKey(scope.credentials.secretAccessKey, day, scope.region, scope.service);
  const signature = createHmac('sha256', key).update(stringToSign, 'utf8').digest('hex');
  headers.authorization = `${ALGORITHM} Credential=${scope.credentials.accessKeyId}/${credentialScope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
  return headers;
}
