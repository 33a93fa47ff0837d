import type { Fetcher } from '#shared/credentials/fetch/fetcher.ts';
import { createKeyResolver, type ResolvedKey } from '#shared/credentials/keys/key-resolver.ts';

/**
 * Resolved keys, remembered for a while. Resolving a key means fetching and parsing a DID
 * document or JWKS and building a KeyObject; for a verifier that sees thousands of
 * credentials from the same issuers that work is done once per key, not per credential.
 */
export interface KeyLookup {
  resolve(verificationMethod: string): Promise<ResolvedKey>;
}

export interface KeyLookupOptions {
  readonly fetcher: Fetcher;
  /** How long a resolved key is trusted before it is resolved again (default 5 minutes). */
  readonly ttlMs?: number;
  /** Most keys remembered at once (default 10,000). */
  readonly maxEntries?: number;
  readonly now?: () => number;
}

/**
 * A memoizing key lookup over the key resolver. Failures are not remembered, so a key that
 * was briefly unreachable is tried again next time.
 *
 * @example
 * const keys = createKeyLookup({ fetcher });
 * const { key } = await keys.resolve('did:web:college.example#key-1');
 */
export function createKeyLookup(options: KeyLookupOptions): KeyLookup {
  const resolver = createKeyResolver({ fetcher: options.fetcher });
  const ttlMs = options.ttlMs ?? 5 * 60 * 1000;
  const maxEntries = options.maxEntries ?? 10_000;
  const now = options.now ?? Date.now;
  const entries = new Map<
    string,
    { readonly expires: number; readonly key: Promise<ResolvedKey> }
  >();

  return {
    resolve(verificationMethod: string): Promise<ResolvedKey> {
      const cached = entries.get(verificationMethod);
      if (cached !== undefined && cached.expires > now()) return cached.key;
      const key = resolver.resolveVerificationMethod(verificationMethod);
      if (entries.size >= maxEntries) {
        const oldest = entries.keys().next();
        if (!oldest.done) entries.delete(oldest.value);
      }
      entries.set(verificationMethod, { expires: now() + ttlMs, key });
      key.catch(() => {
        if (entries.get(verificationMethod)?.key === key) entries.delete(verificationMethod);
      });
      return key;
    },
  };
}
