import { createLocalJWKSet, decodeProtectedHeader, type JSONWebKeySet, jwtVerify } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '#shared/core/clock.ts';
import { useService } from '#test/support/service-harness.ts';

/**
 * Key rotation over HTTP: credentials signed before a rotation keep verifying, new ones are
 * signed with the new key, and the DID document and JWKS publish both.
 */

// The clock is moved on before rotating, as a real rotation comes long after onboarding.
let offsetMs = 0;
const clock: Clock = { now: () => new Date(Date.now() + offsetMs) };
const service = useService({ clock });

interface KeyView {
  readonly id: string;
  readonly algorithm: string;
  readonly status: string;
}

let tokens: { admin: string; rotorAdmin: string; otherAdmin: string };
let achievementId: string;

beforeAll(async () => {
  const { call, tokens: dev } = service();
  tokens = {
    admin: await dev.sign({ sub: 'platform', roles: ['platform-admin'] }),
    rotorAdmin: await dev.sign({ sub: 'rotor-admin', roles: ['issuer-admin'], issuerId: 'rotor' }),
    otherAdmin: await dev.sign({ sub: 'other-admin', roles: ['issuer-admin'], issuerId: 'other' }),
  };
  const issuer = await call('POST', '/issuers', {
    token: tokens.admin,
    body: { id: 'rotor', name: 'Rotor Polytechnic' },
  });
  const achievement = await call('POST', '/issuers/rotor/achievements', {
    token: tokens.rotorAdmin,
    body: {
      definition: {
        name: 'Cloud Key Management',
        description: 'Rotates and retires signing keys without downtime.',
        criteria: { narrative: 'Completed the key ceremony lab.' },
      },
      proofFormat: 'vc-jwt',
      algorithm: 'ES256',
    },
  });
  expect([issuer.status, achievement.status]).toEqual([201, 201]);
  achievementId = achievement.body.id as string;
}, 60_000);

async function issue(email: string): Promise<string> {
  const response = await service().call('POST', '/credentials/issue', {
    token: tokens.rotorAdmin,
    body: {
      credential: {
        issuer: 'rotor',
        credentialSubject: { email, achievement: { id: achievementId } },
      },
    },
  });
  expect(response.status).toBe(201);
  return response.body.verifiableCredential as string;
}

async function verify(jwt: string): Promise<[boolean, boolean, unknown[]]> {
  const response = await service().call('POST', '/credentials/verify', {
    body: { verifiableCredential: jwt },
  });
  return [response.body.verified, response.body.report.issuerBinding.bound, response.body.errors];
}

function es256(keys: readonly KeyView[]): KeyView[] {
  return keys.filter((key) => key.algorithm === 'ES256');
}

describe('POST /issuers/{issuerId}/keys/ES256/rotate', () => {
  it('keeps credentials signed before the rotation verifiable and signs new ones with the new key', async () => {
    const { call } = service();
    const before = await issue('first@mail.example');
    const verifiedBefore = await verify(before);
    const oldKid = decodeProtectedHeader(before).kid;

    offsetMs += 60_000;
    const rotated = await call('POST', '/issuers/rotor/keys/ES256/rotate', {
      token: tokens.rotorAdmin,
    });
    const after = await issue('second@mail.example');
    const newKey = es256(rotated.body.keys).find((key) => key.status === 'active');
    const didDocument = await call('GET', '/issuers/rotor/did.json');
    const jwks = await call('GET', '/issuers/rotor/jwks.json');

    expect(verifiedBefore).toEqual([true, true, []]);
    expect(rotated.status).toBe(200);
    expect(
      es256(rotated.body.keys)
        .map((key) => [key.id, key.status])
        .sort(),
    ).toEqual(
      [
        [oldKid, 'retired'],
        [newKey?.id, 'active'],
      ].sort(),
    );
    expect(newKey?.id).not.toBe(oldKid);
    expect(decodeProtectedHeader(after)).toEqual({ alg: 'ES256', kid: newKey?.id, typ: 'JWT' });
    expect(await verify(before)).toEqual([true, true, []]);
    expect(await verify(after)).toEqual([true, true, []]);
    const methods = didDocument.body.verificationMethod.map((method: { id: string }) => method.id);
    expect(methods).toHaveLength(4);
    expect(methods).toEqual(expect.arrayContaining([oldKid, newKey?.id]));
    expect(didDocument.body.assertionMethod).toEqual(expect.arrayContaining([oldKid, newKey?.id]));
    const keySet = createLocalJWKSet(jwks.body as JSONWebKeySet);
    expect(
      (await jwtVerify(before, keySet, { currentDate: clock.now() })).protectedHeader.kid,
    ).toBe(oldKid);
    expect((await jwtVerify(after, keySet, { currentDate: clock.now() })).protectedHeader.kid).toBe(
      newKey?.id,
    );
  });

  it("refuses an issuer admin of another issuer, and leaves the issuer's keys as they were", async () => {
    const { call } = service();
    const keysBefore = (await call('GET', '/issuers/rotor', { token: tokens.rotorAdmin })).body
      .keys;

    offsetMs += 60_000;
    const refused = await call('POST', '/issuers/rotor/keys/ES256/rotate', {
      token: tokens.otherAdmin,
    });
    const keysAfter = (await call('GET', '/issuers/rotor', { token: tokens.rotorAdmin })).body.keys;

    expect([refused.status, refused.headers.get('content-type')]).toEqual([
      403,
      'application/problem+json',
    ]);
    expect(keysAfter).toEqual(keysBefore);
  });

  it('answers 404 for an algorithm the issuer has no keys for', async () => {
    const refused = await service().call('POST', '/issuers/rotor/keys/HS256/rotate', {
      token: tokens.rotorAdmin,
    });

    expect(refused.status).toBe(404);
  });
});
