import { verify as cryptoVerify, type KeyObject } from 'node:crypto';
import { CredstackError, isCredstackError } from '#shared/core/errors.ts';
import { parseJsonSafely } from '#shared/core/safe-json.ts';
import { joseToDerSignature } from '#shared/credentials/crypto/ecdsa-der.ts';

/**
 * Verification side of the VC-JWT proof format as Open Badges 3.0 defines it: a compact JWS
 * whose payload is the credential itself plus the registered claims `iss`, `jti`, `sub`,
 * `nbf`, `exp` (VCDM 2.0), or — in the older VCDM 1.1 form — a `vc` claim holding it.
 *
 * Signatures are checked with node:crypto directly and synchronously: verification
 * throughput is a product requirement, and the WebCrypto path adds a promise hop and key
 * import per call that costs more than the rest of the pipeline together.
 */

/** Algorithms a VC-JWT may use. `none` and every HMAC algorithm are refused by construction. */
export const JWT_ALGORITHMS = ['RS256', 'ES256', 'EdDSA'] as const;
export type JwtAlgorithm = (typeof JWT_ALGORITHMS)[number];

/** Registered JWT claims: they secure the credential but are not credential terms. */
export const JWT_REGISTERED_CLAIMS = ['iss', 'sub', 'aud', 'exp', 'nbf', 'iat', 'jti'] as const;

const MAX_HEADER_BYTES = 16 * 1024;
const REGISTERED_CLAIM_NAMES: ReadonlySet<string> = new Set(JWT_REGISTERED_CLAIMS);

export interface DecodedJws {
  readonly header: Record<string, unknown>;
  readonly payload: Record<string, unknown>;
  /** ASCII bytes of `header.payload`, the JWS signing input. */
  readonly signingInput: Buffer;
  readonly signature: Buffer;
}

/**
 * Decodes base64url strictly. Node's decoder skips characters outside the alphabet, so the
 * result is re-encoded and compared: any stray character, padding or non-canonical tail makes
 * the two differ. (Cheaper than a regular expression over a multi-kilobyte payload.)
 */
function decodeBase64url(segment: string, what: string): Buffer {
  const bytes = Buffer.from(segment, 'base64url');
  if (bytes.toString('base64url') !== segment) {
    throw new CredstackError('INPUT_MALFORMED', `the JWS ${what} is not base64url`);
  }
  return bytes;
}

/**
 * The same strictness for the (large) payload without re-encoding it: a skipped character
 * always shortens the output below ⌊3n/4⌋ bytes, and the characters Node also accepts
 * (`+`, `/`, `=`) are looked for directly.
 */
function decodeBase64urlPayload(segment: string): Buffer {
  const bytes = Buffer.from(segment, 'base64url');
  const exact = segment.length % 4 !== 1 && bytes.length === Math.floor((segment.length * 3) / 4);
  if (!exact || segment.includes('+') || segment.includes('/') || segment.includes('=')) {
    throw new CredstackError('INPUT_MALFORMED', 'the JWS payload is not base64url');
  }
  return bytes;
}

function decodeSegment(segment: string, what: string, maxBytes: number): Record<string, unknown> {
  if (segment.length > Math.ceil((maxBytes * 4) / 3)) {
    throw new CredstackError('INPUT_TOO_LARGE', `the JWS ${what} is larger than ${maxBytes} bytes`);
  }
  // Decoded outside the parse's try: its own errors already name the JWS part.
  const bytes =
    what === 'payload' ? decodeBase64urlPayload(segment) : decodeBase64url(segment, what);
  let value: unknown;
  try {
    // Bounded parsing: a payload nested thousands deep is refused before any walker sees it.
    value = parseJsonSafely(bytes.toString('utf8'), { maxBytes });
  } catch (error) {
    const reason = isCredstackError(error, 'INPUT_TOO_DEEP') ? 'nests too deep' : 'is not JSON';
    throw new CredstackError(
      isCredstackError(error) ? error.code : 'INPUT_MALFORMED',
      `the JWS ${what} ${reason}`,
      { cause: error },
    );
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new CredstackError('INPUT_MALFORMED', `the JWS ${what} is not a JSON object`);
  }
  return value as Record<string, unknown>;
}

/**
 * Decoded headers by their text: an issuer signs every credential with the same header, so
 * a bulk verification decodes it once. Kept headers are frozen (they are shared by every
 * caller that meets the same text) and bounded in number and size; a text decoded afresh
 * passes the same checks, and one that fails them is never kept.
 */
const headersByText = new Map<string, Record<string, unknown>>();
const MAX_HEADERS_KEPT = 256;
const MAX_HEADER_TEXT_KEPT = 2048;

