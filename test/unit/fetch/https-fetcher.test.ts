import { execFileSync } from 'node:child_process';
import type { LookupAddress } from 'node:dns';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpsFetcher, type HttpsFetcherOptions } from '#shared/adapters/https/https-fetcher.ts';
import { CredstackError } from '#shared/core/errors.ts';

/** A local HTTPS server with a throwaway self-signed certificate made by the openssl CLI. */
let dir: string;
let ca: string;
let server: https.Server;
let plainServer: http.Server;
let port: number;
let plainPort: number;
const seen: { path: string; host: string; accept: string }[] = [];

function route(request: http.IncomingMessage, response: http.ServerResponse): void {
  seen.push({
    path: request.url ?? '',
    host: request.headers.host ?? '',
    accept: request.headers.accept ?? '',
  });
  switch (request.url) {
    case '/ok':
      response.writeHead(200, {
        'content-type': 'application/json',
        'cache-control': 'max-age=60',
      });
      response.end('{"ok":true}');
      return;
    case '/big':
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': 2048 });
      response.end('x'.repeat(2048));
      return;
    case '/chunked-big':
      response.writeHead(200, { 'content-type': 'application/json' });
      for (let i = 0; i < 4; i++) response.write('y'.repeat(1024));
      response.end();
      return;
    case '/hang':
      return; // never answers
    case '/missing':
      response.writeHead(404, { 'content-type': 'text/plain' });
      response.end('not here');
      return;
    case '/redirect':
      response.writeHead(302, { location: '/ok' });
      response.end();
      return;
    case '/loop':
      response.writeHead(302, { location: '/loop' });
      response.end();
      return;
    case '/to-http':
      response.writeHead(301, { location: `http://127.0.0.1:${plainPort}/ok` });
      response.end();
      return;
    case '/to-evil':
      response.writeHead(302, { location: `https://evil.test:${port}/ok` });
      response.end();
      return;
    default:
      response.writeHead(500);
      response.end();
  }
}

function listen(target: http.Server | https.Server): Promise<number> {
  return new Promise((resolve) => {
    target.listen(0, '127.0.0.1', () => resolve((target.address() as AddressInfo).port));
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'credstack-fetch-'));
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost,DNS:pinned.test,DNS:evil.test,IP:127.0.0.1',
    ],
    { stdio: 'ignore' },
  );
  ca = readFileSync(join(dir, 'cert.pem'), 'utf8');
  server = https.createServer({ key: readFileSync(join(dir, 'key.pem')), cert: ca }, route);
  plainServer = http.createServer(route);
  port = await listen(server);
  plainPort = await listen(plainServer);
});

