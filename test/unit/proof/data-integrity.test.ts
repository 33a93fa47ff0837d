import {
  createPublicKey,
  sign as cryptoSign,
  generateKeyPairSync,
  type KeyObject,
} from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fixedClock } from '#shared/core/clock.ts';
import { CredstackError } from '#shared/core/errors.ts';
import { encodeMultibase, publicKeyToMultikey } from '#shared/credentials/crypto/multikey.ts';
import type { Signer } from '#shared/credentials/crypto/signer.ts';
import {
  DATA_INTEGRITY_V2_CONTEXT_URL,
  ED25519_2020_CONTEXT_URL,
} from '#shared/credentials/jsonld/contexts.ts';
import { OB_CONTEXT, VC_V1_CONTEXT } from '#shared/credentials/model/constants.ts';
import {
  createEddsaRdfc2022Proof,
  type VerificationKeyResolver,
  verifyDataIntegrityProof,
} from '#shared/credentials/proof/data-integrity.ts';
import {
  hashData,
  proofConfigCanon,
  transformDocument,
} from '#shared/credentials/proof/di-eddsa.ts';
import { termBadge } from '#test/support/term-badge.ts';

/** A throwaway Signer over a node:crypto Ed25519 key (the real adapters live elsewhere). */
function testSigner(privateKey: KeyObject): Signer {
  return {
    algorithm: 'EdDSA',
    keyRef: 'test-key',
    sign: async (data) => new Uint8Array(cryptoSign(null, data, privateKey)),
    publicJwk: async () => createPublicKey(privateKey).export({ format: 'jwk' }),
  };
}

const issuerKeys = generateKeyPairSync('ed25519');
const signer = testSigner(issuerKeys.privateKey);
const verificationMethod = `did:key:${publicKeyToMultikey(issuerKeys.publicKey)}#key`;
const resolveKey: VerificationKeyResolver = async () => issuerKeys.publicKey;
const options = { verificationMethod, created: '2024-01-01T00:00:00Z' };

const credential = termBadge({
  credentialSubject: {
    id: 'did:example:learner',
    type: ['AchievementSubject'],
    achievement: {
      id: 'https://issuer.example/achievements/1',
      type: ['Achievement'],
      name: 'Achievement',
      description: 'Did the thing.',
      criteria: { narrative: 'Do the thing.' },
    },
  },
});

type Json = Record<string, unknown>;

/** Every path to a string leaf outside @context, for tampering. */
function stringLeaves(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (typeof value === 'string') return [path];
  if (Array.isArray(value)) return value.flatMap((item, i) => stringLeaves(item, [...path, i]));
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).flatMap(([key, child]) =>
      key === '@context' ? [] : stringLeaves(child, [...path, key]),
    );
  }
  return [];
}

function tamper(document: Json, path: (string | number)[]): Json {
  const copy = structuredClone(document);
  let node: Record<string | number, unknown> = copy;
  for (const segment of path.slice(0, -1)) node = node[segment] as Record<string | number, unknown>;
  const last = path[path.length - 1] as string | number;
  if (path[path.length - 2] === 'type') {
    // A changed type would lose its type-scoped context and fail canonicalization before
    // the signature is checked; an added type (an absolute IRI, always defined) does not.
    (node as unknown as unknown[]).push('https://example.org/vocab#Tampered');
  } else {
    node[last] = `${node[last] as string}x`;
  }
  return copy;
}

async function signedCredential(): Promise<Json> {
  return createEddsaRdfc2022Proof(credential, signer, options);
}

