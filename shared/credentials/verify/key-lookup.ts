import type { Fetcher } from '#shared/credentials/fetch/fetcher.ts';
import { createKeyResolver, type ResolvedKey } from '#shared/credentials/keys/key-resolver.ts';

/**
 * Resolved keys, remembered for a while. Resolving a key means fetching and parsing a DID
 * document or JWKS and building a KeyObject; for a verifier that sees thousands of
 * credentials from the same issuers that work is done once per key, not per credential.
 */
export interface KeyLookup {
  resolve(verificationMethod: string): Promise<ResolvedKey>;
  /**
   * The key `resolve` would answer with at once, when it is already resolved and still
   * trusted; otherwise undefined (then call `resolve`). Bulk verification meets the same few
   * keys again and again, and takes them without a promise.
   */
  settled?(verificationMethod: string): ResolvedKey | undefined;
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
    {
      readonly expires: number;
      readonly key: Promise<ResolvedKey>;
      /** The key once `key` has fulfilled. */
      value?: ResolvedKey;
    }
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
      const entry: { expires: number; key: Promise<ResolvedKey>; value?: ResolvedKey } = {
        expires: now() + ttlMs,
        key,
      };
      entries.set(verificationMethod, entry);
      key.then(
        (value) => {
          entry.value = value;
        },
        () => {
          if (entries.get(verificationMethod)?.key === key) entries.delete(verificationMethod);
        },
      );
      return key;
    },

    settled(verificationMethod: string): ResolvedKey | undefined {
      const cached = entries.get(verificationMethod);
      return cached !== undefined && cached.expires > now() ? cached.value : undefined;
    },
  };
}
