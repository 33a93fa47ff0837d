import { describe, expect, it } from 'vitest';
import { loopbackOverHttp } from '#shared/adapters/https/loopback-http.ts';
import type { FetchedResource } from '#shared/credentials/fetch/fetcher.ts';

function recording() {
  const seen: string[] = [];
  const inner = {
    fetch: async (url: string): Promise<FetchedResource> => {
      seen.push(url);
      return { url, status: 200, contentType: 'application/json', body: new Uint8Array() };
    },
  };
  return { seen, fetcher: loopbackOverHttp(inner) };
}

describe('loopbackOverHttp', () => {
  it('sends https requests for loopback hosts over http, port and path kept', async () => {
    const { seen, fetcher } = recording();

    await fetcher.fetch('https://127.0.0.1:3000/issuers/northfield/did.json');
    await fetcher.fetch('https://localhost:8443/status/x.1/revocation?x=1');

    expect(seen).toEqual([
      'http://127.0.0.1:3000/issuers/northfield/did.json',
      'http://localhost:8443/status/x.1/revocation?x=1',
    ]);
  });

  it('leaves every other URL alone', async () => {
    const { seen, fetcher } = recording();

    await fetcher.fetch('https://college.example/.well-known/did.json');
    await fetcher.fetch('https://127.0.0.2/did.json');
    await fetcher.fetch('not a url');

    expect(seen).toEqual([
      'https://college.example/.well-known/did.json',
      'https://127.0.0.2/did.json',
      'not a url',
    ]);
  });
});
