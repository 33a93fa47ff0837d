import {
  createLocalJWKSet,
  exportJWK,
  generateKeyPair,
  type JWTPayload,
  type JWTVerifyGetKey,
  SignJWT,
} from 'jose';
import { describe, expect, it } from 'vitest';
import {
  createJwtTokenVerifier,
  principalFromClaims,
} from '#shared/adapters/oidc/token-verifier.ts';
import { fixedClock } from '#shared/core/clock.ts';
import { ServiceError } from '#shared/domain/errors.ts';

const ISSUER = 'https://idp.example/pool-1';
const AUDIENCE = 'credstack-api';
const NOW = '2026-03-01T12:00:00Z';
const NOW_SECONDS = Date.parse(NOW) / 1000;

const signing = await generateKeyPair('ES256');
const other = await generateKeyPair('ES256');
const JWKS = createLocalJWKSet({
  keys: [{ ...(await exportJWK(signing.publicKey)), kid: 'k1', alg: 'ES256' }],
});

interface TokenInput {
  readonly claims?: JWTPayload;
  readonly issuer?: string;
  readonly audience?: string | null;
  readonly subject?: string | null;
  readonly expiresAt?: number;
  readonly key?: typeof signing.privateKey;
}

async function token(input: TokenInput = {}): Promise<string> {
  const jwt = new SignJWT(input.claims ?? { 'credstack:roles': ['issuer-admin'] })
    .setProtectedHeader({ alg: 'ES256', kid: 'k1', typ: 'JWT' })
    .setIssuer(input.issuer ?? ISSUER)
    .setIssuedAt(NOW_SECONDS - 60)
    .setExpirationTime(input.expiresAt ?? NOW_SECONDS + 600);
  if (input.audience !== null) jwt.setAudience(input.audience ?? AUDIENCE);
  if (input.subject !== null) jwt.setSubject(input.subject ?? 'user-1');
  return jwt.sign(input.key ?? signing.privateKey);
}

function verifier(jwks: JWTVerifyGetKey = JWKS) {
  return createJwtTokenVerifier({
    issuer: ISSUER,
    audience: AUDIENCE,
    jwks,
    clockToleranceSeconds: 30,
    clock: fixedClock(NOW),
  });
}

async function failure(promise: Promise<unknown>): Promise<ServiceError> {
  const outcome = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(outcome).toBeInstanceOf(ServiceError);
  return outcome as ServiceError;
}

