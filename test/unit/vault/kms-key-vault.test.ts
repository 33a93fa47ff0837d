import { generateKeyPairSync, type KeyObject, randomUUID, verify } from 'node:crypto';
import {
  AlreadyExistsException,
  CreateAliasCommand,
  CreateKeyCommand,
  type CreateKeyCommandInput,
  GetPublicKeyCommand,
  type GetPublicKeyCommandOutput,
  KMSClient,
  ScheduleKeyDeletionCommand,
  SignCommand,
  type SignCommandInput,
} from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { KmsKeyVault } from '#shared/adapters/kms/kms-key-vault.ts';
import { fixedClock } from '#shared/core/clock.ts';
import type { Signer } from '#shared/credentials/crypto/signer.ts';
import { signLikeKms } from '#test/support/fake-kms.ts';

/**
 * A stand-in for KMS: CreateKey makes a real key pair of the requested spec, GetPublicKey
 * answers its DER SPKI, and Sign signs in KMS's own encodings — ECDSA as DER over the given
 * digest, RSA PKCS#1 v1.5 over the given digest, Ed25519 over the raw message.
 */
interface FakeKey {
  readonly arn: string;
  readonly keySpec: string;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
}

const SIGNING_ALGORITHMS: Record<string, string[]> = {
  ECC_NIST_P256: ['ECDSA_SHA_256'],
  RSA_2048: ['RSASSA_PKCS1_V1_5_SHA_256'],
  ECC_NIST_EDWARDS25519: ['ED25519_SHA_512'],
};

const kms = mockClient(KMSClient);
const keys = new Map<string, FakeKey>();

function createFakeKey(input: CreateKeyCommandInput): FakeKey {
  const arn = `arn:aws:kms:eu-west-1:111122223333:key/${randomUUID()}`;
  const pair =
    input.KeySpec === 'ECC_NIST_P256'
      ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
      : input.KeySpec === 'RSA_2048'
        ? generateKeyPairSync('rsa', { modulusLength: 2048 })
        : generateKeyPairSync('ed25519');
  const key = { arn, keySpec: input.KeySpec ?? '', ...pair };
  keys.set(arn, key);
  return key;
}

function fakeSign(input: SignCommandInput): Uint8Array {
  const key = keys.get(input.KeyId ?? '');
  if (!key) throw new Error(`the fake KMS has no key ${input.KeyId}`);
  return signLikeKms(key.privateKey, input);
}

function publicKeyOf(keyId: string | undefined): GetPublicKeyCommandOutput {
  const key = keys.get(keyId ?? '');
  if (!key) throw new Error(`the fake KMS has no key ${keyId}`);
  return {
    $metadata: {},
    KeyId: key.arn,
    PublicKey: new Uint8Array(key.publicKey.export({ format: 'der', type: 'spki' })),
    KeySpec: key.keySpec as GetPublicKeyCommandOutput['KeySpec'],
    KeyUsage: 'SIGN_VERIFY',
    SigningAlgorithms: SIGNING_ALGORITHMS[
      key.keySpec
    ] as GetPublicKeyCommandOutput['SigningAlgorithms'],
  };
}

beforeEach(() => {
  kms.reset();
  keys.clear();
  kms.on(CreateKeyCommand).callsFake((input: CreateKeyCommandInput) => {
    const key = createFakeKey(input);
    return { KeyMetadata: { Arn: key.arn, KeyId: key.arn.split('/')[1], KeySpec: input.KeySpec } };
  });
  kms.on(CreateAliasCommand).resolves({});
  kms.on(GetPublicKeyCommand).callsFake((input: { KeyId?: string }) => publicKeyOf(input.KeyId));
  kms.on(SignCommand).callsFake((input: SignCommandInput) => ({
    Signature: fakeSign(input),
    SigningAlgorithm: input.SigningAlgorithm,
    KeyId: input.KeyId,
  }));
});

const DATA = new TextEncoder().encode('eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhZGEifQ');
const CLOCK = fixedClock('2026-03-04T05:06:07.089Z');

async function verifiesWithKmsPublicKey(signer: Signer, arn: string): Promise<boolean> {
  const key = keys.get(arn)!.publicKey;
  const signature = await signer.sign(DATA);
  if (signer.algorithm === 'EdDSA') return verify(null, DATA, key, signature);
  const options = signer.algorithm === 'ES256' ? { key, dsaEncoding: 'ieee-p1363' as const } : key;
  return verify('sha256', DATA, options, signature);
}

