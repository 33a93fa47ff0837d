import { createHmac, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { CompactSign } from 'jose';
import { describe, expect, it } from 'vitest';
import {
  checkJwtClaims,
  checkJwtHeader,
  credentialFromJwtPayload,
  decodeCompactJws,
  keyAlgorithmMismatch,
  verifyJwsSignature,
} from '#shared/credentials/proof/vc-jwt-verify.ts';

const p256 = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const otherP256 = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ed = generateKeyPairSync('ed25519');

const credential = {
  '@context': [
    'https://www.w3.org/ns/credentials/v2',
    'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json',
  ],
  id: 'urn:uuid:2f1c6f0e-8d0b-4f3e-9f0a-3f1e2d4c5b6a',
  type: ['VerifiableCredential', 'OpenBadgeCredential'],
  issuer: { id: 'did:web:college.example', type: ['Profile'], name: 'College' },
  validFrom: '2026-01-05T10:00:00Z',
  validUntil: '2028-01-05T10:00:00Z',
  credentialSubject: { id: 'did:example:learner', type: ['AchievementSubject'] },
};
const claims = {
  iss: 'did:web:college.example',
  jti: credential.id,
  sub: 'did:example:learner',
  nbf: Date.parse(credential.validFrom) / 1000,
  exp: Date.parse(credential.validUntil) / 1000,
};

async function sign(
  alg: string,
  key: KeyObject,
  payload: object,
  header: object = {},
): Promise<string> {
  return new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
    .setProtectedHeader({ alg, kid: 'did:web:college.example#key-1', typ: 'JWT', ...header })
    .sign(key);
}

describe('decodeCompactJws', () => {
  it('decodes header, payload and the signing input of a JWS', async () => {
    const jws = await sign('ES256', p256.privateKey, { ...credential, ...claims });
    const decoded = decodeCompactJws(jws);
    expect(decoded.header).toEqual({
      alg: 'ES256',
      kid: 'did:web:college.example#key-1',
      typ: 'JWT',
    });
    expect(decoded.payload.jti).toBe(credential.id);
    expect(decoded.signingInput.toString('latin1')).toBe(jws.slice(0, jws.lastIndexOf('.')));
    expect(decoded.signature).toHaveLength(64);
  });

  it.each([
    ['two parts', 'eyJhIjoxfQ.eyJhIjoxfQ', 'INPUT_MALFORMED'],
    ['four parts', 'eyJhIjoxfQ.eyJhIjoxfQ.a.b', 'INPUT_MALFORMED'],
    ['a header that is not base64url', 'ey+J.eyJhIjoxfQ.AA', 'INPUT_MALFORMED'],
    [
      'a header that is not JSON',
      `${Buffer.from('not json').toString('base64url')}.eyJhIjoxfQ.AA`,
      'INPUT_MALFORMED',
    ],
    [
      'a payload that is an array',
      `eyJhIjoxfQ.${Buffer.from('[1]').toString('base64url')}.AA`,
      'INPUT_MALFORMED',
    ],
    ['a signature with padding', 'eyJhIjoxfQ.eyJhIjoxfQ.AA==', 'INPUT_MALFORMED'],
  ])('rejects %s', (_name, jws, code) => {
    expect(() => decodeCompactJws(jws)).toThrowError(expect.objectContaining({ code }));
  });

  it('rejects a payload over the size cap', () => {
    const big = Buffer.from(JSON.stringify({ a: 'x'.repeat(2000) })).toString('base64url');
    expect(() => decodeCompactJws(`eyJhIjoxfQ.${big}.AA`, 1000)).toThrowError(
      expect.objectContaining({ code: 'INPUT_TOO_LARGE' }),
    );
  });
});

describe('checkJwtHeader', () => {
  it('accepts ES256 with a kid and typ JWT', () => {
    expect(checkJwtHeader({ alg: 'ES256', kid: 'k', typ: 'JWT' })).toEqual({
      ok: true,
      alg: 'ES256',
      reason: 'alg ES256',
    });
  });

  it.each([
    [{ alg: 'none', kid: 'k' }, 'alg "none" means the credential is unsigned; it is refused'],
    [
      { alg: 'HS256', kid: 'k' },
      'alg "HS256" is a shared-secret MAC: an issuer signature needs an asymmetric algorithm',
    ],
    [{ alg: 'PS512', kid: 'k' }, 'alg "PS512" is not one of RS256, ES256, EdDSA'],
    [{ kid: 'k' }, 'the JWS header has no alg'],
    [{ alg: 'ES256' }, 'the JWS header names no key: it has neither kid nor jwk'],
    [{ alg: 'ES256', kid: 'k', typ: 'JWE' }, 'typ "JWE" is not a JWT type'],
    [
      { alg: 'ES256', kid: 'k', crit: ['b64'] },
      'the JWS header has critical extensions (crit) this verifier does not implement',
    ],
  ])('refuses %j', (header, reason) => {
    expect(checkJwtHeader(header)).toEqual({ ok: false, reason });
  });
});

describe('keyAlgorithmMismatch', () => {
  it('accepts each algorithm with its own key type', () => {
    expect(keyAlgorithmMismatch(p256.publicKey, 'ES256')).toBeUndefined();
    expect(keyAlgorithmMismatch(rsa.publicKey, 'RS256')).toBeUndefined();
    expect(keyAlgorithmMismatch(ed.publicKey, 'EdDSA')).toBeUndefined();
  });

  it('refuses keys of another type or curve', () => {
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' });
    expect(keyAlgorithmMismatch(rsa.publicKey, 'ES256')).toBe('ES256 needs a P-256 key, not rsa');
    expect(keyAlgorithmMismatch(p384.publicKey, 'ES256')).toBe(
      'ES256 needs a P-256 key, not ec secp384r1',
    );
    expect(keyAlgorithmMismatch(p256.publicKey, 'EdDSA')).toBe(
      'EdDSA needs an Ed25519 key, not ec',
    );
    expect(keyAlgorithmMismatch(ed.publicKey, 'RS256')).toBe('RS256 needs an RSA key, not ed25519');
  });

  it('refuses RSA keys shorter than 2048 bits', () => {
    const short = generateKeyPairSync('rsa', { modulusLength: 1024 });
    expect(keyAlgorithmMismatch(short.publicKey, 'RS256')).toBe(
      'RS256 keys must be at least 2048 bits',
    );
  });
});

describe('verifyJwsSignature', () => {
  it.each([
    ['ES256', p256],
    ['RS256', rsa],
    ['EdDSA', ed],
  ] as const)('verifies a %s signature made by an independent signer (jose)', async (alg, pair) => {
    const jws = await sign(alg, pair.privateKey, { ...credential, ...claims });
    expect(verifyJwsSignature(decodeCompactJws(jws), alg, pair.publicKey)).toBe(true);
  });

  it('rejects a tampered payload', async () => {
    const jws = await sign('ES256', p256.privateKey, { ...credential, ...claims });
    const [header, , signature] = jws.split('.');
    const forged = Buffer.from(
      JSON.stringify({ ...credential, ...claims, name: 'Forged' }),
    ).toString('base64url');
    expect(
      verifyJwsSignature(
        decodeCompactJws(`${header}.${forged}.${signature}`),
        'ES256',
        p256.publicKey,
      ),
    ).toBe(false);
  });

  it('rejects a signature made with another key', async () => {
    const jws = await sign('ES256', otherP256.privateKey, { ...credential, ...claims });
    expect(verifyJwsSignature(decodeCompactJws(jws), 'ES256', p256.publicKey)).toBe(false);
  });

  it('rejects HS256 computed with the public key as the HMAC secret', () => {
    const header = Buffer.from(JSON.stringify({ alg: 'HS256', kid: 'k' })).toString('base64url');
    const payload = Buffer.from(JSON.stringify(credential)).toString('base64url');
    const secret = p256.publicKey.export({ format: 'pem', type: 'spki' });
    const mac = createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url');
    const decoded = decodeCompactJws(`${header}.${payload}.${mac}`);
    expect(checkJwtHeader(decoded.header).ok).toBe(false);
    expect(verifyJwsSignature(decoded, 'ES256', p256.publicKey)).toBe(false);
  });

  it('rejects an ES256 signature in DER form rather than r‖s', async () => {
    const jws = await sign('ES256', p256.privateKey, { ...credential, ...claims });
    const decoded = decodeCompactJws(jws);
    const der = Buffer.concat([
      Buffer.from([0x30, 0x44, 0x02, 0x20]),
      decoded.signature.subarray(0, 32),
      Buffer.from([0x02, 0x20]),
      decoded.signature.subarray(32),
    ]);
    expect(verifyJwsSignature({ ...decoded, signature: der }, 'ES256', p256.publicKey)).toBe(false);
  });
});

describe('credentialFromJwtPayload', () => {
  it('drops the registered claims from a VCDM 2.0 payload', () => {
    expect(credentialFromJwtPayload({ ...credential, ...claims, iat: 1, aud: 'x' })).toEqual({
      credential,
      form: 'vcdm2',
    });
  });

  it('takes the credential from the vc claim of a VCDM 1.1 payload', () => {
    expect(credentialFromJwtPayload({ vc: credential, ...claims })).toEqual({
      credential,
      form: 'vcdm1',
    });
  });
});

describe('checkJwtClaims', () => {
  it('passes when every registered claim agrees with the credential', () => {
    expect(checkJwtClaims({ ...credential, ...claims }, credential)).toEqual({
      ok: true,
      problems: [],
      present: ['iss', 'sub', 'exp', 'nbf', 'jti'],
    });
  });

  it.each([
    [
      { iss: 'did:web:evil.example' },
      'iss is "did:web:evil.example" but the issuer id is "did:web:college.example"',
    ],
    [
      { jti: 'urn:uuid:other' },
      `jti is "urn:uuid:other" but the credential id is "${credential.id}"`,
    ],
    [
      { sub: 'did:example:someone-else' },
      'sub is "did:example:someone-else" but the credentialSubject id is "did:example:learner"',
    ],
    [
      { nbf: claims.nbf - 3600 },
      'nbf is 2026-01-05T09:00:00.000Z but the validFrom is 2026-01-05T10:00:00.000Z',
    ],
    [
      { exp: claims.exp + 86400 },
      'exp is 2028-01-06T10:00:00.000Z but the validUntil is 2028-01-05T10:00:00.000Z',
    ],
    [{ nbf: '1767607200' }, 'nbf must be a NumericDate'],
  ])('reports a disagreement: %j', (override, problem) => {
    const result = checkJwtClaims({ ...credential, ...claims, ...override }, credential);
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual([problem]);
  });

  it('reports exp on a credential that never expires', () => {
    const { validUntil: _dropped, ...open } = credential;
    expect(checkJwtClaims({ ...open, ...claims }, open).problems).toEqual([
      'exp is set but the credential has no validUntil',
    ]);
  });
});
