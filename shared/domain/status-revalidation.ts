import type { FetchedResource, Fetcher, FetchOptions } from '#shared/credentials/fetch/fetcher.ts';
import { LruCache } from '#shared/credentials/jsonld/lru-cache.ts';
import type { StatusListRepository } from './ports/repositories.ts';
import { ownStatusList, revisionOfTag } from './self-fetcher.ts';
import { freshStatusListRevision } from './status.ts';

export interface RevalidatingStatusFetcherOptions {
  /** The service's base URL: which status list URLs are its own. */
  readonly baseUrl: string;
  /** The table's status lists, read here (only their revision is ever asked for). */
  readonly statusLists: StatusListRepository;
  /**
   * Where everything else goes, and an own list once its revision has changed: a fetcher
   * that answers own lists as {@link selfFetcher} does, with the revision as the ETag.
   */
  readonly inner: Fetcher;
  /**
   * The moment (`performance.now()` of this thread) the verification that fetches arrived, or
   * a later one; undefined: the moment of the fetch.
   */
  readonly arrivedAt: () => number | undefined;
  /** Told +1 when a fetch starts to wait for a revision read, -1 once it has its answer. */
  readonly onWait?: (change: 1 | -1) => void;
}

/** Own status lists kept at once; past that, the least recently used are fetched again. */
const MAX_LISTS = 256;

/**
 * The service's own status lists, kept where verification runs and revalidated against the
 * table: a list is kept with the revision it was signed at (its ETag), and a later fetch of it
 * reads the list's current revision with a read sent after the verification arrived; the same
 * revision answers with the kept list, any other sends the fetch on to `inner` (which signs
 * the changed list). This is the freshness of {@link statusListCredential} exactly — every
 * change committed before the verification arrived is seen, as each one moves the revision —
 * for a thread that can read the table but has no keys: the local runtime's verification
 * workers, which then ask the main thread only when a list has changed.
 *
 * @example
 * const fetcher = revalidatingStatusFetcher({ baseUrl, statusLists, inner, arrivedAt: () => arrived });
 */
export function revalidatingStatusFetcher(options: RevalidatingStatusFetcherOptions): Fetcher {
  const base = new URL(options.baseUrl);
  const kept = new LruCache<
    string,
    { readonly revision: number; readonly resource: FetchedResource }
  >(MAX_LISTS);

  async function currentRevision(listId: string): Promise<number | undefined> {
    options.onWait?.(1);
    try {
      return await freshStatusListRevision(options.statusLists, listId, options.arrivedAt());
    } finally {
      options.onWait?.(-1);
    }
  }

  return {
    async fetch(url: string, fetchOptions?: FetchOptions): Promise<FetchedResource> {
      const list = ownStatusList(base, url);
      if (list === undefined) return options.inner.fetch(url, fetchOptions);
      const known = kept.get(url);
      if (known !== undefined && (await currentRevision(list.listId)) === known.revision)
        return known.resource;
      const resource = await options.inner.fetch(url, fetchOptions);
      const revision = revisionOfTag(resource.headers?.etag);
      const newest = kept.get(url);
      if (revision !== undefined && (newest === undefined || newest.revision < revision))
        kept.set(url, { revision, resource });
      return resource;
    },
  };
}
