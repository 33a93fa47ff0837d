import type { FetchedResource, Fetcher, FetchOptions } from './fetcher.ts';

export interface CachingFetcherOptions {
  /** How long a response is kept when it says nothing about caching (default 5 minutes). */
  readonly ttlMs?: number;
  /** Upper bound on a `Cache-Control: max-age` the server asks for (default 1 hour). */
  readonly maxTtlMs?: number;
  /** Most responses kept; the least recently used is dropped first (default 1000). */
  readonly maxEntries?: number;
  /** How long a failure is remembered (default 0: failures are not cached). */
  readonly failureTtlMs?: number;
  /** Milliseconds since the epoch; tests pass a fake clock. */
  readonly now?: () => number;
}

interface Entry {
  readonly expires: number;
  readonly value: Promise<FetchedResource>;
  /** The response `value` fulfilled with (absent for a remembered failure). */
  readonly resource?: FetchedResource;
}

/**
 * How long the response may be reused, from its Cache-Control header: `no-store`,
 * `no-cache` and `max-age=0` mean not at all; `max-age=N` means N seconds (capped).
 */
function freshnessMs(
  resource: FetchedResource,
  defaultMs: number,
  maxMs: number,
): number | undefined {
  const header = resource.headers?.['cache-control'];
  if (header === undefined) return undefined;
  const directives = header.toLowerCase().split(',');
  let maxAge: number | undefined;
  for (const raw of directives) {
    const directive = raw.trim();
    if (directive === 'no-store' || directive === 'no-cache') return 0;
    const match = /^(s-)?max-age\s*=\s*"?(\d+)"?$/.exec(directive);
    // s-maxage is for shared caches; this cache serves one process, so max-age governs.
    if (match && match[1] === undefined) maxAge = Number(match[2]) * 1000;
  }
  if (maxAge === undefined) return defaultMs;
  return Math.min(maxAge, maxMs);
}

/**
 * Decorates a Fetcher with a bounded TTL cache that honours `Cache-Control: max-age`, and
 * shares one in-flight request among concurrent callers for the same URL, so a burst of
 * credentials from one issuer costs one DID document fetch.
 *
 * @example
 * const fetcher = new CachingFetcher(new HttpsFetcher(), { ttlMs: 60_000 });
 */
export class CachingFetcher implements Fetcher {
  readonly #inner: Fetcher;
  readonly #ttlMs: number;
  readonly #maxTtlMs: number;
  readonly #maxEntries: number;
  readonly #failureTtlMs: number;
  readonly #now: () => number;
  /** Insertion order doubles as recency order: a hit is moved to the end. */
  readonly #entries = new Map<string, Entry>();
  readonly #inFlight = new Map<string, Promise<FetchedResource>>();

  constructor(inner: Fetcher, options: CachingFetcherOptions = {}) {
    this.#inner = inner;
    this.#ttlMs = options.ttlMs ?? 5 * 60 * 1000;
    this.#maxTtlMs = options.maxTtlMs ?? 60 * 60 * 1000;
    this.#maxEntries = Math.max(1, options.maxEntries ?? 1000);
    this.#failureTtlMs = options.failureTtlMs ?? 0;
    this.#now = options.now ?? Date.now;
  }

  /** Number of responses currently kept. */
  get size(): number {
    return this.#entries.size;
  }

  fetch(url: string, options: FetchOptions = {}): Promise<FetchedResource> {
    // The Accept header can change what a server sends, so it is part of the key.
    const key = `${options.accept ?? ''}\n${url}`;
    const cached = this.#entries.get(key);
    if (cached !== undefined) {
      this.#entries.delete(key);
      if (cached.expires > this.#now()) {
        this.#entries.set(key, cached);
        return cached.value;
      }
    }
    const pending = this.#inFlight.get(key);
    if (pending !== undefined) return pending;

    const request = this.#inner.fetch(url, options);
    this.#inFlight.set(key, request);
    request.then(
      (resource) => {
        this.#inFlight.delete(key);
        const ttl = freshnessMs(resource, this.#ttlMs, this.#maxTtlMs) ?? this.#ttlMs;
        if (ttl > 0) this.#store(key, { expires: this.#now() + ttl, value: request, resource });
      },
      () => {
        this.#inFlight.delete(key);
        if (this.#failureTtlMs > 0)
          this.#store(key, { expires: this.#now() + this.#failureTtlMs, value: request });
      },
    );
    return request;
  }

  settled(url: string, options: FetchOptions = {}): FetchedResource | undefined {
    const key = `${options.accept ?? ''}\n${url}`;
    const cached = this.#entries.get(key);
    if (cached?.resource === undefined || cached.expires <= this.#now()) return undefined;
    // A hit as through fetch: the entry becomes the most recently used.
    this.#entries.delete(key);
    this.#entries.set(key, cached);
    return cached.resource;
  }

  /** Forgets every kept response. */
  clear(): void {
    this.#entries.clear();
  }

  #store(key: string, entry: Entry): void {
    this.#entries.delete(key);
    while (this.#entries.size >= this.#maxEntries) {
      const oldest = this.#entries.keys().next();
      if (oldest.done) break;
      this.#entries.delete(oldest.value);
    }
    this.#entries.set(key, entry);
  }
}
