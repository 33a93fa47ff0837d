import { CredstackError } from '#shared/core/errors.ts';
import type { Signer, SigningAlgorithm } from '#shared/credentials/crypto/signer.ts';

/**
 * Signing side of the VC-JWT proof format as Open Badges 3.0 §8.2 ("JSON Web Token Proof
 * Format") defines it for VCDM 2.0: the JWT payload is the credential itself — not wrapped in
 * a `vc` claim — plus registered claims copied from it (`iss` = issuer.id, `jti` = id,
 * `sub` = credentialSubject.id, `nbf` = validFrom, `exp` = validUntil). The spec defines no
 * `iat`, and its JOSE header allows only `alg`, `kid`/`jwk` and `typ: "JWT"`.
 */

/** Registered claim names; a credential that already carries one cannot be signed as is. */
const REGISTERED_CLAIMS = ['iss', 'sub', 'aud', 'exp', 'nbf', 'iat', 'jti'] as const;

// XML Schema dateTimeStamp: VCDM 2.0 requires the time zone, and NumericDate needs it too.
const DATE_TIME_STAMP = /^-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/;

/** Signature lengths per algorithm; a Signer that returns anything else is broken. */
const SIGNATURE_BYTES: Record<SigningAlgorithm, (length: number) => boolean> = {
  ES256: (length) => length === 64,
  EdDSA: (length) => length === 64,
  RS256: (length) => length >= 256,
};

export interface VcJwtSignOptions {
  /** The JOSE `kid`: a URL or DID URL that dereferences to the public JWK. */
  readonly kid: string;
}

function invalid(message: string): never {
  throw new CredstackError('BUILD_INVALID', `cannot sign the credential as a VC-JWT: ${message}`);
}

function nonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

function issuerId(issuer: unknown): string {
  if (nonEmptyString(issuer)) return issuer;
  if (typeof issuer === 'object' && issuer !== null && !Array.isArray(issuer)) {
    const id = (issuer as { id?: unknown }).id;
    if (nonEmptyString(id)) return id;
  }
  return invalid('the credential has no issuer id (issuer or issuer.id)');
}

/** The subject id, or undefined when the subject is identified otherwise (OB `identifier`). */
function subjectId(subject: unknown): string | undefined {
  const single = Array.isArray(subject) && subject.length === 1 ? subject[0] : subject;
  if (typeof single !== 'object' || single === null || Array.isArray(single)) return undefined;
  const id = (single as { id?: unknown }).id;
  if (id === undefined) return undefined;
  if (!nonEmptyString(id)) invalid('credentialSubject.id is not a non-empty string');
  return id;
}

function numericDate(value: unknown, name: string): number {
  if (typeof value !== 'string' || !DATE_TIME_STAMP.test(value)) {
    invalid(`${name} is not a date-time with a time zone`);
  }
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) invalid(`${name} "${value}" is not a valid date-time`);
  // Whole seconds: the verifier compares NumericDates with the credential to the second.
  return Math.floor(ms / 1000);
}

/**
 * The JWT claims set of a VC-JWT: the credential's own members followed by the registered
 * claims derived from it. Throws `BUILD_INVALID` when the issuer id, the credential id or
 * validFrom is missing, a date is malformed, validUntil precedes validFrom, or the credential
 * already has a member named like a registered claim.
 *
 * @example
 * const payload = vcJwtPayload(credential); // { '@context': [...], ..., iss, jti, sub, nbf }
 */
export function vcJwtPayload(credential: Record<string, unknown>): Record<string, unknown> {
  const clashes = REGISTERED_CLAIMS.filter((claim) => Object.hasOwn(credential, claim));
  if (clashes.length > 0) {
    invalid(`the credential has members named like JWT claims: ${clashes.join(', ')}`);
  }
  if (Object.hasOwn(credential, 'vc')) invalid('the credential has a "vc" member (VCDM 1.1 form)');
  const iss = issuerId(credential.issuer);
  if (!nonEmptyString(credential.id)) invalid('the credential has no id (needed for jti)');
  const nbf = numericDate(credential.validFrom, 'validFrom');
  const sub = subjectId(credential.credentialSubject);
  const payload: Record<string, unknown> = { ...credential, iss, jti: credential.id };
  if (sub !== undefined) payload.sub = sub;
  payload.nbf = nbf;
  if (credential.validUntil !== undefined) {
    const exp = numericDate(credential.validUntil, 'validUntil');
    if (exp < nbf) invalid('validUntil is before validFrom');
    payload.exp = exp;
  }
  return payload;
}

function base64url(json: unknown): string {
  return Buffer.from(JSON.stringify(json), 'utf8').toString('base64url');
}

/**
 * Signs `credential` as an Open Badges 3.0 VC-JWT and returns the compact JWS. The header is
 * `{ alg, kid, typ: 'JWT' }` with `alg` taken from the signer.
 *
 * @example
 * const jwt = await signVcJwt(credential, signer, { kid: 'https://issuer.example/keys#key-1' });
 */
export async function signVcJwt(
  credential: Record<string, unknown>,
  signer: Signer,
  options: VcJwtSignOptions,
): Promise<string> {
  if (!nonEmptyString(options.kid)) invalid('the kid is empty');
  if (!Object.hasOwn(SIGNATURE_BYTES, signer.algorithm)) {
    throw new CredstackError('KEY_UNSUPPORTED', `VC-JWT cannot use alg ${signer.algorithm}`);
  }
  const header = { alg: signer.algorithm, kid: options.kid, typ: 'JWT' };
  let encodedPayload: string;
  try {
    encodedPayload = base64url(vcJwtPayload(credential));
  } catch (error) {
    if (error instanceof CredstackError) throw error;
    // JSON.stringify throws for cycles and BigInt values.
    throw new CredstackError('BUILD_INVALID', 'the credential cannot be serialized as JSON', {
      cause: error,
    });
  }
  const signingInput = `${base64url(header)}.${encodedPayload}`;
  const signature = await signer.sign(Buffer.from(signingInput, 'ascii'));
  if (!SIGNATURE_BYTES[signer.algorithm](signature.length)) {
    throw new CredstackError(
      'SIGNING_FAILED',
      `the ${signer.algorithm} signer returned a ${signature.length}-byte signature`,
    );
  }
  return `${signingInput}.${Buffer.from(signature).toString('base64url')}`;
}
