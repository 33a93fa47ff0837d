import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { StaticFetcher } from '#shared/adapters/https/static-fetcher.ts';
import { CredstackError } from '#shared/core/errors.ts';

const text = (body: Uint8Array) => new TextDecoder().decode(body);

describe('StaticFetcher', () => {
  it('serves a configured body, ignoring the URL fragment', async () => {
    const fetcher = new StaticFetcher({
      'https://a.example/did.json': { body: '{"id":"did:web:a.example"}' },
    });

    const resource = await fetcher.fetch('https://a.example/did.json#key-1');

    expect(resource).toMatchObject({
      url: 'https://a.example/did.json',
      status: 200,
      contentType: 'application/json',
    });
    expect(text(resource.body)).toBe('{"id":"did:web:a.example"}');
    expect(fetcher.requests).toEqual(['https://a.example/did.json']);
  });

  it('fails with FETCH_FAILED for a URL it does not know', async () => {
    const fetcher = new StaticFetcher({});

    const error = await fetcher
      .fetch('https://unknown.example/')
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(CredstackError);
    expect((error as CredstackError).code).toBe('FETCH_FAILED');
  });

  it('fails with FETCH_FAILED for a configured non-2xx status', async () => {
    const fetcher = new StaticFetcher({ 'https://a.example/gone': { body: '', status: 410 } });

    const error = await fetcher.fetch('https://a.example/gone').catch((caught: unknown) => caught);

    expect((error as CredstackError).code).toBe('FETCH_FAILED');
    expect((error as CredstackError).message).toContain('HTTP 410');
  });

  it('serves from a function and from a Map', async () => {
    const byFunction = new StaticFetcher((url) =>
      url.endsWith('/list') ? { body: 'L', contentType: 'application/vc+jwt' } : undefined,
    );
    const byMap = new StaticFetcher(new Map([['https://a.example/m', { body: 'M' }]]));

    const listed = await byFunction.fetch('https://a.example/list');
    const mapped = await byMap.fetch('https://a.example/m');

    expect(listed.contentType).toBe('application/vc+jwt');
    expect(text(listed.body)).toBe('L');
    expect(text(mapped.body)).toBe('M');
  });

  it('reads a file route when it is asked for', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'credstack-static-'));
    try {
      writeFileSync(join(dir, 'list.json'), '{"list":1}');
      const fetcher = new StaticFetcher({
        'https://a.example/list': { file: join(dir, 'list.json') },
        'https://a.example/absent': { file: join(dir, 'absent.json') },
      });

      const resource = await fetcher.fetch('https://a.example/list');
      const error = await fetcher
        .fetch('https://a.example/absent')
        .catch((caught: unknown) => caught);

      expect(text(resource.body)).toBe('{"list":1}');
      expect((error as CredstackError).code).toBe('FETCH_FAILED');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
