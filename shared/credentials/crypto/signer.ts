import type { JWK } from 'jose';

/** JOSE names of the signature algorithms credstack issues with. */
export type SigningAlgorithm = 'ES256' | 'RS256' | 'EdDSA';

/**
 * The Signer port: something that holds a private key and signs with it. The private key
 * never leaves the adapter (a key file locally, AWS KMS in the cloud).
 *
 * `sign` takes the bytes to be signed (not a digest) and returns the signature in JOSE form:
 * ES256 → 64-byte r‖s, RS256 → the PKCS#1 v1.5 signature, EdDSA → the 64-byte Ed25519
 * signature. Adapters that sign digests hash internally.
 */
export interface Signer {
  readonly algorithm: SigningAlgorithm;
  /** The adapter's own reference to the key (a local key id, a KMS key id or ARN). */
  readonly keyRef: string;
  sign(data: Uint8Array): Promise<Uint8Array>;
  /** The public key as a JWK (no private members). */
  publicJwk(): Promise<JWK>;
}
