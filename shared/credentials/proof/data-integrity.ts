import { verify as cryptoVerify, type KeyObject } from 'node:crypto';
import { type Clock, systemClock } from '#shared/core/clock.ts';
import {
  CredstackError,
  describeError,
  type ErrorCode,
  isCredstackError,
} from '#shared/core/errors.ts';
import { encodeMultibase } from '#shared/credentials/crypto/multikey.ts';
import type { Signer } from '#shared/credentials/crypto/signer.ts';
import type { DocumentLoader } from '#shared/credentials/jsonld/document-loader.ts';
import { hashData, proofConfigCanon, transformDocument } from './di-eddsa.ts';
import { parseProof } from './di-suites.ts';

/**
 * Data Integrity proofs (W3C VC Data Integrity 1.0 with the vc-di-eddsa suites): issuing
 * eddsa-rdfc-2022 proofs, and verifying eddsa-rdfc-2022, the legacy eddsa-2022 and
 * Ed25519Signature2020 proofs.
 */

export interface CreateProofOptions {
  /** URL of the key, e.g. `did:web:example.org#key-1` or `did:key:z6Mk…#z6Mk…`. */
  readonly verificationMethod: string;
  /** XML Schema dateTime; defaults to the clock's now, to the second. */
  readonly created?: string;
  readonly proofPurpose?: 'assertionMethod';
  readonly clock?: Clock;
  readonly documentLoader?: DocumentLoader;
}

export interface DataIntegrityResult {
  readonly ok: boolean;
  /** `eddsa-rdfc-2022`, `eddsa-2022`, `Ed25519Signature2020`, or the unsupported name. */
  readonly suite: string;
  /** A sentence a person can read. */
  readonly reason: string;
  /** The proof uses a legacy cryptosuite name (eddsa-2022): valid, but worth a warning. */
  readonly legacy?: boolean;
  /** What failed: the proof's shape, its key, canonicalization, or the signature itself. */
  readonly failure?: 'malformed' | 'key' | 'canonicalization' | 'signature';
  /** The CredstackError code behind a key or canonicalization failure (e.g. CONTEXT_UNKNOWN). */
  readonly code?: ErrorCode;
}

