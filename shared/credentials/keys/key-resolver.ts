import { CredstackError } from '#shared/core/errors.ts';
import type { Fetcher } from '#shared/credentials/fetch/fetcher.ts';
import { resolveDidJwk } from './did-jwk.ts';
import { resolveDidKey } from './did-key.ts';
import { resolveDidWeb } from './did-web.ts';
import { resolveHttpsKey } from './https-key.ts';
import type { ResolvedKey } from './resolved-key.ts';
import { keyFromJwk } from './verification-method.ts';

export type { KeySource, ResolvedKey } from './resolved-key.ts';

export interface KeyResolver {
  resolveVerificationMethod(id: string): Promise<ResolvedKey>;
}

export interface KeyResolverOptions {
  /** How documents are fetched; wrap it in a CachingFetcher to reuse them. */
  readonly fetcher: Fetcher;
}

const SUPPORTED_DID_METHODS = 'did:key, did:web and did:jwk';

/**
 * Builds the resolver that turns a verification method id into a public key: did:key,
 * did:jwk (no fetch), did:web (DID document) and HTTPS URLs (JWK, JWKS, controller
 * document or Multikey document).
 *
 * @example
 * const { resolveVerificationMethod } = createKeyResolver({ fetcher: new CachingFetcher(new HttpsFetcher()) });
 * const { key, source } = await resolveVerificationMethod('did:web:college.example#key-1');
 */
export function createKeyResolver(options: KeyResolverOptions): KeyResolver {
  const { fetcher } = options;

  async function resolveVerificationMethod(id: string): Promise<ResolvedKey> {
    const text = id.trim();
    if (text.startsWith('did:')) {
      const method = /^did:([a-z0-9]+):/u.exec(text)?.[1];
      if (method === undefined)
        throw new CredstackError('KEY_NOT_FOUND', `${JSON.stringify(text)} is not a valid DID URL`);
      if (method === 'key') return resolveDidKey(text);
      if (method === 'jwk') return resolveDidJwk(text);
      if (method === 'web') return resolveDidWeb(text, fetcher);
      throw new CredstackError(
        'DID_UNSUPPORTED',
        `the DID method "did:${method}" is not supported (${SUPPORTED_DID_METHODS} are)`,
      );
    }
    const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/u.exec(text)?.[1]?.toLowerCase();
    if (scheme === undefined)
      throw new CredstackError(
        'KEY_NOT_FOUND',
        `the verification method ${JSON.stringify(text)} has no scheme: it must be a DID URL or an https URL`,
      );
    if (scheme === 'https' || scheme === 'http') {
      // http is passed on so that the fetcher's policy (which refuses it outside local
      // development) gives the reason.
      return resolveHttpsKey(text, fetcher);
    }
    throw new CredstackError(
      'KEY_NOT_FOUND',
      `the verification method ${JSON.stringify(text)} uses the "${scheme}:" scheme, which cannot be resolved (${SUPPORTED_DID_METHODS} DIDs and https URLs can)`,
    );
  }

  return { resolveVerificationMethod };
}

/**
 * A key carried inside the credential itself (a JWS header `jwk`), in the resolver's
 * shape. It proves integrity only: it is never bound to the issuer.
 *
 * @example
 * const resolved = keyFromEmbeddedJwk(header.jwk, header.kid);
 */
export function keyFromEmbeddedJwk(jwk: unknown, id?: string): ResolvedKey {
  const { key, jwk: publicJwk } = keyFromJwk(jwk);
  return {
    id: id ?? publicJwk.kid ?? 'embedded jwk',
    key,
    jwk: publicJwk,
    source: 'embedded-jwk',
  };
}