describe('createEddsaRdfc2022Proof', () => {
  it('adds a DataIntegrityProof that verifies', async () => {
    const signed = await signedCredential();

    const { proofValue, ...proofOptions } = signed.proof as Json;
    expect(proofOptions).toEqual({
      type: 'DataIntegrityProof',
      created: '2024-01-01T00:00:00Z',
      verificationMethod,
      cryptosuite: 'eddsa-rdfc-2022',
      proofPurpose: 'assertionMethod',
    });
    expect(proofValue).toMatch(/^z[1-9A-HJ-NP-Za-km-z]{86,88}$/);
    const result = await verifyDataIntegrityProof(signed, signed.proof, resolveKey);
    expect(result).toEqual({
      ok: true,
      suite: 'eddsa-rdfc-2022',
      reason: `the eddsa-rdfc-2022 proof is valid for ${verificationMethod}`,
    });
  });

  it('signs exactly hashData(proof config, document) (Ed25519 is deterministic)', async () => {
    const signed = await signedCredential();

    const data = hashData(
      await proofConfigCanon(signed.proof as Json, credential['@context']),
      await transformDocument(credential),
    );
    const expected = encodeMultibase(cryptoSign(null, data, issuerKeys.privateKey));
    expect((signed.proof as Json).proofValue).toBe(expected);
  });

  it('takes created from the clock, to the second', async () => {
    const signed = await createEddsaRdfc2022Proof(credential, signer, {
      verificationMethod,
      clock: fixedClock('2025-06-30T12:34:56.789Z'),
    });

    expect((signed.proof as Json).created).toBe('2025-06-30T12:34:56Z');
  });

  it('leaves the input document unchanged', async () => {
    const before = structuredClone(credential);

    await signedCredential();

    expect(credential).toEqual(before);
  });

  it('adds a second proof as a proof set that both verify', async () => {
    const second = generateKeyPairSync('ed25519');
    const once = await signedCredential();

    const twice = await createEddsaRdfc2022Proof(once, testSigner(second.privateKey), {
      verificationMethod: 'did:example:other#key',
      created: '2024-02-01T00:00:00Z',
    });

    const proofs = twice.proof as Json[];
    expect(proofs).toHaveLength(2);
    expect(proofs[0]).toEqual(once.proof);
    const first = await verifyDataIntegrityProof(twice, proofs[0], resolveKey);
    const other = await verifyDataIntegrityProof(twice, proofs[1], async () => second.publicKey);
    expect([first.ok, other.ok]).toEqual([true, true]);
  });

  it('refuses a signer that is not EdDSA', async () => {
    const es256 = { ...signer, algorithm: 'ES256' as const };

    await expect(createEddsaRdfc2022Proof(credential, es256, options)).rejects.toMatchObject({
      code: 'KEY_UNSUPPORTED',
    });
  });

  it('reports a failing signer as SIGNING_FAILED', async () => {
    const broken: Signer = {
      ...signer,
      sign: async () => Promise.reject(new Error('HSM offline')),
    };

    await expect(createEddsaRdfc2022Proof(credential, broken, options)).rejects.toMatchObject({
      code: 'SIGNING_FAILED',
      message: 'signing failed: HSM offline',
    });
  });

  it('refuses a signature that is not 64 bytes', async () => {
    const short: Signer = { ...signer, sign: async () => new Uint8Array(63) };

    await expect(createEddsaRdfc2022Proof(credential, short, options)).rejects.toMatchObject({
      code: 'SIGNING_FAILED',
    });
  });

  it('refuses a document with an undefined term', async () => {
    await expect(
      createEddsaRdfc2022Proof({ ...credential, notATerm: 1 }, signer, options),
    ).rejects.toMatchObject({ code: 'INPUT_MALFORMED' });
  });
});