function decodeHeader(segment: string): Record<string, unknown> {
  const known = headersByText.get(segment);
  if (known !== undefined) return known;
  const header = deepFreeze(decodeSegment(segment, 'header', MAX_HEADER_BYTES));
  if (segment.length <= MAX_HEADER_TEXT_KEPT) {
    if (headersByText.size >= MAX_HEADERS_KEPT) {
      const oldest = headersByText.keys().next();
      if (!oldest.done) headersByText.delete(oldest.value);
    }
    headersByText.set(segment, header);
  }
  return header;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

/**
 * Splits and decodes a compact JWS without verifying it.
 *
 * @example
 * const { header, payload } = decodeCompactJws(jwt);
 */
export function decodeCompactJws(jws: string, maxPayloadBytes = 1024 * 1024): DecodedJws {
  const first = jws.indexOf('.');
  const last = jws.lastIndexOf('.');
  if (first <= 0 || last === first || jws.indexOf('.', first + 1) !== last) {
    throw new CredstackError(
      'INPUT_MALFORMED',
      'a compact JWS has exactly three dot-separated parts',
    );
  }
  const header = decodeHeader(jws.slice(0, first));
  const payload = decodeSegment(jws.slice(first + 1, last), 'payload', maxPayloadBytes);
  return {
    header,
    payload,
    signingInput: Buffer.from(jws.slice(0, last), 'latin1'),
    signature: decodeBase64url(jws.slice(last + 1).trim(), 'signature'),
  };
}

export type HeaderCheck =
  | { readonly ok: true; readonly alg: JwtAlgorithm; readonly reason: string }
  | { readonly ok: false; readonly reason: string };

/**
 * Checks the JOSE header of a VC-JWT: an allowed asymmetric `alg`, no `crit` we do not
 * understand, and a `typ` compatible with a JWT.
 *
 * @example
 * const check = checkJwtHeader({ alg: 'ES256', kid: 'did:web:example.com#key-1', typ: 'JWT' });
 */
export function checkJwtHeader(header: Record<string, unknown>): HeaderCheck {
  // A decoded header is frozen and shared by every JWS with the same header text (see
  // decodeHeader), so its verdict cannot change and is worked out once.
  if (!Object.isFrozen(header)) return headerCheck(header);
  let check = headerChecks.get(header);
  if (check === undefined) {
    check = headerCheck(header);
    headerChecks.set(header, check);
  }
  return check;
}

const headerChecks = new WeakMap<Record<string, unknown>, HeaderCheck>();

function headerCheck(header: Record<string, unknown>): HeaderCheck {
  const alg = header.alg;
  if (typeof alg !== 'string') return { ok: false, reason: 'the JWS header has no alg' };
  if (alg.toLowerCase() === 'none') {
    return { ok: false, reason: 'alg "none" means the credential is unsigned; it is refused' };
  }
  if (/^HS/i.test(alg)) {
    return {
      ok: false,
      reason: `alg "${alg}" is a shared-secret MAC: an issuer signature needs an asymmetric algorithm`,
    };
  }
  if (!(JWT_ALGORITHMS as readonly string[]).includes(alg)) {
    return { ok: false, reason: `alg "${alg}" is not one of ${JWT_ALGORITHMS.join(', ')}` };
  }
  if (header.crit !== undefined) {
    return {
      ok: false,
      reason: 'the JWS header has critical extensions (crit) this verifier does not implement',
    };
  }
  const typ = header.typ;
  if (
    typ !== undefined &&
    typeof typ === 'string' &&
    !/^(JWT|vc\+jwt|vc\+ld\+json\+jwt)$/i.test(typ)
  ) {
    return { ok: false, reason: `typ "${typ}" is not a JWT type` };
  }
  if (header.kid === undefined && header.jwk === undefined) {
    return { ok: false, reason: 'the JWS header names no key: it has neither kid nor jwk' };
  }
  return { ok: true, alg: alg as JwtAlgorithm, reason: `alg ${alg}` };
}

/**
 * Why a key cannot be used with an algorithm, or undefined when it can. Binding the key type
 * to the algorithm is what stops algorithm-confusion attacks (a public key used as an HMAC
 * secret, an RSA key offered for ES256).
 */
export function keyAlgorithmMismatch(key: KeyObject, alg: JwtAlgorithm): string | undefined {
  // Reading a KeyObject's details crosses into native code; keys are long-lived and shared
  // by many credentials, so the answer is remembered per key and algorithm.
  let answers = mismatchCache.get(key);
  if (answers === undefined) {
    answers = new Map();
    mismatchCache.set(key, answers);
  }
  if (!answers.has(alg)) answers.set(alg, computeMismatch(key, alg));
  return answers.get(alg);
}

const mismatchCache = new WeakMap<KeyObject, Map<JwtAlgorithm, string | undefined>>();

function computeMismatch(key: KeyObject, alg: JwtAlgorithm): string | undefined {
  const type = key.asymmetricKeyType;
  if (alg === 'ES256') {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    if (type !== 'ec' || curve !== 'prime256v1')
      return `ES256 needs a P-256 key, not ${type}${curve ? ` ${curve}` : ''}`;
  } else if (alg === 'RS256') {
    if (type !== 'rsa') return `RS256 needs an RSA key, not ${type}`;
    if ((key.asymmetricKeyDetails?.modulusLength ?? 0) < 2048)
      return 'RS256 keys must be at least 2048 bits';
  } else if (type !== 'ed25519') {
    return `EdDSA needs an Ed25519 key, not ${type}`;
  }
  return undefined;
}

/**
 * Verifies the JWS signature with `key`; false for any mismatch, never throws for bad input.
 *
 * @example
 * const ok = verifyJwsSignature(decodeCompactJws(jwt), 'ES256', publicKey);
 */
export function verifyJwsSignature(jws: DecodedJws, alg: JwtAlgorithm, key: KeyObject): boolean {
  if (keyAlgorithmMismatch(key, alg) !== undefined) return false;
  try {
    if (alg === 'ES256') {
      if (jws.signature.length !== 64) return false;
      // The JOSE r‖s signature goes to OpenSSL as the equivalent DER (the conversion node
      // does itself for dsaEncoding 'ieee-p1363'): a bare KeyObject skips the option-object
      // key preparation, which costs about a third of a P-256 verification.
      return cryptoVerify('sha256', jws.signingInput, key, joseToDerSignature(jws.signature));
    }
    if (alg === 'RS256') return cryptoVerify('sha256', jws.signingInput, key, jws.signature);
    return cryptoVerify(null, jws.signingInput, key, jws.signature);
  } catch {
    // OpenSSL rejects some malformed signatures by throwing rather than returning false.
    return false;
  }
}

export interface JwtCredential {
  readonly credential: Record<string, unknown>;
  /** `vcdm2`: the payload is the credential; `vcdm1`: the credential sits in the `vc` claim. */
  readonly form: 'vcdm2' | 'vcdm1';
}

/**
 * Takes the credential out of a VC-JWT payload, dropping the registered JWT claims that
 * travel beside it in the VCDM 2.0 form.
 *
 * @example
 * const { credential, form } = credentialFromJwtPayload(payload);
 */
export function credentialFromJwtPayload(payload: Record<string, unknown>): JwtCredential {
  const vc = payload.vc;
  if (
    typeof vc === 'object' &&
    vc !== null &&
    !Array.isArray(vc) &&
    payload['@context'] === undefined
  ) {
    return { credential: vc as Record<string, unknown>, form: 'vcdm1' };
  }
  const credential: Record<string, unknown> = {};
  for (const name of Object.keys(payload)) {
    if (!REGISTERED_CLAIM_NAMES.has(name)) credential[name] = payload[name];
  }
  return { credential, form: 'vcdm2' };
}

function idOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const id = (value as { id?: unknown }).id;
    return typeof id === 'string' ? id : undefined;
  }
  return undefined;
}

