import { generateKeyPairSync } from 'node:crypto';
import { importJWK, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { LocalSigner } from '#shared/adapters/key-files/local-signer.ts';
import type { Signer, SigningAlgorithm } from '#shared/credentials/crypto/signer.ts';
import { signVcJwt, vcJwtPayload } from '#shared/credentials/proof/vc-jwt-sign.ts';
import {
  checkJwtClaims,
  credentialFromJwtPayload,
  decodeCompactJws,
} from '#shared/credentials/proof/vc-jwt-verify.ts';

const KID = 'https://issuer.example/issuers/1#key-1';

function credential(): Record<string, unknown> {
  return {
    '@context': [
      'https://www.w3.org/ns/credentials/v2',
      'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json',
    ],
    id: 'urn:uuid:91537dba-56cb-11ec-bf63-0242ac130002',
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    name: 'Data Analysis',
    issuer: { id: 'https://issuer.example/issuers/1', type: ['Profile'], name: 'Example U' },
    validFrom: '2026-01-01T00:00:00Z',
    validUntil: '2031-01-01T00:00:00Z',
    credentialSubject: {
      id: 'did:example:ebfeb1f712ebc6f1c276e12ec21',
      type: ['AchievementSubject'],
      achievement: {
        id: 'https://issuer.example/achievements/data-analysis',
        type: ['Achievement'],
        name: 'Data Analysis',
        criteria: { narrative: 'Analyse a data set — with ünïcödé.' },
      },
    },
  };
}

/** A signer that records what it was asked to sign and answers with fixed bytes. */
function recordingSigner(
  algorithm: SigningAlgorithm,
  signature: Uint8Array,
): Signer & { calls: Uint8Array[] } {
  const calls: Uint8Array[] = [];
  return {
    algorithm,
    keyRef: 'recording',
    calls,
    sign: async (data) => {
      calls.push(Uint8Array.from(data));
      return signature;
    },
    publicJwk: async () => ({}),
  };
}

function localSigner(algorithm: 'ES256' | 'EdDSA'): LocalSigner {
  const { privateKey } =
    algorithm === 'ES256'
      ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
      : generateKeyPairSync('ed25519');
  return new LocalSigner({ privateKey, keyId: 'test-key' });
}

describe('signVcJwt', () => {
  it('signs base64url(header).base64url(payload) and appends the signature', async () => {
    const signature = new Uint8Array(64).map((_, index) => index);
    const signer = recordingSigner('ES256', signature);

    const jwt = await signVcJwt(credential(), signer, { kid: KID });

    const [header, payload, encodedSignature] = jwt.split('.');
    expect(Buffer.from(header!, 'base64url').toString('utf8')).toBe(
      `{"alg":"ES256","kid":"${KID}","typ":"JWT"}`,
    );
    expect(Buffer.from(payload!, 'base64url').toString('utf8')).toBe(
      JSON.stringify({
        ...credential(),
        iss: 'https://issuer.example/issuers/1',
        jti: 'urn:uuid:91537dba-56cb-11ec-bf63-0242ac130002',
        sub: 'did:example:ebfeb1f712ebc6f1c276e12ec21',
        nbf: 1767225600,
        exp: 1924992000,
      }),
    );
    expect(signer.calls).toEqual([new Uint8Array(Buffer.from(`${header}.${payload}`, 'ascii'))]);
    expect(Buffer.from(encodedSignature!, 'base64url')).toEqual(Buffer.from(signature));
    expect(jwt.split('.')).toHaveLength(3);
  });

  it.each(['ES256', 'EdDSA'] as const)(
    'produces a %s VC-JWT that jose verifies as a JWT',
    async (algorithm) => {
      const signer = localSigner(algorithm);

      const jwt = await signVcJwt(credential(), signer, { kid: KID });

      const { payload, protectedHeader } = await jwtVerify(
        jwt,
        await importJWK(await signer.publicJwk(), algorithm),
        {
          algorithms: [algorithm],
          typ: 'JWT',
          issuer: 'https://issuer.example/issuers/1',
          subject: 'did:example:ebfeb1f712ebc6f1c276e12ec21',
          currentDate: new Date('2026-06-01T00:00:00Z'),
        },
      );
      expect(protectedHeader).toEqual({ alg: algorithm, kid: KID, typ: 'JWT' });
      expect(payload.jti).toBe('urn:uuid:91537dba-56cb-11ec-bf63-0242ac130002');
      expect(payload).not.toHaveProperty('vc');
      expect(payload).not.toHaveProperty('iat');
    },
  );

  it('produces claims the VC-JWT verifier finds consistent with the credential', async () => {
    const jwt = await signVcJwt(credential(), localSigner('EdDSA'), { kid: KID });

    const { payload } = decodeCompactJws(jwt);
    const extracted = credentialFromJwtPayload(payload);

    expect(extracted).toEqual({ credential: credential(), form: 'vcdm2' });
    expect(checkJwtClaims(payload, extracted.credential)).toEqual({
      ok: true,
      problems: [],
      present: ['iss', 'sub', 'exp', 'nbf', 'jti'],
    });
  });

  it.each([
    [
      'there is no issuer',
      { issuer: undefined },
      'the credential has no issuer id (issuer or issuer.id)',
    ],
    [
      'the issuer object has no id',
      { issuer: { name: 'x' } },
      'the credential has no issuer id (issuer or issuer.id)',
    ],
    [
      'there is no validFrom',
      { validFrom: undefined },
      'validFrom is not a date-time with a time zone',
    ],
    [
      'validFrom has no time zone',
      { validFrom: '2026-01-01T00:00:00' },
      'validFrom is not a date-time with a time zone',
    ],
    [
      'validUntil is not a date',
      { validUntil: 'tomorrow' },
      'validUntil is not a date-time with a time zone',
    ],
    [
      'validUntil precedes validFrom',
      { validUntil: '2025-12-31T23:59:59Z' },
      'validUntil is before validFrom',
    ],
    ['there is no credential id', { id: undefined }, 'the credential has no id (needed for jti)'],
    [
      'the credential has a JWT claim',
      { iss: 'x', nbf: 1 },
      'the credential has members named like JWT claims: iss, nbf',
    ],
  ])('fails with BUILD_INVALID when %s', async (_name, change, message) => {
    const signer = recordingSigner('ES256', new Uint8Array(64));
    const input = { ...credential(), ...change };

    const attempt = signVcJwt(input, signer, { kid: KID });

    await expect(attempt).rejects.toMatchObject({
      code: 'BUILD_INVALID',
      message: `cannot sign the credential as a VC-JWT: ${message}`,
    });
    expect(signer.calls).toHaveLength(0);
  });

  it('fails with BUILD_INVALID for an empty kid and for a cyclic credential', async () => {
    const signer = recordingSigner('ES256', new Uint8Array(64));
    const cyclic: Record<string, unknown> = credential();
    cyclic.self = cyclic;

    await expect(signVcJwt(credential(), signer, { kid: '' })).rejects.toMatchObject({
      code: 'BUILD_INVALID',
    });
    await expect(signVcJwt(cyclic, signer, { kid: KID })).rejects.toMatchObject({
      code: 'BUILD_INVALID',
      message: 'the credential cannot be serialized as JSON',
    });
    expect(signer.calls).toHaveLength(0);
  });

  it('fails with SIGNING_FAILED when the signer returns a signature of the wrong size', async () => {
    const signer = recordingSigner('ES256', new Uint8Array(70));

    const attempt = signVcJwt(credential(), signer, { kid: KID });

    await expect(attempt).rejects.toMatchObject({
      code: 'SIGNING_FAILED',
      message: 'the ES256 signer returned a 70-byte signature',
    });
  });
});

describe('vcJwtPayload', () => {
  it('takes iss from an issuer string and leaves out exp without validUntil', () => {
    const input = { ...credential(), issuer: 'did:web:issuer.example', validUntil: undefined };

    const payload = vcJwtPayload(input);

    expect(payload).toMatchObject({ iss: 'did:web:issuer.example', nbf: 1767225600 });
    expect(payload).not.toHaveProperty('exp');
  });

  it('leaves out sub when the subject has no id', () => {
    const input = {
      ...credential(),
      credentialSubject: { type: ['AchievementSubject'], identifier: [] },
    };

    const payload = vcJwtPayload(input);

    expect(payload).not.toHaveProperty('sub');
    expect(payload.iss).toBe('https://issuer.example/issuers/1');
  });

  it('takes sub from a single subject given as an array', () => {
    const input = { ...credential(), credentialSubject: [{ id: 'did:example:one' }] };

    expect(vcJwtPayload(input).sub).toBe('did:example:one');
  });

  it('converts dates with offsets and fractions to whole NumericDate seconds', () => {
    const input = {
      ...credential(),
      validFrom: '2026-01-01T02:00:00.900+02:00',
      validUntil: '2031-01-01T00:00:00.5Z',
    };

    const payload = vcJwtPayload(input);

    expect(payload.nbf).toBe(Date.UTC(2026, 0, 1) / 1000);
    expect(payload.exp).toBe(Date.UTC(2031, 0, 1) / 1000);
  });

  it('keeps an embedded proof in the payload', () => {
    const proof = { type: 'DataIntegrityProof', cryptosuite: 'eddsa-rdfc-2022' };

    expect(vcJwtPayload({ ...credential(), proof }).proof).toEqual(proof);
  });
});
