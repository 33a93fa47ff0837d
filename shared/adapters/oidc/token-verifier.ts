import { type JWTPayload, type JWTVerifyGetKey, errors as joseErrors, jwtVerify } from 'jose';
import { type Clock, systemClock } from '#shared/core/clock.ts';
import { ServiceError } from '#shared/domain/errors.ts';
import { isId } from '#shared/domain/ids.ts';
import { type Principal, ROLES, type Role } from '#shared/domain/principal.ts';

/**
 * Bearer tokens → principals. The HTTP layer depends on the {@link TokenVerifier} port only;
 * the JWT implementation checks signature, issuer, audience and lifetime against the
 * identity provider's JWKS, then reads credstack's role and scope claims.
 */

/** Turns a bearer token into the principal it speaks for, or throws ServiceError. */
export interface TokenVerifier {
  verify(token: string): Promise<Principal>;
}

export interface JwtTokenVerifierOptions {
  /** Expected `iss`. */
  readonly issuer: string;
  /**
   * Expected `aud` (or, for Cognito access tokens that carry no `aud`, `client_id`); a list
   * accepts any of them (the API client and the web app's client of one user pool).
   */
  readonly audience: string | readonly string[];
  /** Key source: jose `createRemoteJWKSet(url)` or `createLocalJWKSet(jwks)`. */
  readonly jwks: JWTVerifyGetKey;
  /** Leeway for `exp`/`nbf`/`iat`, in seconds (default 30). */
  readonly clockToleranceSeconds?: number;
  /** Accepted `alg` values (default: asymmetric signatures only). */
  readonly algorithms?: readonly string[];
  readonly clock?: Clock;
}

// Asymmetric only: an HMAC alg would let anyone holding a public key forge tokens with it.
const DEFAULT_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
] as const;

/** Longer than any token an identity provider issues; refuses junk before any parsing. */
const MAX_TOKEN_LENGTH = 16 * 1024;

const KNOWN_ROLES: ReadonlySet<string> = new Set(ROLES);

function unauthenticated(reason: string, cause?: unknown): ServiceError {
  return new ServiceError('UNAUTHENTICATED', reason, cause === undefined ? undefined : { cause });
}

function claimReason(error: InstanceType<typeof joseErrors.JWTClaimValidationFailed>): string {
  switch (error.claim) {
    case 'iss':
      return 'the token was not issued by the accepted issuer';
    case 'aud':
      return 'the token is not meant for this service';
    case 'nbf':
      return 'the token is not valid yet';
    case 'iat':
      return 'the token was issued in the future';
    default:
      return `the token's ${error.claim} claim is ${error.reason}`;
  }
}

/** Maps a jose failure to the ServiceError the caller sees. */
function toServiceError(error: unknown): ServiceError {
  if (error instanceof ServiceError) return error;
  if (error instanceof joseErrors.JWKSTimeout)
    return new ServiceError('UNAVAILABLE', 'the token signing keys could not be fetched', {
      cause: error,
    });
  if (error instanceof joseErrors.JWTExpired)
    return unauthenticated('the token has expired', error);
  if (error instanceof joseErrors.JWTClaimValidationFailed)
    return unauthenticated(claimReason(error), error);
  if (error instanceof joseErrors.JWSSignatureVerificationFailed)
    return unauthenticated('the token signature does not verify', error);
  if (error instanceof joseErrors.JWKSNoMatchingKey)
    return unauthenticated('the token was signed with an unknown key', error);
  if (error instanceof joseErrors.JOSEAlgNotAllowed)
    return unauthenticated('the token is signed with an algorithm that is not accepted', error);
  if (error instanceof joseErrors.JOSEError)
    return unauthenticated('the token is malformed', error);
  // Not a verdict on the token: the key source failed (network, JWKS endpoint down).
  return new ServiceError('UNAVAILABLE', 'the token signing keys could not be fetched', {
    cause: error,
  });
}

