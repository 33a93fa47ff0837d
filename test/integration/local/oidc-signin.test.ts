import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalJWKSet, decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HttpLambdaHandler } from '#functions/http/router.ts';
import { buildLocalApp, type LocalApp } from '#local/app.ts';
import { demoUsers } from '#local/demo-users.ts';
import {
  ACCESS_TOKEN_TTL_SECONDS,
  appConfig,
  byIssuer,
  createDevOidcProvider,
  type DevOidcProvider,
  OIDC_KEY_FILE,
  WEB_CLIENT_ID,
  WEB_SCOPE,
} from '#local/dev-oidc.ts';
import { type DevIssuer, loadOrCreateDevIssuer } from '#local/dev-tokens.ts';
import { type FrontRouter, frontRouter } from '#local/front.ts';
import { type HttpBridge, startHttpBridge } from '#local/http-bridge.ts';
import { StaticFetcher } from '#shared/adapters/https/static-fetcher.ts';
import { LocalKeyVault } from '#shared/adapters/key-files/local-key-vault.ts';
import { createJwtTokenVerifier } from '#shared/adapters/oidc/token-verifier.ts';
import { systemClock } from '#shared/core/clock.ts';
import { useDynamoDbLocal } from '../../support/dynamodb.ts';

/**
 * The web app's sign-in on the local runtime, driven with fetch as a browser would: the
 * development OpenID provider at /oidc, authorization code + PKCE, the access token it issues
 * accepted by the API beside the dev tokens, and /app-config.json — all through the same front
 * router and HTTP bridge `npm start` runs.
 */

const db = useDynamoDbLocal();
let dir = '';
let bridge: HttpBridge | undefined;
let app: LocalApp | undefined;
let oidc: DevOidcProvider;
let devIssuer: DevIssuer;
let base = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'credstack-oidc-'));
  const tableName = await db.newTable();
  let route: HttpLambdaHandler | undefined;
  let front: FrontRouter | undefined;
  bridge = await startHttpBridge({
    port: 0,
    handler: (event) => {
      if (!route) throw new Error('the service is still starting');
      return route(event);
    },
    front: (request, response) => front?.(request, response) ?? false,
  });
  base = bridge.url;
  devIssuer = await loadOrCreateDevIssuer(dir);
  oidc = await createDevOidcProvider({ baseUrl: base, dataDir: dir, users: demoUsers() });
  app = buildLocalApp({
    documents: db.documents,
    tableName,
    vault: new LocalKeyVault({ dir: join(dir, 'keys') }),
    baseUrl: base,
    clock: systemClock,
    tokenVerifier: byIssuer({
      [devIssuer.issuer]: createJwtTokenVerifier({
        issuer: devIssuer.issuer,
        audience: devIssuer.audience,
        jwks: createLocalJWKSet(devIssuer.jwks),
      }),
      [oidc.issuer]: oidc.tokenVerifier,
    }),
    network: new StaticFetcher({}),
    health: async () => ({ ok: true }),
    logger: { log: () => {} },
    verification: 'in-process',
  });
  route = app.handler;
  front = frontRouter({ oidc: oidc.listener, appConfig: appConfig(base) });
}, 120_000);

afterAll(async () => {
  await bridge?.close();
  await app?.close();
  if (dir !== '') await rm(dir, { recursive: true, force: true });
});

