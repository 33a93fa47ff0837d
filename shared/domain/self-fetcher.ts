import { CredstackError } from '#shared/core/errors.ts';
import type { FetchedResource, Fetcher, FetchOptions } from '#shared/credentials/fetch/fetcher.ts';
import { ServiceError } from './errors.ts';
import { didDocument, jwks } from './issuers.ts';
import type { ServiceContext } from './ports/service-context.ts';
import { statusListCredential } from './status.ts';

/**
 * A fetcher that answers the service's own public documents (DID documents, JWKS, status
 * lists) from its data instead of over the network, and hands every other URL to `inner`.
 * The service verifies its own credentials without calling itself, and a local runtime's
 * did:web (which names an https URL of a plain-http loopback server) resolves.
 *
 * @example
 * const verifier = createVerifier({ fetcher: selfFetcher(ctx, new CachingFetcher(new HttpsFetcher())) });
 */
export function selfFetcher(ctx: ServiceContext, inner: Fetcher): Fetcher {
  const base = new URL(ctx.baseUrl);
  const prefix = base.pathname.replace(/\/$/, '');
  const own = (url: URL) =>
    url.host === base.host && (url.protocol === 'https:' || url.protocol === base.protocol);
  const answer = (url: string, body: string, contentType: string): FetchedResource => ({
    url,
    status: 200,
    contentType,
    body: new TextEncoder().encode(body),
  });

  return {
    async fetch(url: string, options?: FetchOptions): Promise<FetchedResource> {
      let parsed: URL;
      try {
        parsed = new URL(url);
      } catch {
        return inner.fetch(url, options);
      }
      if (!own(parsed) || !parsed.pathname.startsWith(`${prefix}/`))
        return inner.fetch(url, options);
      const path = parsed.pathname.slice(prefix.length);
      try {
        let match = /^\/issuers\/([^/]+)\/did\.json$/.exec(path);
        if (match?.[1])
          return answer(
            url,
            JSON.stringify(await didDocument(ctx, match[1])),
            'application/did+json',
          );
        match = /^\/issuers\/([^/]+)\/jwks\.json$/.exec(path);
        if (match?.[1])
          return answer(url, JSON.stringify(await jwks(ctx, match[1])), 'application/jwk-set+json');
        match = /^\/status\/([^/]+)\/(revocation|suspension)$/.exec(path);
        if (match?.[1] && match[2]) {
          return answer(
            url,
            await statusListCredential(
              ctx,
              match[1],
              match[2] as 'revocation' | 'suspension',
              options?.freshSince,
            ),
            'application/vc+jwt',
          );
        }
      } catch (error) {
        if (error instanceof ServiceError && error.code === 'NOT_FOUND') {
          throw new CredstackError('FETCH_FAILED', `${url} answered HTTP 404`, {
            cause: error,
            httpStatus: 404,
          });
        }
        throw error;
      }
      return inner.fetch(url, options);
    },
  };
}
