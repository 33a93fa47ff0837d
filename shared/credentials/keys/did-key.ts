import { CredstackError } from '#shared/core/errors.ts';
import type { ResolvedKey } from './resolved-key.ts';
import { keyFromMultikey } from './verification-method.ts';

/**
 * Resolves a `did:key` verification method. The DID is the key, so nothing is fetched; the
 * fragment, when present, must repeat the method-specific id as the did:key spec requires.
 *
 * @example
 * const resolved = resolveDidKey('did:key:z6Mk…#z6Mk…');
 */
export function resolveDidKey(id: string): ResolvedKey {
  const hash = id.indexOf('#');
  const did = hash === -1 ? id : id.slice(0, hash);
  const fragment = hash === -1 ? undefined : id.slice(hash + 1);
  const multibase = did.slice('did:key:'.length);
  if (!/^z[1-9A-HJ-NP-Za-km-z]+$/u.test(multibase))
    throw new CredstackError(
      'KEY_NOT_FOUND',
      `${did} is not a valid did:key: its identifier must be a base58btc multikey starting with "z"`,
    );
  if (fragment !== undefined && fragment !== multibase)
    throw new CredstackError(
      'KEY_NOT_FOUND',
      `the fragment of ${id} does not name the key of ${did}: a did:key has one key, #${multibase}`,
    );
  const { key, jwk } = keyFromMultikey(multibase);
  return { id: `${did}#${multibase}`, key, jwk, controller: did, source: 'did:key' };
}
