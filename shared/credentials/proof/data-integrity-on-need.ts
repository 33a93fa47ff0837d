import { onFirstNeed } from '#shared/core/first-need.ts';
import type * as DataIntegrity from './data-integrity.ts';

/**
 * The Data Integrity proof suite (data-integrity.ts) loaded on its first use: signing or
 * verifying a Data Integrity proof canonicalizes the document over its JSON-LD contexts
 * (jsonld, RDF canonicalization, the bundled contexts), which no VC-JWT needs. In a Lambda
 * bundle the suite is then a chunk loaded by the first request that needs it; a chunk that
 * cannot be loaded is a `PART_UNAVAILABLE` error (503), never a failed proof.
 */

const dataIntegrity = onFirstNeed(
  'the Data Integrity proof suite (JSON-LD and RDF canonicalization)',
  () => import('./data-integrity.ts'),
);

/**
 * {@link DataIntegrity.createEddsaRdfc2022Proof}, loaded on first use.
 *
 * @example
 * const signed = await createEddsaRdfc2022Proof(credential, signer, { verificationMethod });
 */
export const createEddsaRdfc2022Proof: typeof DataIntegrity.createEddsaRdfc2022Proof = async (
  document,
  signer,
  options,
) => (await dataIntegrity()).createEddsaRdfc2022Proof(document, signer, options);

/**
 * {@link DataIntegrity.verifyDataIntegrityProof}, loaded on first use.
 *
 * @example
 * const result = await verifyDataIntegrityProof(credential, credential.proof, resolveKey);
 */
export const verifyDataIntegrityProof: typeof DataIntegrity.verifyDataIntegrityProof = async (
  document,
  proof,
  resolveKey,
  options,
) => (await dataIntegrity()).verifyDataIntegrityProof(document, proof, resolveKey, options);