function seconds(date: unknown): number | undefined {
  if (typeof date !== 'string') return undefined;
  const ms = Date.parse(date);
  return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000);
}

export interface ClaimsCheck {
  readonly ok: boolean;
  readonly problems: readonly string[];
  /** Registered claims the JWT carries, for the report. */
  readonly present: readonly string[];
}

/**
 * Checks that the registered claims agree with the credential they secure: `iss` with the
 * issuer id, `jti` with the credential id, `sub` with the subject id, `nbf` with
 * validFrom (issuanceDate in VCDM 1.1), `exp` with validUntil (expirationDate). A claim that
 * is absent is not a disagreement; one that is present must match exactly (to the second).
 *
 * @example
 * const { ok, problems } = checkJwtClaims(payload, credential);
 */
export function checkJwtClaims(
  payload: Record<string, unknown>,
  credential: Record<string, unknown>,
): ClaimsCheck {
  const problems: string[] = [];
  const present = JWT_REGISTERED_CLAIMS.filter((claim) => payload[claim] !== undefined);
  const expectString = (claim: string, expected: string | undefined, what: string): void => {
    const actual = payload[claim];
    if (actual === undefined) return;
    if (typeof actual !== 'string') problems.push(`${claim} must be a string`);
    else if (expected === undefined)
      problems.push(`${claim} is "${actual}" but the credential has no ${what}`);
    else if (actual !== expected)
      problems.push(`${claim} is "${actual}" but the ${what} is "${expected}"`);
  };
  const expectTime = (claim: string, expected: number | undefined, what: string): void => {
    const actual = payload[claim];
    if (actual === undefined) return;
    if (typeof actual !== 'number' || !Number.isFinite(actual))
      problems.push(`${claim} must be a NumericDate`);
    else if (expected === undefined)
      problems.push(`${claim} is set but the credential has no ${what}`);
    else if (Math.floor(actual) !== expected) {
      problems.push(
        `${claim} is ${new Date(actual * 1000).toISOString()} but the ${what} is ${new Date(expected * 1000).toISOString()}`,
      );
    }
  };
  expectString('iss', idOf(credential.issuer), 'issuer id');
  expectString(
    'jti',
    typeof credential.id === 'string' ? credential.id : undefined,
    'credential id',
  );
  const subject = Array.isArray(credential.credentialSubject)
    ? credential.credentialSubject[0]
    : credential.credentialSubject;
  expectString('sub', idOf(subject), 'credentialSubject id');
  expectTime('nbf', seconds(credential.validFrom ?? credential.issuanceDate), 'validFrom');
  expectTime('exp', seconds(credential.validUntil ?? credential.expirationDate), 'validUntil');
  return { ok: problems.length === 0, problems, present };
}
