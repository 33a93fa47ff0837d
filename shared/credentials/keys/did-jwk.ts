import { CredstackError } from '#shared/core/errors.ts';
import type { ResolvedKey } from './resolved-key.ts';
import { keyFromJwk } from './verification-method.ts';

/**
 * Resolves a `did:jwk` verification method: the identifier is the base64url JSON of the
 * public JWK, and its one verification method is `#0`.
 *
 * @example
 * const resolved = resolveDidJwk('did:jwk:eyJrdHkiOiJPS1AiLCJjcnYiOiJFZDI1NTE5IiwieCI6Ii4uLiJ9#0');
 */
export function resolveDidJwk(id: string): ResolvedKey {
  const hash = id.indexOf('#');
  const did = hash === -1 ? id : id.slice(0, hash);
  const fragment = hash === -1 ? undefined : id.slice(hash + 1);
  if (fragment !== undefined && fragment !== '0')
    throw new CredstackError(
      'KEY_NOT_FOUND',
      `a did:jwk has one verification method, #0; ${id} names #${fragment}`,
    );
  const encoded = did.slice('did:jwk:'.length);
  let parsed: unknown;
  try {
    if (!/^[A-Za-z0-9_-]+$/u.test(encoded)) throw new Error('not base64url');
    parsed = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8'));
  } catch (error) {
    throw new CredstackError(
      'KEY_NOT_FOUND',
      `${did.slice(0, 40)}… is not a valid did:jwk: its identifier must be base64url-encoded JSON`,
      { cause: error },
    );
  }
  const { key, jwk } = keyFromJwk(parsed);
  return { id: `${did}#0`, key, jwk, controller: did, source: 'did:jwk' };
}