describe('verifyDataIntegrityProof', () => {
  it('fails for every tampered claim', async () => {
    const signed = await signedCredential();
    const leaves = stringLeaves(credential);
    expect(leaves).toHaveLength(15);

    for (const path of leaves) {
      const tampered = tamper(signed, path);
      const result = await verifyDataIntegrityProof(tampered, tampered.proof, resolveKey);
      expect({ path, ok: result.ok, failure: result.failure }).toEqual({
        path,
        ok: false,
        failure: 'signature',
      });
    }
  });

  it('fails for a tampered proof option', async () => {
    const signed = await signedCredential();
    const proof = { ...(signed.proof as Json), created: '2024-01-01T00:00:01Z' };

    const result = await verifyDataIntegrityProof({ ...signed, proof }, proof, resolveKey);

    expect(result).toEqual({
      ok: false,
      suite: 'eddsa-rdfc-2022',
      reason: 'the eddsa-rdfc-2022 signature does not match the document and key',
      failure: 'signature',
    });
  });

  it('fails with the wrong key', async () => {
    const signed = await signedCredential();
    const stranger = generateKeyPairSync('ed25519').publicKey;

    const result = await verifyDataIntegrityProof(signed, signed.proof, async () => stranger);

    expect(result.ok).toBe(false);
    expect(result.failure).toBe('signature');
  });

  it('fails with a key that is not Ed25519', async () => {
    const signed = await signedCredential();
    const p256 = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey;

    const result = await verifyDataIntegrityProof(signed, signed.proof, async () => p256);

    expect(result).toMatchObject({
      ok: false,
      failure: 'key',
      reason: `the key ${verificationMethod} is ec, eddsa-rdfc-2022 needs Ed25519`,
    });
  });

  it('reports a resolver failure as a key failure with its code', async () => {
    const signed = await signedCredential();
    const missing = async () => Promise.reject(new CredstackError('KEY_NOT_FOUND', 'no such key'));

    const result = await verifyDataIntegrityProof(signed, signed.proof, missing);

    expect(result).toEqual({
      ok: false,
      suite: 'eddsa-rdfc-2022',
      reason: `the key ${verificationMethod} could not be resolved: no such key`,
      failure: 'key',
      code: 'KEY_NOT_FOUND',
    });
  });

  it('reports an unknown context as a canonicalization failure', async () => {
    const signed = await signedCredential();
    const unknown = { ...signed, '@context': [...credential['@context'], 'https://example.org/x'] };

    const result = await verifyDataIntegrityProof(unknown, signed.proof, resolveKey);

    expect(result).toMatchObject({
      ok: false,
      failure: 'canonicalization',
      code: 'CONTEXT_UNKNOWN',
    });
  });

  const malformed: [string, unknown, string][] = [
    ['not an object', 'proof', 'the proof is not a JSON object'],
    ['no type', { type: undefined }, 'the proof has no type (or more than one)'],
    [
      'an unknown type',
      { type: 'RsaSignature2018' },
      'the proof type "RsaSignature2018" is not supported (DataIntegrityProof, Ed25519Signature2020)',
    ],
    ['no cryptosuite', { cryptosuite: undefined }, 'the DataIntegrityProof has no cryptosuite'],
    [
      'an unknown cryptosuite',
      { type: 'DataIntegrityProof', cryptosuite: 'ecdsa-rdfc-2019' },
      'the cryptosuite "ecdsa-rdfc-2019" is not supported (eddsa-rdfc-2022, eddsa-2022)',
    ],
    [
      'another purpose',
      { proofPurpose: 'authentication' },
      'the proofPurpose is "authentication", a credential proof must be assertionMethod',
    ],
    [
      'no purpose',
      { proofPurpose: undefined },
      'the proof has no proofPurpose (a credential proof must be assertionMethod)',
    ],
    [
      'no verificationMethod',
      { verificationMethod: undefined },
      'the proof has no verificationMethod',
    ],
    ['no proofValue', { proofValue: undefined }, 'the proof has no proofValue'],
    [
      'a base64url proofValue',
      { proofValue: `u${Buffer.alloc(64).toString('base64url')}` },
      'the proofValue is not multibase base58btc (it must start with "z")',
    ],
    [
      'a proofValue outside base58',
      { proofValue: 'z0OIl' },
      'the proofValue is not valid base58btc',
    ],
    [
      'a short proofValue',
      { proofValue: encodeMultibase(new Uint8Array(63)) },
      'the proofValue holds 63 bytes, an Ed25519 signature is 64',
    ],
  ];

  it.each(malformed)('rejects a proof with %s', async (_what, change, reason) => {
    const signed = await signedCredential();
    const proof =
      typeof change === 'object' ? { ...(signed.proof as Json), ...(change as Json) } : change;

    const result = await verifyDataIntegrityProof(signed, proof, resolveKey);

    expect(result.ok).toBe(false);
    expect(result.reason).toBe(reason);
    expect(result.failure).toBe('malformed');
  });

  it('never calls the resolver for a malformed proof', async () => {
    const signed = await signedCredential();
    let calls = 0;

    await verifyDataIntegrityProof(
      signed,
      { ...(signed.proof as Json), proofValue: 'z1' },
      async () => {
        calls++;
        return issuerKeys.publicKey;
      },
    );

    expect(calls).toBe(0);
  });

  it("refuses a proof @context that does not start the document's", async () => {
    const signed = await signedCredential();
    const proof = { ...(signed.proof as Json), '@context': [VC_V1_CONTEXT] };

    const result = await verifyDataIntegrityProof(signed, proof, resolveKey);

    expect(result).toMatchObject({
      ok: false,
      reason: "the proof's @context is not the start of the document's @context",
    });
  });

  it('refuses a chained proof whose previous proof is missing', async () => {
    const signed = await signedCredential();
    const proof = { ...(signed.proof as Json), previousProof: 'urn:uuid:gone' };

    const result = await verifyDataIntegrityProof(signed, proof, resolveKey);

    expect(result).toMatchObject({
      ok: false,
      failure: 'malformed',
      reason: 'the previous proof urn:uuid:gone is not in the document',
    });
  });

  it('verifies a legacy eddsa-2022 proof and flags it', async () => {
    const document = {
      ...credential,
      '@context': [VC_V1_CONTEXT, OB_CONTEXT, DATA_INTEGRITY_V2_CONTEXT_URL],
      issuanceDate: '2024-01-01T00:00:00Z',
    };
    const { validFrom: _validFrom, ...unsecured } = document;
    const proofOptions = {
      type: 'DataIntegrityProof',
      cryptosuite: 'eddsa-2022',
      created: '2024-01-01T00:00:00Z',
      verificationMethod,
      proofPurpose: 'assertionMethod',
    };
    const data = hashData(
      await proofConfigCanon(proofOptions, unsecured['@context']),
      await transformDocument(unsecured),
    );
    const proof = {
      ...proofOptions,
      proofValue: encodeMultibase(cryptoSign(null, data, issuerKeys.privateKey)),
    };

    const result = await verifyDataIntegrityProof({ ...unsecured, proof }, proof, resolveKey);

    expect(result).toEqual({
      ok: true,
      suite: 'eddsa-2022',
      legacy: true,
      reason: `the eddsa-2022 proof (legacy name of eddsa-rdfc-2022) is valid for ${verificationMethod}`,
    });
  });

  it('verifies an Ed25519Signature2020 proof', async () => {
    const unsecured = {
      ...credential,
      '@context': [...credential['@context'], ED25519_2020_CONTEXT_URL],
    };
    const proofOptions = {
      type: 'Ed25519Signature2020',
      created: '2024-01-01T00:00:00Z',
      verificationMethod,
      proofPurpose: 'assertionMethod',
    };
    const data = hashData(
      await proofConfigCanon(proofOptions, unsecured['@context']),
      await transformDocument(unsecured),
    );
    const proof = {
      ...proofOptions,
      proofValue: encodeMultibase(cryptoSign(null, data, issuerKeys.privateKey)),
    };

    const result = await verifyDataIntegrityProof({ ...unsecured, proof }, proof, resolveKey);

    expect(result).toEqual({
      ok: true,
      suite: 'Ed25519Signature2020',
      reason: `the Ed25519Signature2020 proof is valid for ${verificationMethod}`,
    });
  });
});
