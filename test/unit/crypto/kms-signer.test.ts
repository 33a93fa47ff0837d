import { createHash, generateKeyPairSync, type JsonWebKey, type KeyObject } from 'node:crypto';
import {
  DisabledException,
  GetPublicKeyCommand,
  type GetPublicKeyCommandOutput,
  KMSClient,
  NotFoundException,
  SignCommand,
  type SignCommandInput,
} from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import { importJWK, jwtVerify } from 'jose';
import { beforeEach, describe, expect, it } from 'vitest';
import { KMS_KEY_SPECS, KmsSigner } from '#shared/adapters/kms/kms-signer.ts';
import { joseToDerSignature } from '#shared/credentials/crypto/ecdsa-der.ts';
import type { SigningAlgorithm } from '#shared/credentials/crypto/signer.ts';
import { signVcJwt } from '#shared/credentials/proof/vc-jwt-sign.ts';
import { signLikeKms } from '#test/support/fake-kms.ts';

/**
 * A stand-in for KMS that signs with real keys in KMS's own encodings: ECDSA as DER over the
 * digest it is given, RSA as PKCS#1 v1.5 over that digest, Ed25519 over the raw message.
 */
interface FakeKmsKey {
  readonly keyId: string;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  readonly keySpec: string;
  readonly signingAlgorithms: string[];
}

function fakeKey(algorithm: SigningAlgorithm): FakeKmsKey {
  const keyId = `arn:aws:kms:eu-west-1:111122223333:key/${algorithm.toLowerCase()}-key`;
  if (algorithm === 'ES256') {
    const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    return { keyId, ...pair, keySpec: 'ECC_NIST_P256', signingAlgorithms: ['ECDSA_SHA_256'] };
  }
  if (algorithm === 'RS256') {
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    return {
      keyId,
      ...pair,
      keySpec: 'RSA_2048',
      signingAlgorithms: [
        'RSASSA_PSS_SHA_256',
        'RSASSA_PSS_SHA_384',
        'RSASSA_PSS_SHA_512',
        'RSASSA_PKCS1_V1_5_SHA_256',
        'RSASSA_PKCS1_V1_5_SHA_384',
        'RSASSA_PKCS1_V1_5_SHA_512',
      ],
    };
  }
  const pair = generateKeyPairSync('ed25519');
  return {
    keyId,
    ...pair,
    keySpec: 'ECC_NIST_EDWARDS25519',
    signingAlgorithms: ['ED25519_SHA_512', 'ED25519_PH_SHA_512'],
  };
}

function kmsSign(key: FakeKmsKey, input: SignCommandInput): Uint8Array {
  return signLikeKms(key.privateKey, input);
}

/** RFC 7638 thumbprint computed here by hand, independently of jose. */
function thumbprint(jwk: JsonWebKey): string {
  const members =
    jwk.kty === 'EC'
      ? { crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y }
      : jwk.kty === 'RSA'
        ? { e: jwk.e, kty: jwk.kty, n: jwk.n }
        : { crv: jwk.crv, kty: jwk.kty, x: jwk.x };
  return createHash('sha256').update(JSON.stringify(members)).digest('base64url');
}

function publicKeyAnswer(key: FakeKmsKey): GetPublicKeyCommandOutput {
  return {
    $metadata: {},
    KeyId: key.keyId,
    PublicKey: new Uint8Array(key.publicKey.export({ format: 'der', type: 'spki' })),
    KeySpec: key.keySpec as GetPublicKeyCommandOutput['KeySpec'],
    KeyUsage: 'SIGN_VERIFY',
    SigningAlgorithms: key.signingAlgorithms as GetPublicKeyCommandOutput['SigningAlgorithms'],
  };
}

const KEYS: Record<SigningAlgorithm, FakeKmsKey> = {
  ES256: fakeKey('ES256'),
  RS256: fakeKey('RS256'),
  EdDSA: fakeKey('EdDSA'),
};

