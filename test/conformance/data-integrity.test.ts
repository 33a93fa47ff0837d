import { createHash, createPublicKey, sign as cryptoSign, type KeyObject } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  ed25519SecretMultikeyToKeyObject,
  ed25519SeedToKeyObject,
  encodeMultibase,
  multikeyToKeyObject,
  publicKeyToMultikey,
} from '#shared/credentials/crypto/multikey.ts';
import type { Signer } from '#shared/credentials/crypto/signer.ts';
import { canonize } from '#shared/credentials/jsonld/canonize.ts';
import { CLR_V2P0_CONTEXT_URL } from '#shared/credentials/jsonld/contexts.ts';
import {
  createDocumentLoader,
  type DocumentLoader,
} from '#shared/credentials/jsonld/document-loader.ts';
import {
  createEddsaRdfc2022Proof,
  verifyDataIntegrityProof,
} from '#shared/credentials/proof/data-integrity.ts';
import {
  hashData,
  proofConfigCanon,
  transformDocument,
} from '#shared/credentials/proof/di-eddsa.ts';
import { readOb3Json, readOb3Text } from '#test/support/ob3-data.ts';
import { requireOb3Data } from '#test/support/require-ob3-data.ts';

type Json = Record<string, unknown>;

const OB_SPEC = '1edtech-openbadges-specification';
const VALIDATOR = '1edtech-validator';
const W3C_EDDSA = 'w3c/vc-di-eddsa-TestVectors';
const EXAMPLES_V2_CONTEXT_URL = 'https://www.w3.org/ns/credentials/examples/v2';