afterAll(async () => {
  server.closeAllConnections();
  plainServer.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await new Promise((resolve) => plainServer.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

const loopback: LookupAddress = { address: '127.0.0.1', family: 4 };

/** A fetcher that trusts the test certificate and may reach loopback. */
function localFetcher(options: HttpsFetcherOptions = {}): HttpsFetcher {
  return new HttpsFetcher({
    tls: { ca },
    allowPrivateAddresses: true,
    resolveHost: async () => [loopback],
    ...options,
  });
}

async function failure(promise: Promise<unknown>): Promise<CredstackError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(CredstackError);
  return error as CredstackError;
}

describe('HttpsFetcher', () => {
  it('fetches a body with its status, media type and headers', async () => {
    const fetcher = localFetcher();

    const resource = await fetcher.fetch(`https://localhost:${port}/ok`, {
      accept: 'application/did+json',
    });

    expect(resource.status).toBe(200);
    expect(resource.contentType).toBe('application/json');
    expect(new TextDecoder().decode(resource.body)).toBe('{"ok":true}');
    expect(resource.headers?.['cache-control']).toBe('max-age=60');
    expect(seen.at(-1)?.accept).toBe('application/did+json');
  });

  it('refuses a plain http URL', async () => {
    const error = await failure(new HttpsFetcher().fetch('http://example.com/did.json'));

    expect(error.code).toBe('FETCH_REFUSED');
    expect(error.message).toContain('plain http');
  });

  it('refuses http to a non-loopback host even when http to loopback is allowed', async () => {
    const error = await failure(
      new HttpsFetcher({ allowHttpLoopback: true }).fetch('http://example.com/did.json'),
    );

    expect(error.code).toBe('FETCH_REFUSED');
  });

  it('fetches plain http from loopback when allowHttpLoopback is set', async () => {
    const fetcher = new HttpsFetcher({ allowHttpLoopback: true });

    const resource = await fetcher.fetch(`http://127.0.0.1:${plainPort}/ok`);

    expect(new TextDecoder().decode(resource.body)).toBe('{"ok":true}');
  });

  it('refuses schemes other than https', async () => {
    const error = await failure(new HttpsFetcher().fetch('ftp://example.com/key'));

    expect(error.code).toBe('FETCH_REFUSED');
    expect(error.message).toContain('ftp:');
  });

  it('refuses a URL that carries credentials', async () => {
    const error = await failure(new HttpsFetcher().fetch('https://user:secret@example.com/'));

    expect(error.code).toBe('FETCH_REFUSED');
  });

  it('refuses a loopback IP literal by default', async () => {
    const before = seen.length;

    const error = await failure(
      new HttpsFetcher({ tls: { ca } }).fetch(`https://127.0.0.1:${port}/ok`),
    );

    expect(error.code).toBe('FETCH_REFUSED');
    expect(seen.length).toBe(before);
  });

  it('refuses a host name that resolves to loopback', async () => {
    const fetcher = new HttpsFetcher({ tls: { ca }, resolveHost: async () => [loopback] });

    const error = await failure(fetcher.fetch(`https://localhost:${port}/ok`));

    expect(error.code).toBe('FETCH_REFUSED');
    expect(error.message).toContain('127.0.0.1');
  });

  it.each([
    ['10.0.0.5', 4],
    ['192.168.1.10', 4],
    ['169.254.169.254', 4],
    ['fd00::1', 6],
    ['::ffff:10.0.0.1', 6],
  ])('refuses a host that resolves to %s without connecting', async (address, family) => {
    const asked: string[] = [];
    const fetcher = new HttpsFetcher({
      resolveHost: async (host) => {
        asked.push(host);
        return [{ address, family }];
      },
    });

    const error = await failure(fetcher.fetch('https://intranet.example/did.json'));

    expect(error.code).toBe('FETCH_REFUSED');
    expect(asked).toEqual(['intranet.example']);
  });

  it('refuses a host when any one of its addresses is private', async () => {
    const fetcher = new HttpsFetcher({
      resolveHost: async () => [
        { address: '93.184.216.34', family: 4 },
        { address: '10.1.1.1', family: 4 },
      ],
    });

    const error = await failure(fetcher.fetch('https://mixed.example/'));

    expect(error.code).toBe('FETCH_REFUSED');
    expect(error.message).toContain('10.1.1.1');
  });

  it('connects to the vetted address even if DNS answers differently afterwards (rebinding)', async () => {
    let lookups = 0;
    const fetcher = new HttpsFetcher({
      tls: { ca },
      addressPolicy: (ip) => ip === '127.0.0.1',
      resolveHost: async () => {
        lookups += 1;
        // First answer passes the policy; any later answer would point somewhere private.
        return [lookups === 1 ? loopback : { address: '10.0.0.1', family: 4 }];
      },
    });

    const resource = await fetcher.fetch(`https://pinned.test:${port}/ok`);

    expect(new TextDecoder().decode(resource.body)).toBe('{"ok":true}');
    expect(lookups).toBe(1);
    expect(seen.at(-1)?.host).toBe(`pinned.test:${port}`);
  });

  it('follows a redirect and reports the final URL', async () => {
    const resource = await localFetcher().fetch(`https://localhost:${port}/redirect`);

    expect(resource.url).toBe(`https://localhost:${port}/ok`);
    expect(new TextDecoder().decode(resource.body)).toBe('{"ok":true}');
  });

  it('checks the address again on every redirect hop', async () => {
    const fetcher = new HttpsFetcher({
      tls: { ca },
      addressPolicy: (ip) => ip === '127.0.0.1',
      resolveHost: async (host) => [
        host === 'evil.test' ? { address: '127.0.0.2', family: 4 } : loopback,
      ],
    });

    const error = await failure(fetcher.fetch(`https://localhost:${port}/to-evil`));

    expect(error.code).toBe('FETCH_REFUSED');
    expect(error.message).toContain('evil.test resolves to 127.0.0.2');
  });

  it('refuses a redirect from https to plain http', async () => {
    const error = await failure(localFetcher().fetch(`https://localhost:${port}/to-http`));

    expect(error.code).toBe('FETCH_REFUSED');
  });

  it('gives up after three redirects', async () => {
    const before = seen.length;

    const error = await failure(localFetcher().fetch(`https://localhost:${port}/loop`));

    expect(error.code).toBe('FETCH_FAILED');
    expect(error.message).toContain('more than 3 times');
    expect(seen.length - before).toBe(4);
  });

  it('fails with the HTTP status on a non-2xx answer', async () => {
    const error = await failure(localFetcher().fetch(`https://localhost:${port}/missing`));

    expect(error.code).toBe('FETCH_FAILED');
    expect(error.message).toContain('HTTP 404');
  });

  it('refuses a body whose declared length is over the cap', async () => {
    const error = await failure(
      localFetcher({ maxBytes: 1024 }).fetch(`https://localhost:${port}/big`),
    );

    expect(error.code).toBe('FETCH_TOO_LARGE');
  });

  it('stops reading a chunked body once it passes the cap', async () => {
    const error = await failure(
      localFetcher({ maxBytes: 1500 }).fetch(`https://localhost:${port}/chunked-big`),
    );

    expect(error.code).toBe('FETCH_TOO_LARGE');
    expect(error.message).toContain('1500 bytes');
  });

  it('times out a server that never answers', async () => {
    const started = Date.now();

    const error = await failure(
      localFetcher({ timeoutMs: 200 }).fetch(`https://localhost:${port}/hang`),
    );

    expect(error.code).toBe('FETCH_TIMEOUT');
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('times out a host lookup that never finishes', async () => {
    const fetcher = new HttpsFetcher({ timeoutMs: 100, resolveHost: () => new Promise(() => {}) });

    const error = await failure(fetcher.fetch('https://slow-dns.example/'));

    expect(error.code).toBe('FETCH_TIMEOUT');
  });

  it('fails when the certificate is not trusted', async () => {
    const fetcher = new HttpsFetcher({
      allowPrivateAddresses: true,
      resolveHost: async () => [loopback],
    });

    const error = await failure(fetcher.fetch(`https://localhost:${port}/ok`));

    expect(error.code).toBe('FETCH_FAILED');
  });

  it('fails when the host cannot be resolved', async () => {
    const fetcher = new HttpsFetcher({
      resolveHost: async () => {
        throw Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' });
      },
    });

    const error = await failure(fetcher.fetch('https://nowhere.example/'));

    expect(error.code).toBe('FETCH_FAILED');
    expect(error.message).toContain('nowhere.example could not be resolved');
  });
});
