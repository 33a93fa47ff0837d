/**
 * The Open Badges 3.0 credential library: build, sign, bake, verify and present credentials.
 * Pure: no AWS, no store, no use case; the outside world comes in through two ports, a
 * {@link Signer} to sign and a {@link Fetcher} to read issuers' keys and status lists.
 *
 * This is the curated entry point for code outside the library; inside it, modules import
 * each other directly.
 *
 * @example
 * ```ts
 * import { createVerifier } from '#shared/credentials/index.ts';
 * const report = await createVerifier({ fetcher }).verify(jwtOrPngBytes);
 * ```
 */

export { bakePng, extractFromPng } from './bake/png.ts';
export { bakeSvg, extractFromSvg } from './bake/svg.ts';
export type { Signer, SigningAlgorithm } from './crypto/signer.ts';
export { CachingFetcher, type CachingFetcherOptions } from './fetch/caching-fetcher.ts';
export type { FetchedResource, Fetcher, FetchOptions } from './fetch/fetcher.ts';
export {
  createKeyResolver,
  type KeyResolver,
  type KeyResolverOptions,
} from './keys/key-resolver.ts';
export { type BuildOptions, buildOpenBadgeCredential } from './model/build.ts';
export {
  type CreateProofOptions,
  createEddsaRdfc2022Proof,
  verifyDataIntegrityProof,
} from './proof/data-integrity.ts';
export { signVcJwt, type VcJwtSignOptions } from './proof/vc-jwt-sign.ts';
export {
  createBitstring,
  decodeBitstring,
  encodeBitstring,
  getBit,
  setBit,
} from './status/bitstring.ts';
export { checkCredentialStatus } from './status/status-check.ts';
export {
  CHECK_IDS,
  type Check,
  type CheckId,
  type Verdict,
  type VerificationReport,
} from './verify/report.ts';
export {
  createVerifier,
  type Verifier,
  type VerifierInput,
  type VerifierOptions,
  type VerifyOptions,
} from './verify/verifier.ts';