function optionalString(payload: JWTPayload, claim: string): string | undefined {
  const value = payload[claim];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * A scope claim (issuer, learner, employer, tenant): an id by the service's grammar, since it
 * keys the table (a tenant's search partition, a learner's items). A token whose scope is not
 * one is refused outright (401 invalid_token) rather than trusted halfway: its holder could
 * otherwise be accepted and make a later step — a store write, the search indexer — fail.
 */
function scopeId(payload: JWTPayload, claim: string): string | undefined {
  const value = payload[claim];
  // An empty claim is an absent scope, as identity providers send unset attributes.
  if (value === undefined || value === '') return undefined;
  if (!isId(value)) throw unauthenticated(`the token's ${claim} claim is not a valid id`);
  return value;
}

/** More DIDs than any account links; a longer claim is cut rather than refused. */
const MAX_LINKED_DIDS = 50;
const MAX_DID_LENGTH = 2048;

function verifiedEmailOf(payload: JWTPayload): string | undefined {
  // Some providers (Cognito among them) send the flag as the string "true".
  const verified = payload.email_verified === true || payload.email_verified === 'true';
  return verified ? optionalString(payload, 'email') : undefined;
}

function didsOf(payload: JWTPayload): readonly string[] | undefined {
  const claimed = payload['credstack:dids'];
  if (!Array.isArray(claimed)) return undefined;
  const dids = claimed
    .filter(
      (value): value is string =>
        typeof value === 'string' && value !== '' && value.length <= MAX_DID_LENGTH,
    )
    .slice(0, MAX_LINKED_DIDS);
  return dids.length === 0 ? undefined : [...new Set(dids)];
}

function rolesOf(payload: JWTPayload): readonly Role[] {
  const claimed = payload['credstack:roles'] ?? payload['cognito:groups'];
  if (!Array.isArray(claimed)) return [];
  const roles = new Set<Role>();
  for (const value of claimed)
    if (typeof value === 'string' && KNOWN_ROLES.has(value)) roles.add(value as Role);
  return [...roles];
}

function audienceMatches(payload: JWTPayload, accepted: readonly string[]): boolean {
  const { aud } = payload;
  if (aud === undefined)
    return typeof payload.client_id === 'string' && accepted.includes(payload.client_id);
  return Array.isArray(aud)
    ? aud.some((audience) => accepted.includes(audience))
    : accepted.includes(aud);
}

/**
 * Maps verified claims to a principal: `sub`, roles from `credstack:roles` (else
 * `cognito:groups`; unknown roles dropped) and the `credstack:issuer_id`, `learner_id`,
 * `employer_id` and `tenant_id` scopes, the email when `email_verified` is true, and the DIDs
 * the provider linked to the account (`credstack:dids`).
 *
 * @example
 * principalFromClaims({ sub: 'u1', 'credstack:roles': ['learner'], 'credstack:learner_id': 'l1' });
 */
export function principalFromClaims(payload: JWTPayload): Principal {
  const subject = optionalString(payload, 'sub');
  if (subject === undefined) throw unauthenticated('the token names no subject');
  const issuerId = scopeId(payload, 'credstack:issuer_id');
  const learnerId = scopeId(payload, 'credstack:learner_id');
  const employerId = scopeId(payload, 'credstack:employer_id');
  const tenantId = scopeId(payload, 'credstack:tenant_id');
  const verifiedEmail = verifiedEmailOf(payload);
  const dids = didsOf(payload);
  return {
    subject,
    roles: rolesOf(payload),
    ...(issuerId === undefined ? {} : { issuerId }),
    ...(learnerId === undefined ? {} : { learnerId }),
    ...(employerId === undefined ? {} : { employerId }),
    ...(tenantId === undefined ? {} : { tenantId }),
    ...(verifiedEmail === undefined ? {} : { verifiedEmail }),
    ...(dids === undefined ? {} : { dids }),
  };
}

/**
 * A verifier of the identity provider's JWT access tokens. A token with no known role still
 * verifies (roles `[]`); the route's role check refuses it with 403.
 *
 * @example
 * const verifier = createJwtTokenVerifier({
 *   issuer: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc',
 *   audience: 'client-id',
 *   jwks: createRemoteJWKSet(new URL('https://cognito-idp.…/.well-known/jwks.json')),
 * });
 * const principal = await verifier.verify(token);
 */
export function createJwtTokenVerifier(options: JwtTokenVerifierOptions): TokenVerifier {
  const clock = options.clock ?? systemClock;
  const algorithms = [...(options.algorithms ?? DEFAULT_ALGORITHMS)];
  const clockTolerance = options.clockToleranceSeconds ?? 30;
  const audiences: readonly string[] =
    typeof options.audience === 'string' ? [options.audience] : [...options.audience];
  return {
    async verify(token) {
      if (token === '' || token.length > MAX_TOKEN_LENGTH)
        throw unauthenticated('the token is malformed');
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, options.jwks, {
          issuer: options.issuer,
          algorithms,
          clockTolerance,
          currentDate: clock.now(),
          requiredClaims: ['exp', 'sub'],
        }));
      } catch (error) {
        throw toServiceError(error);
      }
      // Checked here rather than by jose: Cognito access tokens carry client_id, not aud.
      if (!audienceMatches(payload, audiences))
        throw unauthenticated('the token is not meant for this service');
      return principalFromClaims(payload);
    },
  };
}
