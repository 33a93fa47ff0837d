import { decodeMultibase } from '#shared/credentials/crypto/multikey.ts';

/**
 * Which Data Integrity proofs credstack verifies, and the shape checks a proof must pass
 * before any canonicalization or key lookup is spent on it.
 */

/** The suites verified here; all are Ed25519 over RDFC-1.0 canonical N-Quads. */
export const DATA_INTEGRITY_SUITES = [
  'eddsa-rdfc-2022',
  'eddsa-2022',
  'Ed25519Signature2020',
] as const;
export type DataIntegritySuite = (typeof DATA_INTEGRITY_SUITES)[number];

/** A proof that passed the shape checks. */
export interface ParsedProof {
  readonly suite: DataIntegritySuite;
  /** eddsa-2022: the cryptosuite's name before vc-di-eddsa 1.0 renamed it. */
  readonly legacy: boolean;
  readonly verificationMethod: string;
  readonly signature: Uint8Array;
}

export type ProofShape =
  | { readonly ok: true; readonly proof: ParsedProof }
  | { readonly ok: false; readonly suite: string; readonly reason: string };

const ED25519_SIGNATURE_BYTES = 64;

function identifySuite(
  proof: Readonly<Record<string, unknown>>,
): DataIntegritySuite | { suite: string; reason: string } {
  const { type, cryptosuite } = proof;
  if (type === 'DataIntegrityProof') {
    if (cryptosuite === 'eddsa-rdfc-2022' || cryptosuite === 'eddsa-2022') return cryptosuite;
    if (typeof cryptosuite !== 'string') {
      return { suite: 'DataIntegrityProof', reason: 'the DataIntegrityProof has no cryptosuite' };
    }
    return {
      suite: cryptosuite,
      reason: `the cryptosuite "${cryptosuite}" is not supported (eddsa-rdfc-2022, eddsa-2022)`,
    };
  }
  if (type === 'Ed25519Signature2020') return 'Ed25519Signature2020';
  if (typeof type !== 'string') {
    return { suite: 'unknown', reason: 'the proof has no type (or more than one)' };
  }
  return {
    suite: type,
    reason: `the proof type "${type}" is not supported (DataIntegrityProof, Ed25519Signature2020)`,
  };
}

function decodeSignature(proofValue: unknown): Uint8Array | string {
  if (typeof proofValue !== 'string' || proofValue === '') return 'the proof has no proofValue';
  if (!proofValue.startsWith('z')) {
    return 'the proofValue is not multibase base58btc (it must start with "z")';
  }
  let signature: Uint8Array;
  try {
    signature = decodeMultibase(proofValue);
  } catch {
    return 'the proofValue is not valid base58btc';
  }
  if (signature.length !== ED25519_SIGNATURE_BYTES) {
    return `the proofValue holds ${signature.length} bytes, an Ed25519 signature is 64`;
  }
  return signature;
}

/**
 * Checks a proof's type, cryptosuite, purpose, verification method and proofValue encoding,
 * and decodes the signature. Never throws: a bad proof gives `ok: false` and a reason.
 *
 * @example
 * const shape = parseProof(credential.proof);
 * if (!shape.ok) return fail(shape.reason);
 */
export function parseProof(proof: unknown): ProofShape {
  if (typeof proof !== 'object' || proof === null || Array.isArray(proof)) {
    return { ok: false, suite: 'unknown', reason: 'the proof is not a JSON object' };
  }
  const fields = proof as Readonly<Record<string, unknown>>;
  const suite = identifySuite(fields);
  if (typeof suite !== 'string') return { ok: false, ...suite };
  const fail = (reason: string): ProofShape => ({ ok: false, suite, reason });
  if (fields.proofPurpose !== 'assertionMethod') {
    return fail(
      typeof fields.proofPurpose === 'string'
        ? `the proofPurpose is "${fields.proofPurpose}", a credential proof must be assertionMethod`
        : 'the proof has no proofPurpose (a credential proof must be assertionMethod)',
    );
  }
  const { verificationMethod } = fields;
  if (typeof verificationMethod !== 'string' || verificationMethod === '') {
    return fail('the proof has no verificationMethod');
  }
  const signature = decodeSignature(fields.proofValue);
  if (typeof signature === 'string') return fail(signature);
  return {
    ok: true,
    proof: { suite, legacy: suite === 'eddsa-2022', verificationMethod, signature },
  };
}