interface OneEdTechValues {
  publicKeyHex: string;
  privateKeyHex: string;
  publicKeyMultibase: string;
  documentHashHex: string;
  proofHashHex: string;
  dataToSignHex: string;
  signatureHex: string;
  proofValue: string;
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

function testSigner(privateKey: KeyObject): Signer {
  return {
    algorithm: 'EdDSA',
    keyRef: 'published-test-key',
    sign: async (data) => new Uint8Array(cryptoSign(null, data, privateKey)),
    publicJwk: async () => createPublicKey(privateKey).export({ format: 'jwk' }),
  };
}

/** The key a verification method carries in its fragment (`…#z6Mk…`), as the fixtures do. */
async function keyFromFragment(verificationMethod: string): Promise<KeyObject> {
  return multikeyToKeyObject(verificationMethod.slice(verificationMethod.indexOf('#') + 1));
}

function withoutProof(document: Json): Json {
  const { proof: _proof, ...unsecured } = document;
  return unsecured;
}

async function clrLoader(): Promise<DocumentLoader> {
  const clrContext = await readOb3Json(VALIDATOR, 'contexts', 'clr-v2p0-2.0.1.json');
  return createDocumentLoader(new Map([[CLR_V2P0_CONTEXT_URL, clrContext]]));
}

async function examplesLoader(): Promise<DocumentLoader> {
  const examples = await readOb3Json('w3c', 'contexts', 'credentials-examples-v2.jsonld');
  return createDocumentLoader(new Map([[EXAMPLES_V2_CONTEXT_URL, examples]]));
}

if (requireOb3Data()) {
  describe.each([
    {
      name: 'Open Badges 3.0 (obv3p0)',
      values: 'ob-eddsa-rdfc-2022-values.json',
      folder: 'obv3p0',
      unsigned: 'linked-data-proof-ob--01-credential.json',
      proof: 'linked-data-proof-ob--02-proof.json',
      signed: 'linked-data-proof-ob--03-signed-credential.json',
      loader: async () => createDocumentLoader(),
    },
    {
      name: 'CLR 2.0 (clrv2p0)',
      values: 'clr-eddsa-rdfc-2022-values.json',
      folder: 'clrv2p0',
      unsigned: 'linked-data-proof-clr--02-document-before-signing.json',
      proof: 'linked-data-proof-clr--03-proof.json',
      signed: 'linked-data-proof-clr--04-signed-credential.json',
      loader: clrLoader,
    },
  ])('1EdTech eddsa-rdfc-2022 test vector: $name', (vector) => {
    async function load() {
      return {
        values: await readOb3Json<OneEdTechValues>(OB_SPEC, 'test-vectors', vector.values),
        unsigned: await readOb3Json(OB_SPEC, 'examples', vector.unsigned),
        proof: await readOb3Json(OB_SPEC, 'examples', vector.proof),
        signed: await readOb3Json(OB_SPEC, 'examples', vector.signed),
        documentLoader: await vector.loader(),
      };
    }

    it('canonicalizes the credential exactly as document-canon.txt', async () => {
      const { unsigned, documentLoader } = await load();

      const canonical = await transformDocument(unsigned, { documentLoader });

      expect(canonical).toBe(
        await readOb3Text(OB_SPEC, 'test-vectors', vector.folder, 'document-canon.txt'),
      );
    });

    it('canonicalizes the proof configuration exactly as proof-canon.txt', async () => {
      const { unsigned, proof, documentLoader } = await load();

      const canonical = await proofConfigCanon(proof, unsigned['@context'], { documentLoader });

      expect(canonical).toBe(
        await readOb3Text(OB_SPEC, 'test-vectors', vector.folder, 'proof-canon.txt'),
      );
    });

    it('hashes to the published values', async () => {
      const { values, unsigned, proof, documentLoader } = await load();
      const canonicalDocument = await transformDocument(unsigned, { documentLoader });
      const canonicalProof = await proofConfigCanon(proof, unsigned['@context'], {
        documentLoader,
      });

      const data = hashData(canonicalProof, canonicalDocument);

      expect(sha256Hex(canonicalDocument)).toBe(values.documentHashHex);
      expect(sha256Hex(canonicalProof)).toBe(values.proofHashHex);
      expect(hex(data)).toBe(values.dataToSignHex);
    });

    it('reproduces the published proofValue with the published test key', async () => {
      const { values, unsigned, proof, signed, documentLoader } = await load();
      const privateKey = ed25519SeedToKeyObject(
        Buffer.from(values.privateKeyHex.slice(0, 64), 'hex'),
      );

      const secured = await createEddsaRdfc2022Proof(unsigned, testSigner(privateKey), {
        verificationMethod: proof.verificationMethod as string,
        created: proof.created as string,
        documentLoader,
      });

      expect(publicKeyToMultikey(privateKey)).toBe(values.publicKeyMultibase);
      expect(values.privateKeyHex.slice(64)).toBe(values.publicKeyHex);
      expect(secured.proof).toEqual(proof);
      expect((secured.proof as Json).proofValue).toBe(values.proofValue);
      expect(withoutProof(secured)).toEqual(withoutProof(signed));
      expect([signed.proof].flat()).toEqual([proof]);
      const signature = cryptoSign(null, Buffer.from(values.dataToSignHex, 'hex'), privateKey);
      expect(hex(signature)).toBe(values.signatureHex);
    });

    it('verifies the published signed credential', async () => {
      const { signed, documentLoader } = await load();
      const proof = [signed.proof].flat()[0];

      const result = await verifyDataIntegrityProof(signed, proof, keyFromFragment, {
        documentLoader,
      });

      expect(result.ok).toBe(true);
      expect(result.suite).toBe('eddsa-rdfc-2022');
    });
  });

  describe('CLR 2.0 context at runtime', () => {
    it('is known from its vendored copy: the CLR vector canonicalizes with the default loader', async () => {
      const unsigned = await readOb3Json(
        OB_SPEC,
        'examples',
        'linked-data-proof-clr--02-document-before-signing.json',
      );

      expect(await canonize(unsigned)).toBe(
        await readOb3Text(OB_SPEC, 'test-vectors', 'clrv2p0', 'document-canon.txt'),
      );
    });
  });

  describe('W3C vc-di-eddsa test vectors: eddsa-rdfc-2022', () => {
    async function load() {
      const keyPair = await readOb3Json<{
        publicKeyMultibase: string;
        privateKeyMultibase: string;
      }>(W3C_EDDSA, 'keyPair.json');
      return {
        privateKey: ed25519SecretMultikeyToKeyObject(keyPair.privateKeyMultibase),
        publicKeyMultibase: keyPair.publicKeyMultibase,
        unsigned: await readOb3Json(W3C_EDDSA, 'unsigned.json'),
        proofConfig: await readOb3Json(W3C_EDDSA, 'eddsa-rdfc-2022', 'proofConfigDataInt.json'),
        signed: await readOb3Json(W3C_EDDSA, 'eddsa-rdfc-2022', 'signedDataInt.json'),
        documentLoader: await examplesLoader(),
      };
    }
    const text = (name: string) => readOb3Text(W3C_EDDSA, 'eddsa-rdfc-2022', name);

    it('reproduces every intermediate value and the signature', async () => {
      const { privateKey, unsigned, proofConfig, documentLoader } = await load();

      const canonicalDocument = await transformDocument(unsigned, { documentLoader });
      const canonicalProof = await proofConfigCanon(proofConfig, proofConfig['@context'], {
        documentLoader,
      });
      const data = hashData(canonicalProof, canonicalDocument);
      const signature = cryptoSign(null, data, privateKey);

      expect(canonicalDocument).toBe(await text('canonDocDataInt.txt'));
      expect(canonicalProof).toBe(await text('proofCanonDataInt.txt'));
      expect(sha256Hex(canonicalDocument)).toBe((await text('docHashDataInt.txt')).trim());
      expect(sha256Hex(canonicalProof)).toBe((await text('proofHashDataInt.txt')).trim());
      expect(hex(data)).toBe((await text('combinedHashDataInt.txt')).trim());
      expect(hex(signature)).toBe((await text('sigHexDataInt.txt')).trim());
      expect(encodeMultibase(signature)).toBe((await text('sigBTC58DataInt.txt')).trim());
    });

    it('creates the published signed credential', async () => {
      const { privateKey, publicKeyMultibase, unsigned, proofConfig, signed, documentLoader } =
        await load();

      const secured = await createEddsaRdfc2022Proof(unsigned, testSigner(privateKey), {
        verificationMethod: proofConfig.verificationMethod as string,
        created: proofConfig.created as string,
        documentLoader,
      });

      expect(publicKeyToMultikey(privateKey)).toBe(publicKeyMultibase);
      expect(secured).toEqual(signed);
    });

    it('verifies the signed credential, and not a tampered one', async () => {
      const { signed, documentLoader } = await load();
      const tampered = { ...signed, validFrom: '2023-01-02T00:00:00Z' };

      const valid = await verifyDataIntegrityProof(signed, signed.proof, keyFromFragment, {
        documentLoader,
      });
      const invalid = await verifyDataIntegrityProof(tampered, signed.proof, keyFromFragment, {
        documentLoader,
      });

      expect(valid).toMatchObject({ ok: true, suite: 'eddsa-rdfc-2022' });
      expect(invalid).toMatchObject({ ok: false, failure: 'signature' });
    });
  });

  describe('W3C vc-di-eddsa test vectors: eddsa-rdfc-2022 employment credential', () => {
    const text = (name: string) => readOb3Text(W3C_EDDSA, 'eddsa-rdfc-2022', 'employ', name);
    const CITIZENSHIP_CONTEXT_URL = 'https://w3id.org/citizenship/v4rc1';

    it('reproduces the hashes and the signature from the published canonical forms', async () => {
      // The citizenship context is not in the standards data, so the document cannot be
      // canonicalized here; its published canonical form is used. The proof configuration
      // only uses terms of the (protected) VC v2 context, so an empty stand-in for the
      // citizenship context canonicalizes it exactly.
      const keyPair = await readOb3Json<{ privateKeyMultibase: string }>(W3C_EDDSA, 'keyPair.json');
      const privateKey = ed25519SecretMultikeyToKeyObject(keyPair.privateKeyMultibase);
      const proofConfig = await readOb3Json(
        W3C_EDDSA,
        'eddsa-rdfc-2022',
        'employ',
        'proofConfigDataInt.json',
      );
      const signed = await readOb3Json(
        W3C_EDDSA,
        'eddsa-rdfc-2022',
        'employ',
        'signedDataInt.json',
      );
      const documentLoader = createDocumentLoader(
        new Map([[CITIZENSHIP_CONTEXT_URL, { '@context': {} }]]),
      );
      const canonicalDocument = await text('canonDocDataInt.txt');

      const canonicalProof = await proofConfigCanon(proofConfig, proofConfig['@context'], {
        documentLoader,
      });
      const data = hashData(canonicalProof, canonicalDocument);
      const signature = cryptoSign(null, data, privateKey);

      expect(canonicalProof).toBe(await text('proofCanonDataInt.txt'));
      expect(sha256Hex(canonicalDocument)).toBe((await text('docHashDataInt.txt')).trim());
      expect(sha256Hex(canonicalProof)).toBe((await text('proofHashDataInt.txt')).trim());
      expect(hex(data)).toBe((await text('combinedHashDataInt.txt')).trim());
      expect(hex(signature)).toBe((await text('sigHexDataInt.txt')).trim());
      expect(encodeMultibase(signature)).toBe((signed.proof as Json).proofValue);
    });

    it('reports the unknown citizenship context instead of verifying', async () => {
      const signed = await readOb3Json(
        W3C_EDDSA,
        'eddsa-rdfc-2022',
        'employ',
        'signedDataInt.json',
      );

      const result = await verifyDataIntegrityProof(signed, signed.proof, keyFromFragment);

      expect(result).toMatchObject({
        ok: false,
        failure: 'canonicalization',
        code: 'CONTEXT_UNKNOWN',
      });
    });
  });

  describe('W3C vc-di-eddsa test vectors: Ed25519Signature2020', () => {
    const text = (name: string) => readOb3Text(W3C_EDDSA, 'Ed25519Signature2020', name);

    it('reproduces every intermediate value and the signature', async () => {
      const keyPair = await readOb3Json<{ privateKeyMultibase: string }>(W3C_EDDSA, 'keyPair.json');
      const privateKey = ed25519SecretMultikeyToKeyObject(keyPair.privateKeyMultibase);
      const signed = await readOb3Json(W3C_EDDSA, 'Ed25519Signature2020', 'signedEdSig.json');
      const proofConfig = await readOb3Json(
        W3C_EDDSA,
        'Ed25519Signature2020',
        'proofConfigEdSig.json',
      );
      const documentLoader = await examplesLoader();

      const canonicalDocument = await transformDocument(withoutProof(signed), { documentLoader });
      const canonicalProof = await proofConfigCanon(proofConfig, signed['@context'], {
        documentLoader,
      });
      const data = hashData(canonicalProof, canonicalDocument);
      const signature = cryptoSign(null, data, privateKey);

      expect(canonicalDocument).toBe(await text('canonDocEdSig.txt'));
      expect(canonicalProof).toBe(await text('proofCanonEdSig.txt'));
      expect(sha256Hex(canonicalDocument)).toBe((await text('docHashEdSig.txt')).trim());
      expect(sha256Hex(canonicalProof)).toBe((await text('proofHashEdSig.txt')).trim());
      expect(hex(data)).toBe((await text('combinedHashEdSig.txt')).trim());
      expect(hex(signature)).toBe((await text('sigHexEdSig.txt')).trim());
      expect(encodeMultibase(signature)).toBe((await text('sigBTC58EdSig.txt')).trim());
    });

    it('verifies the signed credential', async () => {
      const signed = await readOb3Json(W3C_EDDSA, 'Ed25519Signature2020', 'signedEdSig.json');

      const result = await verifyDataIntegrityProof(signed, signed.proof, keyFromFragment, {
        documentLoader: await examplesLoader(),
      });

      expect(result).toMatchObject({ ok: true, suite: 'Ed25519Signature2020' });
    });
  });

  describe('W3C vc-di-eddsa test vectors: proof sets and chains', () => {
    it.each(['signedProofSet2.json', 'signedProofChain2.json'])(
      'verifies every proof of %s',
      async (file) => {
        const signed = await readOb3Json(W3C_EDDSA, 'proof-set-chain', file);
        const documentLoader = await examplesLoader();
        const proofs = signed.proof as Json[];

        const results = await Promise.all(
          proofs.map((proof) =>
            verifyDataIntegrityProof(signed, proof, keyFromFragment, { documentLoader }),
          ),
        );

        expect(results.map((r) => r.ok)).toEqual(proofs.map(() => true));
      },
    );

    it('fails a chained proof when a proof it chains to was altered', async () => {
      const signed = await readOb3Json(W3C_EDDSA, 'proof-set-chain', 'signedProofChain2.json');
      const proofs = signed.proof as Json[];
      const altered = proofs.map((proof, i) =>
        i === 2 ? { ...proof, created: '2023-02-26T22:06:39Z' } : proof,
      );

      const result = await verifyDataIntegrityProof(
        { ...signed, proof: altered },
        altered[3],
        keyFromFragment,
        {
          documentLoader: await examplesLoader(),
        },
      );

      expect(result).toMatchObject({ ok: false, failure: 'signature' });
    });
  });

  describe('1EdTech validator fixtures (ob30)', () => {
    const fixture = (name: string) => readOb3Json(VALIDATOR, 'test-fixtures', 'ob30', name);

    it('verifies simple.json with the key of its verificationMethod fragment', async () => {
      const credential = await fixture('simple.json');
      const [proof] = [credential.proof].flat();

      const result = await verifyDataIntegrityProof(credential, proof, keyFromFragment);

      expect(result).toEqual({
        ok: true,
        suite: 'eddsa-rdfc-2022',
        reason:
          'the eddsa-rdfc-2022 proof is valid for https://example.com/issuers/876543#z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi',
      });
    });

    it('verifies simple-eddsa-2022.json and flags the legacy cryptosuite', async () => {
      const credential = await fixture('simple-eddsa-2022.json');
      const [proof] = [credential.proof].flat();

      const result = await verifyDataIntegrityProof(credential, proof, keyFromFragment);

      expect(result).toMatchObject({ ok: true, suite: 'eddsa-2022', legacy: true });
    });

    it('fails simple-err-proof-value.json on the signature', async () => {
      const credential = await fixture('simple-err-proof-value.json');
      const [proof] = [credential.proof].flat();

      const result = await verifyDataIntegrityProof(credential, proof, keyFromFragment);

      expect(result).toEqual({
        ok: false,
        suite: 'eddsa-rdfc-2022',
        reason: 'the eddsa-rdfc-2022 signature does not match the document and key',
        failure: 'signature',
      });
    });

    it('verifies the DataIntegrityProof of simple-multiple-proofs.json and rejects SomeProofType', async () => {
      const credential = await fixture('simple-multiple-proofs.json');
      const proofs = credential.proof as Json[];

      const results = await Promise.all(
        proofs.map((proof) => verifyDataIntegrityProof(credential, proof, keyFromFragment)),
      );

      expect(results.map((r) => [r.ok, r.suite, r.failure])).toEqual([
        [false, 'SomeProofType', 'malformed'],
        [true, 'eddsa-rdfc-2022', undefined],
      ]);
    });
  });
}
