import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HttpHandler } from '#local/http-bridge.ts';
import { localWebAppConfig, withWebApp } from '#local/web-static.ts';
import { gatewayEvent } from '#test/unit/http/http-test-kit.ts';

/** The web app's files beside the API: what is the app's, and what still reaches the API. */

let dist: string;
const apiCalls: string[] = [];
const api: HttpHandler = async (event) => {
  apiCalls.push(`${event.requestContext.http.method} ${event.rawPath}`);
  return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: '{"api":true}' };
};

async function get(path: string, method = 'GET', dir = dist) {
  const handler = withWebApp(api, {
    config: localWebAppConfig('http://127.0.0.1:3000'),
    distDir: dir,
    devTokensFile: join(dir, 'tokens.json'),
  });
  const result = (await handler(
    gatewayEvent({ method, path }),
  )) as APIGatewayProxyStructuredResultV2;
  const body = result.isBase64Encoded
    ? Buffer.from(result.body ?? '', 'base64').toString()
    : (result.body ?? '');
  return { status: result.statusCode, headers: result.headers ?? {}, body };
}

beforeAll(async () => {
  dist = await mkdtemp(join(tmpdir(), 'web-static-'));
  await mkdir(join(dist, 'assets'));
  await writeFile(join(dist, 'index.html'), '<!doctype html><title>app</title>');
  await writeFile(join(dist, 'assets/index-abc.js'), 'console.log(1)');
  await writeFile(join(dist, 'tokens.json'), '{"learner-ada":{"token":"t","description":"d"}}');
});

afterAll(async () => {
  await rm(dist, { recursive: true, force: true });
});

describe('withWebApp', () => {
  it('answers / and the client routes with the app, without a request to the API', async () => {
    for (const path of ['/', '/app', '/app/badges/urn%3Auuid%3Ax', '/auth/callback']) {
      const page = await get(path);
      expect([page.status, page.body]).toEqual([200, '<!doctype html><title>app</title>']);
      expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    }
    expect(apiCalls).toEqual([]);
  });

  it('serves hashed assets as immutable, with their type', async () => {
    const asset = await get('/assets/index-abc.js');
    expect(asset.status).toBe(200);
    expect(asset.headers['content-type']).toContain('text/javascript');
    expect(asset.headers['cache-control']).toContain('immutable');
  });

  it('never serves a file outside the build folder', async () => {
    for (const path of [
      '/assets/../tokens.json',
      '/assets/..%2ftokens.json',
      '/assets/%2e%2e/index.html',
    ])
      expect((await get(path)).status).toBe(404);
  });

  it('passes every API route, and every non-GET, through untouched', async () => {
    apiCalls.length = 0;
    for (const path of ['/health', '/openapi.json', '/learners/ada/credentials', '/docs'])
      expect((await get(path)).body).toBe('{"api":true}');
    expect((await get('/', 'POST')).body).toBe('{"api":true}');
    expect(apiCalls).toEqual([
      'GET /health',
      'GET /openapi.json',
      'GET /learners/ada/credentials',
      'GET /docs',
      'POST /',
    ]);
  });

  it('tells the app where to sign in, and offers the demo users only in the local runtime', async () => {
    const config = JSON.parse((await get('/app-config.json')).body);
    expect(config).toEqual({
      apiBase: '',
      oidc: {
        authority: 'http://127.0.0.1:3000/oidc',
        clientId: 'credstack-web',
        redirectUri: 'http://127.0.0.1:3000/auth/callback',
        postLogoutRedirectUri: 'http://127.0.0.1:3000/',
        scope: 'openid profile email',
      },
      devTokens: true,
    });
    expect(JSON.parse((await get('/app-dev-tokens.json')).body)).toHaveProperty('learner-ada');
    const withoutDevTokens = withWebApp(api, {
      config: { ...localWebAppConfig('http://x'), devTokens: false },
      distDir: dist,
      devTokensFile: join(dist, 'tokens.json'),
    });
    const refused = (await withoutDevTokens(
      gatewayEvent({ path: '/app-dev-tokens.json' }),
    )) as APIGatewayProxyStructuredResultV2;
    expect(refused.body).toBe('{"api":true}');
  });

  it('says the app is not built rather than failing', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'web-static-empty-'));
    const page = await get('/', 'GET', empty);
    expect(page.status).toBe(503);
    expect(JSON.parse(page.body).detail).toContain('npm run build:web');
    await rm(empty, { recursive: true, force: true });
  });
});