const kms = mockClient(KMSClient);
const client = new KMSClient({ region: 'eu-west-1' });

function answerWith(key: FakeKmsKey): void {
  kms.on(SignCommand).callsFake((input: SignCommandInput) => ({
    KeyId: key.keyId,
    Signature: kmsSign(key, input),
    SigningAlgorithm: input.SigningAlgorithm,
  }));
  kms.on(GetPublicKeyCommand).resolves(publicKeyAnswer(key));
}

const CREDENTIAL = {
  '@context': [
    'https://www.w3.org/ns/credentials/v2',
    'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json',
  ],
  id: 'urn:uuid:8a3a6b2e-2f6e-4f1c-9d6a-2c1f0e9b7a11',
  type: ['VerifiableCredential', 'OpenBadgeCredential'],
  issuer: { id: 'https://issuer.example/issuers/1', type: ['Profile'], name: 'Example Issuer' },
  validFrom: '2026-01-01T00:00:00Z',
  validUntil: '2030-01-01T00:00:00Z',
  credentialSubject: {
    id: 'did:example:learner',
    type: ['AchievementSubject'],
    achievement: { id: 'https://issuer.example/achievements/1', type: ['Achievement'] },
  },
};

beforeEach(() => {
  kms.reset();
});

describe('KMS_KEY_SPECS', () => {
  it('maps each JOSE algorithm to its KMS key spec, signing algorithm and message type', () => {
    expect(KMS_KEY_SPECS).toEqual({
      ES256: { keySpec: 'ECC_NIST_P256', signingAlgorithm: 'ECDSA_SHA_256', messageType: 'DIGEST' },
      RS256: {
        keySpec: 'RSA_2048',
        signingAlgorithm: 'RSASSA_PKCS1_V1_5_SHA_256',
        messageType: 'DIGEST',
      },
      EdDSA: {
        keySpec: 'ECC_NIST_EDWARDS25519',
        signingAlgorithm: 'ED25519_SHA_512',
        messageType: 'RAW',
      },
    });
  });
});