/** The cookies a browser would keep for the provider (names to values; no expiry needed). */
class CookieJar {
  readonly #cookies = new Map<string, string>();
  take(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const at = pair.indexOf('=');
      const name = pair.slice(0, at).trim();
      const value = pair.slice(at + 1).trim();
      if (/max-age=0|expires=thu, 01 jan 1970/i.test(line) || value === '')
        this.#cookies.delete(name);
      else this.#cookies.set(name, value);
    }
  }
  get header(): string {
    return [...this.#cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }
}

async function go(
  jar: CookieJar,
  url: string,
  init: RequestInit = {},
): Promise<{ response: Response; location: string | undefined }> {
  const response = await fetch(new URL(url, base), {
    ...init,
    redirect: 'manual',
    headers: { ...(init.headers as Record<string, string>), cookie: jar.header },
  });
  jar.take(response);
  const location = response.headers.get('location') ?? undefined;
  return { response, location: location === undefined ? undefined : new URL(location, base).href };
}

const verifierPair = () => {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
};

function authorizeUrl(challenge: string | undefined, state: string): string {
  const params = new URLSearchParams({
    client_id: WEB_CLIENT_ID,
    response_type: 'code',
    redirect_uri: `${base}/auth/callback`,
    scope: WEB_SCOPE,
    state,
    nonce: randomBytes(8).toString('hex'),
    ...(challenge === undefined
      ? {}
      : { code_challenge: challenge, code_challenge_method: 'S256' }),
  });
  return `${base}/oidc/auth?${params}`;
}

/** Authorize → sign-in page → choose `user` → back at the app's callback with a code. */
async function signIn(user: string, challenge: string): Promise<{ code: string; page: string }> {
  const jar = new CookieJar();
  const state = randomBytes(8).toString('hex');
  const start = await go(jar, authorizeUrl(challenge, state));
  expect(start.response.status).toBe(303);
  expect(start.location).toMatch(new RegExp(`^${base}/oidc/interaction/`));
  const pageResponse = await go(jar, start.location!);
  expect(pageResponse.response.status).toBe(200);
  const page = await pageResponse.response.text();
  const chosen = await go(jar, start.location!, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ user }).toString(),
  });
  expect(chosen.response.status).toBe(303);
  let next = chosen.location!;
  // The provider resumes the authorization, then sends the browser back to the app.
  for (let hop = 0; hop < 5 && !next.startsWith(`${base}/auth/callback`); hop += 1)
    next = (await go(jar, next)).location!;
  const callback = new URL(next);
  expect(callback.origin + callback.pathname).toBe(`${base}/auth/callback`);
  expect(callback.searchParams.get('state')).toBe(state);
  return { code: callback.searchParams.get('code') ?? '', page };
}

