/** What a fetch returns: the final URL, the media type and the body bytes. */
export interface FetchedResource {
  readonly url: string;
  readonly status: number;
  readonly contentType: string;
  readonly body: Uint8Array;
  /** Response headers with lower-case names, when the fetcher has them (used for caching). */
  readonly headers?: Readonly<Record<string, string>>;
}

export interface FetchOptions {
  /** Accept header; defaults to JSON-ish media types. */
  readonly accept?: string;
  /**
   * The moment (`performance.now()` of the thread answering the fetch) the verification that
   * asks arrived: a document the service answers from its own table (a status list) reflects
   * every change committed before it. Set by a verifier pool for the jobs it hands out; other
   * fetchers ignore it. Absent: the moment of the fetch.
   */
  readonly freshSince?: number;
}

/**
 * The Fetcher port: the only way the credential core reaches the network (keys, did:web
 * documents, status lists). Tests inject one that serves local files.
 * Implementations throw `CredstackError` with a `FETCH_*` code.
 */
export interface Fetcher {
  fetch(url: string, options?: FetchOptions): Promise<FetchedResource>;
  /**
   * The response `fetch` would answer with at once, when the fetcher already holds it (a
   * cache); otherwise undefined (then call `fetch`). Lets bulk verification read a cached
   * status list without a promise.
   */
  settled?(url: string, options?: FetchOptions): FetchedResource | undefined;
}
