import { describe, expect, it } from 'vitest';
import { CredstackError } from '#shared/core/errors.ts';
import { CachingFetcher } from '#shared/credentials/fetch/caching-fetcher.ts';
import type { FetchedResource, Fetcher } from '#shared/credentials/fetch/fetcher.ts';

/** An inner fetcher that counts calls and answers with a numbered body. */
function countingFetcher(headers?: Record<string, string>) {
  const calls: string[] = [];
  let release: (() => void) | undefined;
  let gate: Promise<void> | undefined;
  const fetcher: Fetcher = {
    async fetch(url: string): Promise<FetchedResource> {
      calls.push(url);
      if (gate) await gate;
      if (url.includes('fail')) throw new CredstackError('FETCH_FAILED', `${url} is down`);
      return {
        url,
        status: 200,
        contentType: 'application/json',
        body: new TextEncoder().encode(String(calls.length)),
        ...(headers ? { headers } : {}),
      };
    },
  };
  return {
    fetcher,
    calls,
    hold() {
      gate = new Promise((resolve) => {
        release = resolve;
      });
    },
    release() {
      gate = undefined;
      release?.();
    },
  };
}

function fakeClock(start = 1_000_000) {
  let now = start;
  return {
    now: () => now,
    advance(ms: number) {
      now += ms;
    },
  };
}

const text = (resource: FetchedResource) => new TextDecoder().decode(resource.body);

describe('CachingFetcher', () => {
  it('serves a second request for the same URL from the cache', async () => {
    const inner = countingFetcher();
    const cache = new CachingFetcher(inner.fetcher);

    const first = await cache.fetch('https://a.example/did.json');
    const second = await cache.fetch('https://a.example/did.json');

    expect(inner.calls).toHaveLength(1);
    expect(text(second)).toBe(text(first));
  });

  it('fetches again once the default five minutes have passed', async () => {
    const inner = countingFetcher();
    const clock = fakeClock();
    const cache = new CachingFetcher(inner.fetcher, { now: clock.now });

    await cache.fetch('https://a.example/k');
    clock.advance(5 * 60 * 1000 - 1);
    await cache.fetch('https://a.example/k');
    clock.advance(1);
    const refreshed = await cache.fetch('https://a.example/k');

    expect(inner.calls).toHaveLength(2);
    expect(text(refreshed)).toBe('2');
  });

  it('honours Cache-Control max-age from the response', async () => {
    const inner = countingFetcher({ 'cache-control': 'public, max-age=10' });
    const clock = fakeClock();
    const cache = new CachingFetcher(inner.fetcher, { now: clock.now });

    await cache.fetch('https://a.example/k');
    clock.advance(9_999);
    await cache.fetch('https://a.example/k');
    clock.advance(1);
    await cache.fetch('https://a.example/k');

    expect(inner.calls).toHaveLength(2);
  });

  it('caps a very long max-age at maxTtlMs', async () => {
    const inner = countingFetcher({ 'cache-control': 'max-age=31536000' });
    const clock = fakeClock();
    const cache = new CachingFetcher(inner.fetcher, { now: clock.now, maxTtlMs: 1000 });

    await cache.fetch('https://a.example/k');
    clock.advance(1000);
    await cache.fetch('https://a.example/k');

    expect(inner.calls).toHaveLength(2);
  });

  it.each(['no-store', 'no-cache', 'max-age=0'])(
    'does not keep a response marked %s',
    async (directive) => {
      const inner = countingFetcher({ 'cache-control': directive });
      const cache = new CachingFetcher(inner.fetcher);

      await cache.fetch('https://a.example/k');
      await cache.fetch('https://a.example/k');

      expect(inner.calls).toHaveLength(2);
      expect(cache.size).toBe(0);
    },
  );

  it('shares one in-flight request among concurrent callers', async () => {
    const inner = countingFetcher();
    const cache = new CachingFetcher(inner.fetcher);
    inner.hold();

    const pending = Array.from({ length: 5 }, () => cache.fetch('https://a.example/did.json'));
    inner.release();
    const results = await Promise.all(pending);

    expect(inner.calls).toHaveLength(1);
    expect(results.map(text)).toEqual(['1', '1', '1', '1', '1']);
  });

  it('does not cache a failure, but shares it with concurrent callers', async () => {
    const inner = countingFetcher();
    const cache = new CachingFetcher(inner.fetcher);
    inner.hold();

    const both = [cache.fetch('https://fail.example/'), cache.fetch('https://fail.example/')];
    inner.release();
    const outcomes = await Promise.allSettled(both);
    await cache.fetch('https://fail.example/').catch(() => undefined);

    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected']);
    expect(inner.calls).toHaveLength(2);
  });

  it('remembers a failure for failureTtlMs when asked to', async () => {
    const inner = countingFetcher();
    const clock = fakeClock();
    const cache = new CachingFetcher(inner.fetcher, { now: clock.now, failureTtlMs: 1000 });

    await cache.fetch('https://fail.example/').catch(() => undefined);
    const error = await cache.fetch('https://fail.example/').catch((caught: unknown) => caught);
    clock.advance(1000);
    await cache.fetch('https://fail.example/').catch(() => undefined);

    expect((error as CredstackError).code).toBe('FETCH_FAILED');
    expect(inner.calls).toHaveLength(2);
  });

  it('drops the least recently used entry when full', async () => {
    const inner = countingFetcher();
    const cache = new CachingFetcher(inner.fetcher, { maxEntries: 2 });

    await cache.fetch('https://a.example/1');
    await cache.fetch('https://a.example/2');
    await cache.fetch('https://a.example/1'); // 1 is now the most recently used
    await cache.fetch('https://a.example/3'); // evicts 2
    await cache.fetch('https://a.example/1');
    await cache.fetch('https://a.example/2');

    expect(inner.calls).toEqual([
      'https://a.example/1',
      'https://a.example/2',
      'https://a.example/3',
      'https://a.example/2',
    ]);
    expect(cache.size).toBe(2);
  });

  it('keys the cache on the Accept header as well as the URL', async () => {
    const inner = countingFetcher();
    const cache = new CachingFetcher(inner.fetcher);

    await cache.fetch('https://a.example/k', { accept: 'application/json' });
    await cache.fetch('https://a.example/k', { accept: 'application/jwt' });

    expect(inner.calls).toHaveLength(2);
  });

  it('hands out a kept response at once, and nothing it would have to fetch', async () => {
    const inner = countingFetcher();
    const clock = fakeClock();
    const cache = new CachingFetcher(inner.fetcher, { now: clock.now, failureTtlMs: 1000 });
    const url = 'https://a.example/list';

    inner.hold();
    const pending = cache.fetch(url, { accept: 'application/jwt' });
    expect(cache.settled(url, { accept: 'application/jwt' })).toBeUndefined();
    inner.release();
    const fetched = await pending;

    expect(cache.settled(url, { accept: 'application/jwt' })).toBe(fetched);
    expect(cache.settled(url, { accept: 'application/json' })).toBeUndefined();
    await cache.fetch('https://fail.example/').catch(() => undefined);
    expect(cache.settled('https://fail.example/')).toBeUndefined();
    clock.advance(5 * 60 * 1000);
    expect(cache.settled(url, { accept: 'application/jwt' })).toBeUndefined();
    expect(inner.calls).toEqual([url, 'https://fail.example/']);
  });
});
