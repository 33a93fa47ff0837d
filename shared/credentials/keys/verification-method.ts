import { createPublicKey, type KeyObject } from 'node:crypto';
import { base58 } from '@scure/base';
import type { JWK } from 'jose';
import { CredstackError } from '#shared/core/errors.ts';
import { multikeyToJwk } from '#shared/credentials/crypto/multikey.ts';

/**
 * Reading keys out of DID documents, controller documents and JWK sets: finding a
 * verification method by id and turning its key material into a KeyObject.
 */

// Members that only a private or symmetric JWK has: a published key carrying them is a
// leaked key or a mistake, never something to verify with.
const PRIVATE_JWK_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const;

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The public key of a Multikey (`z6Mk…` Ed25519, `zDn…` P-256).
 *
 * @example
 * const { key, jwk } = keyFromMultikey('z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi');
 */
export function keyFromMultikey(multikey: string): { key: KeyObject; jwk: JWK } {
  const jwk = multikeyToJwk(multikey);
  return { key: createPublicKey({ key: jwk as never, format: 'jwk' }), jwk };
}

/**
 * True when `text` is an Ed25519 Multikey (the `z6Mk…` form) that decodes.
 *
 * @example
 * isEd25519Multikey('z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi'); // true
 */
export function isEd25519Multikey(text: string): boolean {
  if (!text.startsWith('z6Mk')) return false;
  try {
    return multikeyToJwk(text).crv === 'Ed25519';
  } catch {
    return false;
  }
}

/**
 * A public KeyObject from a JWK, refusing private and symmetric keys.
 *
 * @example
 * const { key, jwk } = keyFromJwk({ kty: 'OKP', crv: 'Ed25519', x: '…' });
 */
export function keyFromJwk(value: unknown): { key: KeyObject; jwk: JWK } {
  if (!isObject(value) || typeof value.kty !== 'string')
    throw new CredstackError('KEY_UNSUPPORTED', 'the JWK is not an object with a "kty" member');
  for (const member of PRIVATE_JWK_MEMBERS) {
    if (member in value)
      throw new CredstackError(
        'KEY_UNSUPPORTED',
        `the JWK carries the private or symmetric member "${member}"; only public keys are accepted`,
      );
  }
  let key: KeyObject;
  try {
    key = createPublicKey({ key: value as never, format: 'jwk' });
  } catch (error) {
    throw new CredstackError('KEY_UNSUPPORTED', `the ${value.kty} JWK is not a valid public key`, {
      cause: error,
    });
  }
  const jwk = key.export({ format: 'jwk' }) as JWK;
  if (typeof value.kid === 'string') jwk.kid = value.kid;
  if (typeof value.alg === 'string') jwk.alg = value.alg;
  return { key, jwk };
}

/**
 * The key of a verification method object: `publicKeyMultibase` (Multikey and
 * Ed25519VerificationKey2020), `publicKeyJwk` (JsonWebKey, JsonWebKey2020) or the legacy
 * `publicKeyBase58` of Ed25519VerificationKey2018.
 *
 * @example
 * const { key } = keyFromVerificationMethod({ type: 'Multikey', publicKeyMultibase: 'z6Mk…' });
 */
export function keyFromVerificationMethod(method: Record<string, unknown>): {
  key: KeyObject;
  jwk: JWK;
} {
  if (typeof method.publicKeyMultibase === 'string') {
    return keyFromMultikey(method.publicKeyMultibase);
  }
  if (method.publicKeyJwk !== undefined) return keyFromJwk(method.publicKeyJwk);
  if (typeof method.publicKeyBase58 === 'string' && method.type === 'Ed25519VerificationKey2018') {
    let raw: Uint8Array;
    try {
      raw = base58.decode(method.publicKeyBase58);
    } catch (error) {
      throw new CredstackError('KEY_UNSUPPORTED', 'publicKeyBase58 is not valid base58', {
        cause: error,
      });
    }
    if (raw.length !== 32)
      throw new CredstackError('KEY_UNSUPPORTED', 'an Ed25519 key must be 32 bytes');
    return keyFromJwk({ kty: 'OKP', crv: 'Ed25519', x: Buffer.from(raw).toString('base64url') });
  }
  throw new CredstackError(
    'KEY_UNSUPPORTED',
    `the verification method ${typeof method.id === 'string' ? `${method.id} ` : ''}has no publicKeyMultibase, publicKeyJwk or publicKeyBase58`,
  );
}

/** `#key-1` made absolute against the document it appears in; absolute ids are unchanged. */
export function absoluteId(id: string, base: string): string {
  if (!id.startsWith('#')) return id;
  const hash = base.indexOf('#');
  return `${hash === -1 ? base : base.slice(0, hash)}${id}`;
}

/**
 * The verification method with id `id` in a DID or controller document: in
 * `verificationMethod`, or embedded in `assertionMethod`. Relative ids (`#key-1`) are read
 * against `base` (the document's id, else the URL it came from).
 *
 * @example
 * const method = findVerificationMethod(didDocument, 'did:web:college.example#key-1', 'did:web:college.example');
 */
export function findVerificationMethod(
  document: Record<string, unknown>,
  id: string,
  base: string,
): Record<string, unknown> | undefined {
  for (const relation of ['verificationMethod', 'assertionMethod'] as const) {
    const entries = document[relation];
    const list = Array.isArray(entries) ? entries : entries === undefined ? [] : [entries];
    for (const entry of list) {
      if (isObject(entry) && typeof entry.id === 'string' && absoluteId(entry.id, base) === id)
        return entry;
    }
  }
  return undefined;
}

/**
 * Whether the document authorises the method `id` to make assertions (sign credentials): it
 * is embedded in, or referenced by id from, `assertionMethod`. A key listed only for
 * `authentication` may log its holder in, but it does not speak for the issuer.
 *
 * @example
 * authorisedForAssertion(didDocument, 'did:web:college.example#key-1', 'did:web:college.example');
 */
export function authorisedForAssertion(
  document: Record<string, unknown>,
  id: string,
  base: string,
): boolean {
  const entries = document.assertionMethod;
  const list = Array.isArray(entries) ? entries : entries === undefined ? [] : [entries];
  return list.some((entry) => {
    const ref =
      typeof entry === 'string'
        ? entry
        : isObject(entry) && typeof entry.id === 'string'
          ? entry.id
          : undefined;
    return ref !== undefined && absoluteId(ref, base) === id;
  });
}

/** The DID part of a DID URL (`did:web:a.example#key-1` → `did:web:a.example`). */
export function didOf(didUrl: string): string {
  const end = didUrl.search(/[#?/]/u);
  return end === -1 ? didUrl : didUrl.slice(0, end);
}