/** Resolves a verification method URL to its public key (did:key, did:web, HTTPS …). */
export type VerificationKeyResolver = (verificationMethod: string) => Promise<KeyObject>;

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function dateTimeToSecond(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

/**
 * Secures `document` with an eddsa-rdfc-2022 DataIntegrityProof (vc-di-eddsa 1.0): the
 * canonical proof configuration and canonical document are hashed and the 64-byte hash is
 * signed with Ed25519. A document that already has a proof gets a proof set (array).
 *
 * @throws CredstackError `KEY_UNSUPPORTED` for a non-EdDSA signer, `CONTEXT_UNKNOWN` /
 * `INPUT_MALFORMED` when the document cannot be canonicalized, `SIGNING_FAILED`.
 * @example
 * const signed = await createEddsaRdfc2022Proof(credential, signer, {
 *   verificationMethod: 'did:web:issuer.example#key-1',
 * });
 */
export async function createEddsaRdfc2022Proof(
  document: Readonly<Json>,
  signer: Signer,
  options: CreateProofOptions,
): Promise<Json> {
  if (signer.algorithm !== 'EdDSA') {
    throw new CredstackError(
      'KEY_UNSUPPORTED',
      `eddsa-rdfc-2022 needs an Ed25519 (EdDSA) key, the signer's key is ${signer.algorithm}`,
    );
  }
  if (!isObject(document) || !('@context' in document)) {
    throw new CredstackError(
      'BUILD_INVALID',
      'a Data Integrity proof needs a JSON-LD document with @context',
    );
  }
  const { proof: existing, ...unsecured } = document;
  const proofOptions: Json = {
    type: 'DataIntegrityProof',
    created: options.created ?? dateTimeToSecond((options.clock ?? systemClock).now()),
    verificationMethod: options.verificationMethod,
    cryptosuite: 'eddsa-rdfc-2022',
    proofPurpose: options.proofPurpose ?? 'assertionMethod',
  };
  const canonOptions = { documentLoader: options.documentLoader };
  const [canonicalDocument, canonicalProofConfig] = await Promise.all([
    transformDocument(unsecured, canonOptions),
    proofConfigCanon(proofOptions, unsecured['@context'], canonOptions),
  ]);
  let signature: Uint8Array;
  try {
    signature = await signer.sign(hashData(canonicalProofConfig, canonicalDocument));
  } catch (error) {
    if (isCredstackError(error)) throw error;
    throw new CredstackError('SIGNING_FAILED', `signing failed: ${describeError(error)}`, {
      cause: error,
    });
  }
  if (signature.length !== 64) {
    throw new CredstackError(
      'SIGNING_FAILED',
      `the signer returned ${signature.length} bytes, an Ed25519 signature is 64`,
    );
  }
  const proof = { ...proofOptions, proofValue: encodeMultibase(signature) };
  const proofs =
    existing === undefined ? proof : [...(Array.isArray(existing) ? existing : [existing]), proof];
  return { ...document, proof: proofs };
}

/** The document the proof signed: without `proof`, or with only the proofs it chains to. */
function unsecuredFor(document: Json, proof: Json): Json | string {
  const { proof: all, ...unsecured } = document;
  const previous = proof.previousProof;
  if (previous === undefined) return unsecured;
  const wanted = Array.isArray(previous) ? previous : [previous];
  const candidates = Array.isArray(all) ? all : all === undefined ? [] : [all];
  const matching: unknown[] = [];
  for (const id of wanted) {
    const found = candidates.find((candidate) => isObject(candidate) && candidate.id === id);
    if (found === undefined) return `the previous proof ${String(id)} is not in the document`;
    matching.push(found);
  }
  return { ...unsecured, proof: matching };
}

/** The proof options with their own `@context` checked against the document's (VC-DI 1.0). */
function contextFor(document: Json, proof: Json): unknown {
  if (!('@context' in proof)) return document['@context'];
  const own = Array.isArray(proof['@context']) ? proof['@context'] : [proof['@context']];
  const documents = Array.isArray(document['@context'])
    ? document['@context']
    : [document['@context']];
  const prefix = own.every((value, i) => JSON.stringify(value) === JSON.stringify(documents[i]));
  return prefix ? proof['@context'] : undefined;
}

type Outcome<T> = { readonly value: T } | { readonly error: unknown };

function settle<T>(promise: Promise<T>): Promise<Outcome<T>> {
  return promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
}

/**
 * Verifies one Data Integrity proof of `document` (eddsa-rdfc-2022, legacy eddsa-2022,
 * Ed25519Signature2020). Never throws for a bad proof: a malformed proof, an unknown suite, a
 * key that cannot be resolved, a document that cannot be canonicalized or a signature that
 * does not match each give `ok: false` with a reason. `resolveKey` turns the proof's
 * verificationMethod into a public key; binding that key to the issuer is the caller's job.
 *
 * @example
 * const result = await verifyDataIntegrityProof(credential, credential.proof, resolveKey);
 * if (!result.ok) console.log(result.reason);
 */
export async function verifyDataIntegrityProof(
  document: Readonly<Json>,
  proof: unknown,
  resolveKey: VerificationKeyResolver,
  options: {
    readonly documentLoader?: DocumentLoader;
    /** RDFC-1.0 work factor and time limit (see canonize.ts); the defaults allow any credential. */
    readonly maxWorkFactor?: number;
    readonly signal?: AbortSignal;
  } = {},
): Promise<DataIntegrityResult> {
  const shape = parseProof(proof);
  if (!shape.ok)
    return { ok: false, suite: shape.suite, reason: shape.reason, failure: 'malformed' };
  const { suite, legacy, verificationMethod, signature } = shape.proof;
  const base = legacy ? { suite, legacy } : { suite };
  const fail = (failure: DataIntegrityResult['failure'], reason: string, code?: ErrorCode) => ({
    ok: false,
    ...base,
    reason,
    failure,
    ...(code ? { code } : {}),
  });
  const proofFields = proof as Json;
  if (!isObject(document) || !('@context' in document)) {
    return fail('malformed', 'the secured document is not a JSON-LD object with @context');
  }
  const context = contextFor(document, proofFields);
  if (context === undefined) {
    return fail('malformed', "the proof's @context is not the start of the document's @context");
  }
  const unsecured = unsecuredFor(document, proofFields);
  if (typeof unsecured === 'string') return fail('malformed', unsecured);
  unsecured['@context'] = context;

  const canonOptions = {
    documentLoader: options.documentLoader,
    ...(options.maxWorkFactor === undefined ? {} : { maxWorkFactor: options.maxWorkFactor }),
    ...(options.signal ? { signal: options.signal } : {}),
  };
  const [documentCanon, proofCanon, key] = await Promise.all([
    settle(transformDocument(unsecured, canonOptions)),
    settle(proofConfigCanon(proofFields, context, canonOptions)),
    settle(resolveKey(verificationMethod)),
  ]);
  for (const outcome of [documentCanon, proofCanon]) {
    if ('error' in outcome) {
      const code = isCredstackError(outcome.error) ? outcome.error.code : undefined;
      return fail('canonicalization', describeError(outcome.error), code);
    }
  }
  if ('error' in key) {
    const code = isCredstackError(key.error) ? key.error.code : undefined;
    return fail(
      'key',
      `the key ${verificationMethod} could not be resolved: ${describeError(key.error)}`,
      code,
    );
  }
  if (key.value.asymmetricKeyType !== 'ed25519') {
    return fail(
      'key',
      `the key ${verificationMethod} is ${key.value.asymmetricKeyType ?? 'not asymmetric'}, ${suite} needs Ed25519`,
    );
  }
  const data = hashData(
    (proofCanon as { value: string }).value,
    (documentCanon as { value: string }).value,
  );
  let valid: boolean;
  try {
    valid = cryptoVerify(null, data, key.value, signature);
  } catch (error) {
    return fail('key', `the key ${verificationMethod} cannot verify: ${describeError(error)}`);
  }
  if (!valid)
    return fail('signature', `the ${suite} signature does not match the document and key`);
  return {
    ok: true,
    ...base,
    reason: legacy
      ? `the ${suite} proof (legacy name of eddsa-rdfc-2022) is valid for ${verificationMethod}`
      : `the ${suite} proof is valid for ${verificationMethod}`,
  };
}
