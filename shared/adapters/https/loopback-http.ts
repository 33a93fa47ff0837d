import type { FetchedResource, Fetcher, FetchOptions } from '#shared/credentials/fetch/fetcher.ts';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * For local development only: did:web always resolves to an https URL, but the local runtime
 * (`npm start`) serves plain http on 127.0.0.1. This decorator sends https requests for
 * loopback hosts to http instead, so credentials issued locally can be verified by the CLI.
 * It is applied only when the caller explicitly allows the private network.
 *
 * @example
 * const fetcher = loopbackOverHttp(new HttpsFetcher({ allowPrivateAddresses: true, allowHttpLoopback: true }));
 */
export function loopbackOverHttp(inner: Fetcher): Fetcher {
  return {
    fetch(url: string, options?: FetchOptions): Promise<FetchedResource> {
      let target = url;
      try {
        const parsed = new URL(url);
        if (parsed.protocol === 'https:' && LOOPBACK_HOSTS.has(parsed.hostname)) {
          parsed.protocol = 'http:';
          target = parsed.toString();
        }
      } catch {
        // not a URL: the inner fetcher reports it
      }
      return inner.fetch(target, options);
    },
  };
}