describe('KmsSigner', () => {
  it.each([
    ['ES256', 'ECDSA_SHA_256'],
    ['RS256', 'RSASSA_PKCS1_V1_5_SHA_256'],
  ] as const)(
    'sends KMS the SHA-256 digest for %s, as a DIGEST',
    async (algorithm, kmsAlgorithm) => {
      const key = KEYS[algorithm];
      answerWith(key);
      const signer = new KmsSigner({ client, keyId: key.keyId, algorithm });
      const data = new Uint8Array(10_000).fill(7);

      await signer.sign(data);

      const calls = kms.commandCalls(SignCommand);
      expect(calls).toHaveLength(1);
      expect(calls[0]!.args[0].input).toEqual({
        KeyId: key.keyId,
        Message: createHash('sha256').update(data).digest(),
        MessageType: 'DIGEST',
        SigningAlgorithm: kmsAlgorithm,
      });
    },
  );

  it('sends KMS the raw message for EdDSA', async () => {
    const key = KEYS.EdDSA;
    answerWith(key);
    const signer = new KmsSigner({ client, keyId: key.keyId, algorithm: 'EdDSA' });
    const data = new TextEncoder().encode('header.payload');

    const signature = await signer.sign(data);

    expect(signature.length).toBe(64);
    expect(kms.commandCalls(SignCommand)[0]!.args[0].input).toEqual({
      KeyId: key.keyId,
      Message: data,
      MessageType: 'RAW',
      SigningAlgorithm: 'ED25519_SHA_512',
    });
  });

  it('refuses an EdDSA message over 4096 bytes without calling KMS', async () => {
    answerWith(KEYS.EdDSA);
    const signer = new KmsSigner({ client, keyId: KEYS.EdDSA.keyId, algorithm: 'EdDSA' });

    const attempt = signer.sign(new Uint8Array(4097));

    await expect(attempt).rejects.toMatchObject({
      code: 'INPUT_TOO_LARGE',
      message:
        'KMS signs EdDSA only over the raw message, at most 4096 bytes; this one has 4097. Use ES256 or RS256 for larger credentials',
    });
    expect(kms.commandCalls(SignCommand)).toHaveLength(0);
  });

  it('converts the DER ECDSA signature from KMS to 64-byte r‖s', async () => {
    answerWith(KEYS.ES256);
    const signer = new KmsSigner({ client, keyId: KEYS.ES256.keyId, algorithm: 'ES256' });

    const signature = await signer.sign(new TextEncoder().encode('data'));

    const der = (await kms.commandCalls(SignCommand)[0]!.returnValue) as { Signature: Uint8Array };
    expect(signature.length).toBe(64);
    expect(joseToDerSignature(signature)).toEqual(der.Signature);
  });

  it.each(['ES256', 'RS256', 'EdDSA'] as const)(
    'signs a VC-JWT with %s that jose verifies with the KMS public key',
    async (algorithm) => {
      const key = KEYS[algorithm];
      answerWith(key);
      const signer = new KmsSigner({ client, keyId: key.keyId, algorithm });
      const jwk = await signer.publicJwk();

      const jwt = await signVcJwt(CREDENTIAL, signer, { kid: 'https://issuer.example/keys#1' });

      const { payload, protectedHeader } = await jwtVerify(jwt, await importJWK(jwk, algorithm), {
        algorithms: [algorithm],
        issuer: 'https://issuer.example/issuers/1',
        subject: 'did:example:learner',
        currentDate: new Date('2026-06-01T00:00:00Z'),
      });
      expect(protectedHeader).toEqual({
        alg: algorithm,
        kid: 'https://issuer.example/keys#1',
        typ: 'JWT',
      });
      expect(payload).toEqual({
        ...CREDENTIAL,
        iss: 'https://issuer.example/issuers/1',
        jti: CREDENTIAL.id,
        sub: 'did:example:learner',
        nbf: Date.UTC(2026, 0, 1) / 1000,
        exp: Date.UTC(2030, 0, 1) / 1000,
      });
    },
  );

  it.each(['ES256', 'RS256', 'EdDSA'] as const)(
    'returns the %s public JWK with alg, use and its thumbprint as kid',
    async (algorithm) => {
      const key = KEYS[algorithm];
      answerWith(key);
      const signer = new KmsSigner({ client, keyId: key.keyId, algorithm });

      const jwk = await signer.publicJwk();

      const expected = key.publicKey.export({ format: 'jwk' });
      expect(jwk).toEqual({ ...expected, alg: algorithm, use: 'sig', kid: expect.any(String) });
      expect(jwk.kid).toBe(thumbprint(expected));
      expect(kms.commandCalls(GetPublicKeyCommand)[0]!.args[0].input).toEqual({
        KeyId: key.keyId,
      });
    },
  );

  it('asks KMS for the public key only once', async () => {
    answerWith(KEYS.ES256);
    const signer = new KmsSigner({ client, keyId: KEYS.ES256.keyId, algorithm: 'ES256' });

    const [first, second] = await Promise.all([signer.publicJwk(), signer.publicJwk()]);
    const third = await signer.publicJwk();

    expect(second).toEqual(first);
    expect(third).toEqual(first);
    expect(kms.commandCalls(GetPublicKeyCommand)).toHaveLength(1);
  });

  it('asks again after a failed GetPublicKey', async () => {
    kms
      .on(GetPublicKeyCommand)
      .rejectsOnce(new NotFoundException({ message: 'no such key', $metadata: {} }))
      .resolves(publicKeyAnswer(KEYS.EdDSA));
    const signer = new KmsSigner({ client, keyId: KEYS.EdDSA.keyId, algorithm: 'EdDSA' });

    const failed = signer.publicJwk();
    await expect(failed).rejects.toMatchObject({
      code: 'SIGNING_FAILED',
      message: `KMS GetPublicKey for key ${KEYS.EdDSA.keyId} failed: NotFoundException: no such key`,
    });
    const retried = await signer.publicJwk();

    expect(retried.kty).toBe('OKP');
    expect(kms.commandCalls(GetPublicKeyCommand)).toHaveLength(2);
  });

  it('maps a KMS error to SIGNING_FAILED naming the AWS error', async () => {
    const disabled = new DisabledException({ message: 'key is disabled', $metadata: {} });
    kms.on(SignCommand).rejects(disabled);
    const signer = new KmsSigner({ client, keyId: 'alias/issuer', algorithm: 'ES256' });

    const attempt = signer.sign(new Uint8Array(1));

    await expect(attempt).rejects.toMatchObject({
      code: 'SIGNING_FAILED',
      message: 'KMS Sign with key alias/issuer failed: DisabledException: key is disabled',
      cause: disabled,
    });
  });

  it('rejects a malformed DER signature from KMS', async () => {
    kms
      .on(SignCommand)
      .resolves({ Signature: Uint8Array.of(0x30, 0), SigningAlgorithm: 'ECDSA_SHA_256' });
    const signer = new KmsSigner({ client, keyId: 'alias/issuer', algorithm: 'ES256' });

    const attempt = signer.sign(new Uint8Array(1));

    await expect(attempt).rejects.toMatchObject({ code: 'SIGNING_FAILED' });
  });

  it('rejects a signature made with another algorithm than requested', async () => {
    kms
      .on(SignCommand)
      .resolves({ Signature: new Uint8Array(256), SigningAlgorithm: 'RSASSA_PSS_SHA_256' });
    const signer = new KmsSigner({ client, keyId: 'alias/issuer', algorithm: 'RS256' });

    const attempt = signer.sign(new Uint8Array(1));

    await expect(attempt).rejects.toMatchObject({
      code: 'SIGNING_FAILED',
      message: 'KMS signed with RSASSA_PSS_SHA_256, not the requested RSASSA_PKCS1_V1_5_SHA_256',
    });
  });

  it('refuses a KMS key whose key spec does not match the algorithm', async () => {
    kms
      .on(GetPublicKeyCommand)
      .resolves({ ...publicKeyAnswer(KEYS.ES256), KeySpec: 'ECC_NIST_P384' });
    const signer = new KmsSigner({ client, keyId: KEYS.ES256.keyId, algorithm: 'ES256' });

    const attempt = signer.publicJwk();

    await expect(attempt).rejects.toMatchObject({
      code: 'KEY_UNSUPPORTED',
      message: `KMS key ${KEYS.ES256.keyId} has key spec ECC_NIST_P384, but ES256 needs ECC_NIST_P256`,
    });
  });

  it('refuses a KMS key that does not offer the signing algorithm', async () => {
    kms.on(GetPublicKeyCommand).resolves({
      ...publicKeyAnswer(KEYS.RS256),
      SigningAlgorithms: ['RSASSA_PSS_SHA_256'],
    });
    const signer = new KmsSigner({ client, keyId: KEYS.RS256.keyId, algorithm: 'RS256' });

    const attempt = signer.publicJwk();

    await expect(attempt).rejects.toMatchObject({
      code: 'KEY_UNSUPPORTED',
      message: `KMS key ${KEYS.RS256.keyId} offers RSASSA_PSS_SHA_256, not RSASSA_PKCS1_V1_5_SHA_256`,
    });
  });

  it('refuses a public key that does not match the reported key spec', async () => {
    kms.on(GetPublicKeyCommand).resolves({
      ...publicKeyAnswer(KEYS.EdDSA),
      KeySpec: 'ECC_NIST_P256',
      SigningAlgorithms: ['ECDSA_SHA_256'],
    });
    const signer = new KmsSigner({ client, keyId: KEYS.EdDSA.keyId, algorithm: 'ES256' });

    const attempt = signer.publicJwk();

    await expect(attempt).rejects.toMatchObject({
      code: 'KEY_UNSUPPORTED',
      message: 'the key signs EdDSA, not ES256',
    });
  });
});
