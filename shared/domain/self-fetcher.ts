import { CredstackError } from '#shared/core/errors.ts';
import type { FetchedResource, Fetcher, FetchOptions } from '#shared/credentials/fetch/fetcher.ts';
import { ServiceError } from './errors.ts';
import { didDocument, jwks } from './issuers.ts';
import type { StatusPurpose } from './ports/repositories.ts';
import type { ServiceContext } from './ports/service-context.ts';
import { signedStatusList } from './status.ts';

/**
 * The path of `url` below the service's base URL, when `url` is one of the service's own
 * documents (its host, https or the base URL's own scheme); else undefined.
 */
function ownPath(base: URL, url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  const prefix = base.pathname.replace(/\/$/, '');
  if (parsed.host !== base.host) return undefined;
  if (parsed.protocol !== 'https:' && parsed.protocol !== base.protocol) return undefined;
  if (!parsed.pathname.startsWith(`${prefix}/`)) return undefined;
  return parsed.pathname.slice(prefix.length);
}

/** One of the service's status lists, as its URL names it. */
export interface OwnStatusList {
  readonly listId: string;
  readonly purpose: StatusPurpose;
}

function statusListAt(path: string): OwnStatusList | undefined {
  const match = /^\/status\/([^/]+)\/(revocation|suspension)$/.exec(path);
  if (!match?.[1] || !match[2]) return undefined;
  return { listId: match[1], purpose: match[2] as StatusPurpose };
}

/**
 * The list and purpose of one of the service's own status list URLs
 * (`<baseUrl>/status/<listId>/<purpose>`); undefined for any other URL.
 *
 * @example
 * ownStatusList(new URL('https://credentials.example'), 'https://credentials.example/status/northfield.1/revocation');
 * // { listId: 'northfield.1', purpose: 'revocation' }
 */
export function ownStatusList(base: URL, url: string): OwnStatusList | undefined {
  const path = ownPath(base, url);
  return path === undefined ? undefined : statusListAt(path);
}

/**
 * The ETag a status list answered by {@link selfFetcher} carries: the revision it was signed
 * at, weak (a list signed again at the same revision is the same list, not the same bytes).
 *
 * @example
 * revisionTag(7); // 'W/"7"'
 */
export function revisionTag(revision: number): string {
  return `W/"${revision}"`;
}

/**
 * The revision a {@link revisionTag} names; undefined for any other tag.
 *
 * @example
 * revisionOfTag('W/"7"'); // 7
 */
export function revisionOfTag(tag: string | undefined): number | undefined {
  const match = tag === undefined ? null : /^W\/"(0|[1-9][0-9]{0,15})"$/.exec(tag);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

/**
 * A fetcher that answers the service's own public documents (DID documents, JWKS, status
 * lists) from its data instead of over the network, and hands every other URL to `inner`.
 * The service verifies its own credentials without calling itself, and a local runtime's
 * did:web (which names an https URL of a plain-http loopback server) resolves. A status list
 * comes with the revision it was signed at as its ETag ({@link revisionTag}).
 *
 * @example
 * const verifier = createVerifier({ fetcher: selfFetcher(ctx, new CachingFetcher(new HttpsFetcher())) });
 */
export function selfFetcher(ctx: ServiceContext, inner: Fetcher): Fetcher {
  const base = new URL(ctx.baseUrl);
  const answer = (
    url: string,
    body: string,
    contentType: string,
    headers?: Readonly<Record<string, string>>,
  ): FetchedResource => ({
    url,
    status: 200,
    contentType,
    body: new TextEncoder().encode(body),
    ...(headers === undefined ? {} : { headers }),
  });

  return {
    async fetch(url: string, options?: FetchOptions): Promise<FetchedResource> {
      const path = ownPath(base, url);
      if (path === undefined) return inner.fetch(url, options);
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
        const list = statusListAt(path);
        if (list) {
          const { jwt, revision } = await signedStatusList(
            ctx,
            list.listId,
            list.purpose,
            options?.freshSince,
          );
          return answer(url, jwt, 'application/vc+jwt', { etag: revisionTag(revision) });
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