function redeem(code: string, verifier: string | undefined): Promise<Response> {
  return fetch(`${base}/oidc/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: `${base}/auth/callback`,
      client_id: WEB_CLIENT_ID,
      ...(verifier === undefined ? {} : { code_verifier: verifier }),
    }).toString(),
  });
}

async function accessToken(code: string, verifier: string): Promise<string> {
  const body = (await (await redeem(code, verifier)).json()) as { access_token?: unknown };
  return String(body.access_token);
}

const api = (path: string, token: string) =>
  fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } });

describe('the development OpenID provider', () => {
  let adaToken = '';

  it('signs in learner-ada with code + PKCE and issues an access token the API accepts', async () => {
    const { verifier, challenge } = verifierPair();

    const { code, page } = await signIn('learner-ada', challenge);
    const tokenResponse = await redeem(code, verifier);
    const tokens = (await tokenResponse.json()) as Record<string, unknown>;
    adaToken = String(tokens.access_token);
    const claims = decodeJwt(adaToken);
    const own = await api('/learners/ada/pathways', adaToken);
    const other = await api('/learners/grace/pathways', adaToken);

    expect(page).toContain('learner-ada');
    expect(page).toContain('employer-other');
    expect(tokenResponse.status).toBe(200);
    expect(tokens.token_type).toBe('Bearer');
    expect(typeof tokens.id_token).toBe('string');
    expect(claims).toMatchObject({
      iss: `${base}/oidc`,
      aud: 'credstack',
      sub: 'dev-learner-ada',
      'credstack:roles': ['learner'],
      'credstack:learner_id': 'ada',
      email: 'ada.learner@mail.example',
      email_verified: true,
    });
    expect(claims.exp! - claims.iat!).toBe(ACCESS_TOKEN_TTL_SECONDS);
    expect(own.status).toBe(200);
    expect(other.status).toBe(403);
  });

  it('carries the employer and issuer scopes of the other demo users', async () => {
    const employer = verifierPair();
    const admin = verifierPair();

    const employerCode = (await signIn('employer', employer.challenge)).code;
    const adminCode = (await signIn('issuer-admin', admin.challenge)).code;
    const employerClaims = decodeJwt(await accessToken(employerCode, employer.verifier));
    const adminClaims = decodeJwt(await accessToken(adminCode, admin.verifier));

    expect(employerClaims).toMatchObject({
      'credstack:roles': ['employer'],
      'credstack:employer_id': 'acme-analytics',
    });
    expect(adminClaims).toMatchObject({
      'credstack:roles': ['issuer-admin'],
      'credstack:issuer_id': 'northfield',
    });
  });

  it('refuses a code redeemed without its PKCE verifier, with another one, or twice', async () => {
    const { verifier, challenge } = verifierPair();
    const { code } = await signIn('learner-ada', challenge);

    const without = await redeem(code, undefined);
    const wrong = await redeem(code, verifierPair().verifier);
    const right = await redeem(code, verifier);
    const replayed = await redeem(code, verifier);

    expect(without.status).toBe(400);
    expect(wrong.status).toBe(400);
    expect(((await wrong.json()) as { error: string }).error).toBe('invalid_grant');
    expect(right.status).toBe(200);
    expect(replayed.status).toBe(400);
    expect(((await replayed.json()) as { error: string }).error).toBe('invalid_grant');
  });

  it('refuses an authorization request without a PKCE challenge', async () => {
    const { location } = await go(new CookieJar(), authorizeUrl(undefined, 's1'));

    const back = new URL(location!);
    expect(back.origin + back.pathname).toBe(`${base}/auth/callback`);
    expect(back.searchParams.get('error')).toBe('invalid_request');
    expect(back.searchParams.get('code')).toBeNull();
  });

  it('refuses a sign-in as someone who is not a demo user, and an unknown interaction', async () => {
    const jar = new CookieJar();
    const start = await go(jar, authorizeUrl(verifierPair().challenge, 's2'));

    const unknown = await go(jar, start.location!, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'user=__proto__',
    });
    const stale = await go(new CookieJar(), `${base}/oidc/interaction/nope`);

    expect(unknown.response.status).toBe(400);
    expect(unknown.response.headers.get('content-type')).toBe('application/problem+json');
    expect(stale.response.status).toBe(400);
  });

  it('publishes its discovery document under /oidc and leaves API routes to the API', async () => {
    const discovery = (await (
      await fetch(`${base}/oidc/.well-known/openid-configuration`)
    ).json()) as Record<string, unknown>;
    const health = await fetch(`${base}/health`);

    expect(discovery.issuer).toBe(`${base}/oidc`);
    expect(discovery.authorization_endpoint).toBe(`${base}/oidc/auth`);
    expect(discovery.token_endpoint).toBe(`${base}/oidc/token`);
    expect(discovery.code_challenge_methods_supported).toEqual(['S256']);
    expect(health.status).toBe(200);
  });

  it('keeps its keys in a 0600 file and the API refuses a token it did not sign', async () => {
    const info = await stat(join(dir, OIDC_KEY_FILE));
    const [header, payload] = adaToken.split('.');
    const forged = `${header}.${payload}.${Buffer.from('not a signature').toString('base64url')}`;

    const refused = await api('/learners/ada/pathways', forged);
    const devToken = await devIssuer.sign({ sub: 'x', roles: ['learner'], learnerId: 'ada' });
    const stillAccepted = await api('/learners/ada/pathways', devToken);

    expect(info.mode & 0o777).toBe(0o600);
    expect(refused.status).toBe(401);
    expect(stillAccepted.status).toBe(200);
  });

  it('serves the web app its configuration at /app-config.json', async () => {
    const response = await fetch(`${base}/app-config.json`);
    const posted = await fetch(`${base}/app-config.json`, { method: 'POST' });

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      apiBase: '',
      oidc: {
        authority: `${base}/oidc`,
        clientId: 'credstack-web',
        redirectUri: `${base}/auth/callback`,
        postLogoutRedirectUri: `${base}/`,
        scope: 'openid profile email',
      },
      devTokens: true,
    });
    expect(posted.status).toBe(405);
  });
});