describe('createJwtTokenVerifier', () => {
  it('maps a valid token to its principal', async () => {
    const jwt = await token({
      claims: {
        'credstack:roles': ['issuer-admin', 'learner'],
        'credstack:issuer_id': 'northfield',
        'credstack:learner_id': 'l-7',
        'credstack:employer_id': 'acme',
      },
    });

    const principal = await verifier().verify(jwt);

    expect(principal).toEqual({
      subject: 'user-1',
      roles: ['issuer-admin', 'learner'],
      issuerId: 'northfield',
      learnerId: 'l-7',
      employerId: 'acme',
    });
  });

  it('reads roles from cognito:groups and drops unknown ones', async () => {
    const jwt = await token({ claims: { 'cognito:groups': ['platform-admin', 'root', 7] } });

    const principal = await verifier().verify(jwt);

    expect(principal).toEqual({ subject: 'user-1', roles: ['platform-admin'] });
  });

  it('verifies a token with no known role, as a principal without roles', async () => {
    const jwt = await token({ claims: { 'credstack:roles': ['superuser'] } });

    const principal = await verifier().verify(jwt);

    expect(principal.roles).toEqual([]);
  });

  it('accepts a Cognito access token: no aud, client_id equal to the audience', async () => {
    const jwt = await token({
      audience: null,
      claims: { client_id: AUDIENCE, token_use: 'access', 'cognito:groups': ['learner'] },
    });

    const principal = await verifier().verify(jwt);

    expect(principal.roles).toEqual(['learner']);
  });

  it('accepts a token expired by less than the clock tolerance', async () => {
    const jwt = await token({ expiresAt: NOW_SECONDS - 10 });

    const principal = await verifier().verify(jwt);

    expect(principal.subject).toBe('user-1');
  });

  it('refuses an expired token', async () => {
    const jwt = await token({ expiresAt: NOW_SECONDS - 120 });

    const error = await failure(verifier().verify(jwt));

    expect(error.code).toBe('UNAUTHENTICATED');
    expect(error.message).toBe('the token has expired');
  });

  it('refuses a token for another audience', async () => {
    const jwt = await token({ audience: 'another-api' });

    const error = await failure(verifier().verify(jwt));

    expect(error.code).toBe('UNAUTHENTICATED');
    expect(error.message).toBe('the token is not meant for this service');
  });

  it('refuses a token without aud whose client_id is another', async () => {
    const jwt = await token({ audience: null, claims: { client_id: 'other-client' } });

    const error = await failure(verifier().verify(jwt));

    expect(error.code).toBe('UNAUTHENTICATED');
    expect(error.message).toBe('the token is not meant for this service');
  });

  it('accepts any of several audiences (the API and web clients of one user pool), no other', async () => {
    const both = createJwtTokenVerifier({
      issuer: ISSUER,
      audience: [AUDIENCE, 'web-client'],
      jwks: JWKS,
      clock: fixedClock(NOW),
    });
    const web = await token({ audience: null, claims: { client_id: 'web-client' } });
    const api = await token({ audience: AUDIENCE });
    const stranger = await token({ audience: null, claims: { client_id: 'other-client' } });

    const principals = await Promise.all([both.verify(web), both.verify(api)]);
    const error = await failure(both.verify(stranger));

    expect(principals.map((principal) => principal.subject)).toEqual(['user-1', 'user-1']);
    expect(error.message).toBe('the token is not meant for this service');
  });

  it('refuses a token from another issuer', async () => {
    const jwt = await token({ issuer: 'https://evil.example' });

    const error = await failure(verifier().verify(jwt));

    expect(error.code).toBe('UNAUTHENTICATED');
    expect(error.message).toBe('the token was not issued by the accepted issuer');
  });

  it('refuses a token signed by another key under the same kid', async () => {
    const jwt = await token({ key: other.privateKey });

    const error = await failure(verifier().verify(jwt));

    expect(error.code).toBe('UNAUTHENTICATED');
    expect(error.message).toBe('the token signature does not verify');
  });

  it('refuses a token without a subject', async () => {
    const jwt = await token({ subject: null });

    const error = await failure(verifier().verify(jwt));

    expect(error.code).toBe('UNAUTHENTICATED');
    expect(error.message).toBe("the token's sub claim is missing");
  });

  it('refuses an HMAC-signed token', async () => {
    const jwt = await new SignJWT({ sub: 'user-1' })
      .setProtectedHeader({ alg: 'HS256', kid: 'k1' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setExpirationTime(NOW_SECONDS + 600)
      .sign(new Uint8Array(32).fill(1));

    const error = await failure(verifier().verify(jwt));

    expect(error.code).toBe('UNAUTHENTICATED');
    expect(error.message).toBe('the token is signed with an algorithm that is not accepted');
  });

  it('refuses text that is not a JWT, and an oversized one before parsing', async () => {
    const garbage = await failure(verifier().verify('not.a.jwt'));
    const huge = await failure(verifier().verify('a'.repeat(20_000)));

    expect(garbage.code).toBe('UNAUTHENTICATED');
    expect(garbage.message).toBe('the token is malformed');
    expect(huge.code).toBe('UNAUTHENTICATED');
    expect(huge.message).toBe('the token is malformed');
  });

  it('reports UNAVAILABLE, not UNAUTHENTICATED, when the key source fails', async () => {
    const jwt = await token();
    const down: JWTVerifyGetKey = async () => {
      throw new TypeError('fetch failed');
    };

    const error = await failure(verifier(down).verify(jwt));

    expect(error.code).toBe('UNAVAILABLE');
  });
});

describe('principalFromClaims', () => {
  it('prefers credstack:roles over cognito:groups and treats an empty scope as absent', () => {
    const principal = principalFromClaims({
      sub: 's',
      'credstack:roles': ['learner', 'learner'],
      'cognito:groups': ['platform-admin'],
      'credstack:issuer_id': '',
    });

    expect(principal).toEqual({ subject: 's', roles: ['learner'] });
  });

  it.each([
    ['credstack:tenant_id', 't'.repeat(1100)],
    ['credstack:tenant_id', 'acme#eu'],
    ['credstack:learner_id', 'ada/../grace'],
    ['credstack:employer_id', 'é'],
    ['credstack:issuer_id', 42],
  ])('refuses a token whose %s is not an id (%#)', (claim, value) => {
    let caught: unknown;
    try {
      principalFromClaims({ sub: 's', 'credstack:roles': ['employer'], [claim]: value });
    } catch (error) {
      caught = error;
    }

    expect(caught).toBeInstanceOf(ServiceError);
    expect(caught).toMatchObject({
      code: 'UNAUTHENTICATED',
      message: `the token's ${claim} claim is not a valid id`,
    });
  });

  it('keeps scope ids of the grammar: slugs, UUIDs, dotted and colon ids', () => {
    const principal = principalFromClaims({
      sub: 's',
      'credstack:roles': ['employer'],
      'credstack:employer_id': 'acme-hiring',
      'credstack:tenant_id': 'eu.west:2',
      'credstack:learner_id': '1b4e28ba-2fa1-11d2-883f-0016d3cca427',
    });

    expect(principal).toMatchObject({
      employerId: 'acme-hiring',
      tenantId: 'eu.west:2',
      learnerId: '1b4e28ba-2fa1-11d2-883f-0016d3cca427',
    });
  });
});