describe('KmsKeyVault', () => {
  it('creates a tagged SIGN_VERIFY P-256 key with an alias and signs with it', async () => {
    const vault = new KmsKeyVault({ client: new KMSClient({}), clock: CLOCK });

    const { keyRef, signer } = await vault.createKey('northfield', 'ES256');

    expect(kms.commandCalls(CreateKeyCommand).map((call) => call.args[0].input)).toEqual([
      {
        KeySpec: 'ECC_NIST_P256',
        KeyUsage: 'SIGN_VERIFY',
        Description: 'credstack ES256 signing key of issuer northfield',
        Tags: [{ TagKey: 'credstack:issuer', TagValue: 'northfield' }],
      },
    ]);
    expect(kms.commandCalls(CreateAliasCommand).map((call) => call.args[0].input)).toEqual([
      { AliasName: 'alias/credstack/northfield/es256-20260304T050607089Z', TargetKeyId: keyRef },
    ]);
    expect(keys.has(keyRef)).toBe(true);
    expect(signer.keyRef).toBe(keyRef);
    expect(signer.algorithm).toBe('ES256');
    expect(await verifiesWithKmsPublicKey(signer, keyRef)).toBe(true);
    expect(kms.commandCalls(SignCommand)[0]?.args[0].input).toMatchObject({
      KeyId: keyRef,
      MessageType: 'DIGEST',
      SigningAlgorithm: 'ECDSA_SHA_256',
    });
  });

  it('uses the alias prefix and extra tags it is given, for RSA and Ed25519 keys', async () => {
    const vault = new KmsKeyVault({
      client: new KMSClient({}),
      clock: CLOCK,
      aliasPrefix: 'credstack-prod/issuers',
      tags: { stage: 'prod', 'credstack:issuer': 'spoofed' },
    });

    const rsa = await vault.createKey('northfield', 'RS256');
    const eddsa = await vault.createKey('northfield', 'EdDSA');

    const created = kms.commandCalls(CreateKeyCommand).map((call) => call.args[0].input);
    expect(created.map((input) => [input.KeySpec, input.KeyUsage])).toEqual([
      ['RSA_2048', 'SIGN_VERIFY'],
      ['ECC_NIST_EDWARDS25519', 'SIGN_VERIFY'],
    ]);
    expect(created[1]?.Tags).toEqual([
      { TagKey: 'credstack:issuer', TagValue: 'northfield' },
      { TagKey: 'stage', TagValue: 'prod' },
    ]);
    expect(kms.commandCalls(CreateAliasCommand).map((call) => call.args[0].input)).toEqual([
      {
        AliasName: 'alias/credstack-prod/issuers/northfield/rs256-20260304T050607089Z',
        TargetKeyId: rsa.keyRef,
      },
      {
        AliasName: 'alias/credstack-prod/issuers/northfield/eddsa-20260304T050607089Z',
        TargetKeyId: eddsa.keyRef,
      },
    ]);
    expect(await verifiesWithKmsPublicKey(rsa.signer, rsa.keyRef)).toBe(true);
    expect(await verifiesWithKmsPublicKey(eddsa.signer, eddsa.keyRef)).toBe(true);
  });

  it('hands out one cached signer per key and algorithm, fetching the public key once', async () => {
    const vault = new KmsKeyVault({ client: new KMSClient({}), clock: CLOCK });
    const { keyRef, signer: created } = await vault.createKey('northfield', 'ES256');

    const first = await vault.signerFor(keyRef, 'ES256');
    const second = await vault.signerFor(keyRef, 'ES256');
    await first.publicJwk();
    await second.publicJwk();
    await created.publicJwk();

    expect(second).toBe(first);
    expect(created).toBe(first);
    expect(kms.commandCalls(GetPublicKeyCommand)).toHaveLength(1);
  });

  it('opens a key made elsewhere by its ARN and signs with it', async () => {
    const { arn } = createFakeKey({ KeySpec: 'ECC_NIST_P256' });
    const vault = new KmsKeyVault({ client: new KMSClient({}) });

    const signer = await vault.signerFor(arn, 'ES256');

    expect(signer.keyRef).toBe(arn);
    expect(await verifiesWithKmsPublicKey(signer, arn)).toBe(true);
    expect(kms.commandCalls(CreateKeyCommand)).toHaveLength(0);
  });

  it('schedules the new key for deletion when its alias cannot be created', async () => {
    kms
      .on(CreateAliasCommand)
      .rejects(new AlreadyExistsException({ message: 'alias exists', $metadata: {} }));
    kms.on(ScheduleKeyDeletionCommand).resolves({});
    const vault = new KmsKeyVault({ client: new KMSClient({}), clock: CLOCK });

    const create = vault.createKey('northfield', 'ES256');

    await expect(create).rejects.toMatchObject({ name: 'CredstackError', code: 'SIGNING_FAILED' });
    const [arn] = [...keys.keys()];
    expect(kms.commandCalls(ScheduleKeyDeletionCommand).map((call) => call.args[0].input)).toEqual([
      { KeyId: arn, PendingWindowInDays: 7 },
    ]);
  });

  it('reports a failed CreateKey as SIGNING_FAILED and creates no alias', async () => {
    kms.on(CreateKeyCommand).rejects(new Error('AccessDeniedException'));
    const vault = new KmsKeyVault({ client: new KMSClient({}) });

    await expect(vault.createKey('northfield', 'ES256')).rejects.toMatchObject({
      code: 'SIGNING_FAILED',
    });
    expect(kms.commandCalls(CreateAliasCommand)).toHaveLength(0);
  });

  it('refuses an issuer id that cannot be part of an alias before calling KMS', async () => {
    const vault = new KmsKeyVault({ client: new KMSClient({}) });

    await expect(vault.createKey('north.field', 'ES256')).rejects.toMatchObject({
      code: 'INPUT_MALFORMED',
    });
    await expect(vault.createKey('a/b', 'ES256')).rejects.toMatchObject({
      code: 'INPUT_MALFORMED',
    });
    expect(kms.calls()).toHaveLength(0);
  });

  it('refuses an alias prefix in the reserved aws/ space', () => {
    expect(() => new KmsKeyVault({ client: new KMSClient({}), aliasPrefix: 'aws/x' })).toThrow(
      expect.objectContaining({ code: 'INPUT_MALFORMED' }),
    );
    expect(() => new KmsKeyVault({ client: new KMSClient({}), aliasPrefix: 'a//b' })).toThrow(
      expect.objectContaining({ code: 'INPUT_MALFORMED' }),
    );
  });
});
