import { createHash } from 'node:crypto';
import { type CanonizeOptions, canonize } from '#shared/credentials/jsonld/canonize.ts';

/**
 * The algorithm steps of the W3C vc-di-eddsa RDFC suites (eddsa-rdfc-2022, its legacy name
 * eddsa-2022, and Ed25519Signature2020, which differ only in the proof's own fields):
 * transformation, proof configuration and hashing. Exported one by one so tests can compare
 * every intermediate value with the published test vectors byte for byte.
 */

/**
 * Transformation: the RDFC-1.0 canonical N-Quads of the unsecured document (the caller has
 * removed `proof`).
 *
 * @example
 * const canonicalDocument = await transformDocument(unsecuredCredential);
 */
export function transformDocument(
  unsecuredDocument: object,
  options?: CanonizeOptions,
): Promise<string> {
  return canonize(unsecuredDocument, options);
}

/**
 * Proof configuration: the canonical N-Quads of the proof options (the proof without
 * `proofValue`) under the document's `@context`, which is what makes the proof's terms
 * (`created`, `cryptosuite`, …) mean what the signer meant.
 *
 * @example
 * const canonicalProofConfig = await proofConfigCanon(proof, credential['@context']);
 */
export function proofConfigCanon(
  proofOptions: Readonly<Record<string, unknown>>,
  documentContext: unknown,
  options?: CanonizeOptions,
): Promise<string> {
  const { proofValue: _proofValue, ...config } = proofOptions;
  return canonize({ ...config, '@context': documentContext }, options);
}

/**
 * Hashing: SHA-256(canonical proof configuration) ‖ SHA-256(canonical document), 64 bytes,
 * the data the Ed25519 signature covers.
 *
 * @example
 * const signed = hashData(canonicalProofConfig, canonicalDocument);
 */
export function hashData(canonicalProofConfig: string, canonicalDocument: string): Uint8Array {
  const proofHash = createHash('sha256').update(canonicalProofConfig, 'utf8').digest();
  const documentHash = createHash('sha256').update(canonicalDocument, 'utf8').digest();
  return new Uint8Array(Buffer.concat([proofHash, documentHash]));
}
