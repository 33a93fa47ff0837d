import { createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { createLocalJWKSet, decodeJwt, type JWK } from 'jose';
import Provider, { errors } from 'oidc-provider';
import {
  createJwtTokenVerifier,
  type TokenVerifier,
} from '#shared/adapters/oidc/token-verifier.ts';
import type { DemoUser } from './demo-users.ts';
import { DEV_AUDIENCE } from './dev-tokens.ts';

/**
 * The development OpenID Connect provider of `npm start`, mounted at `<base>/oidc`: the web
 * app signs in through it exactly as it does through Cognito or another provider in AWS
 * (authorization code + PKCE), but its sign-in page only asks which demo user to be. Only the
 * local runtime imports this module; no Lambda bundle contains it (bundle-budgets test).
 *
 * Its access tokens are JWTs for the API (audience `credstack`, as the dev tokens), carrying
 * the claims the API reads (`credstack:roles`, the scope ids, the verified email), and live
 * 15 minutes so an expired session is easy to see.
 */

export const OIDC_MOUNT = '/oidc';
export const WEB_CLIENT_ID = 'credstack-web';
export const WEB_SCOPE = 'openid profile email';
/** The API as a resource server (RFC 8707): every access token is issued for it. */
export const API_RESOURCE = 'urn:credstack:api';
export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60;
export const OIDC_KEY_FILE = 'oidc-provider-keys.json';

/** What the web app reads at `/app-config.json` (in AWS, the CDK stack writes the same file). */
export interface AppConfig {
  readonly apiBase: string;
  readonly oidc: {
    readonly authority: string;
    readonly clientId: string;
    readonly redirectUri: string;
    readonly postLogoutRedirectUri: string;
    readonly scope: string;
  };
  readonly devTokens?: boolean;
}

/**
 * The web app's configuration for the local runtime at `baseUrl`.
 *
 * @example
 * appConfig('http://127.0.0.1:3000').oidc.authority; // 'http://127.0.0.1:3000/oidc'
 */
export function appConfig(baseUrl: string): AppConfig {
  return {
    apiBase: '',
    oidc: {
      authority: `${baseUrl}${OIDC_MOUNT}`,
      clientId: WEB_CLIENT_ID,
      redirectUri: `${baseUrl}/auth/callback`,
      postLogoutRedirectUri: `${baseUrl}/`,
      scope: WEB_SCOPE,
    },
    devTokens: true,
  };
}

interface StoredKeys {
  readonly signing: JWK;
  readonly cookies: readonly string[];
}

function isStoredKeys(value: unknown): value is StoredKeys {
  const keys = value as StoredKeys;
  return (
    typeof keys === 'object' &&
    keys !== null &&
    typeof keys.signing === 'object' &&
    keys.signing?.kty === 'EC' &&
    typeof keys.signing.d === 'string' &&
    Array.isArray(keys.cookies) &&
    keys.cookies.length > 0 &&
    keys.cookies.every((key) => typeof key === 'string' && key.length >= 32)
  );
}

/** The provider's signing key and cookie secrets: made once, kept in a 0600 file under .data. */
async function loadOrCreateKeys(dir: string): Promise<StoredKeys> {
  const path = join(dir, OIDC_KEY_FILE);
  try {
    const info = await stat(path);
    if ((info.mode & 0o077) !== 0)
      throw new Error(
        `${path} is readable by other users (mode ${(info.mode & 0o777).toString(8)}); ` +
          `run \`chmod 600 ${path}\` or delete it to have new keys made`,
      );
    const stored: unknown = JSON.parse(await readFile(path, 'utf8'));
    if (!isStoredKeys(stored))
      throw new Error(
        `${path} does not hold the sign-in provider's keys; delete it to have new ones made`,
      );
    return stored;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const keys: StoredKeys = {
    signing: privateKey.export({ format: 'jwk' }) as JWK,
    cookies: [randomBytes(32).toString('base64url')],
  };
  await mkdir(dir, { recursive: true, mode: 0o700 });
  try {
    // 'wx' so two processes starting together never overwrite each other's keys.
    await writeFile(path, `${JSON.stringify(keys)}\n`, { mode: 0o600, flag: 'wx' });
    return keys;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return loadOrCreateKeys(dir);
  }
}

type Stored = Record<string, unknown> & {
  uid?: string;
  userCode?: string;
  grantId?: string;
  consumed?: number;
};

/**
 * Where the provider keeps its sessions, grants, codes and interactions: this process's memory,
 * so a restart signs everyone out — said here, in the provider's own adapter, rather than
 * warned about at every start. Entries expire as the provider asks.
 */
function memoryAdapter(): new (model: string) => object {
  const entries = new Map<string, { payload: Stored; expiresAt: number | undefined }>();
  const live = (key: string): Stored | undefined => {
    const entry = entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt !== undefined && entry.expiresAt <= Date.now()) {
      entries.delete(key);
      return undefined;
    }
    return entry.payload;
  };
  return class MemoryAdapter {
    readonly #model: string;
    constructor(model: string) {
      this.#model = model;
    }
    #key(id: string): string {
      return `${this.#model}:${id}`;
    }
    async upsert(id: string, payload: Stored, expiresIn?: number): Promise<void> {
      entries.set(this.#key(id), {
        payload,
        expiresAt: expiresIn === undefined ? undefined : Date.now() + expiresIn * 1000,
      });
    }
    async find(id: string): Promise<Stored | undefined> {
      return live(this.#key(id));
    }
    async findByUid(uid: string): Promise<Stored | undefined> {
      for (const key of entries.keys()) {
        const payload = key.startsWith(`${this.#model}:`) ? live(key) : undefined;
        if (payload?.uid === uid) return payload;
      }
      return undefined;
    }
    async findByUserCode(userCode: string): Promise<Stored | undefined> {
      for (const key of entries.keys()) {
        const payload = key.startsWith(`${this.#model}:`) ? live(key) : undefined;
        if (payload?.userCode === userCode) return payload;
      }
      return undefined;
    }
    async consume(id: string): Promise<void> {
      const payload = live(this.#key(id));
      if (payload !== undefined) payload.consumed = Math.floor(Date.now() / 1000);
    }
    async destroy(id: string): Promise<void> {
      entries.delete(this.#key(id));
    }
    async revokeByGrantId(grantId: string): Promise<void> {
      for (const [key, entry] of entries)
        if (entry.payload.grantId === grantId) entries.delete(key);
    }
  };
}

/** The claims the API reads, as the dev tokens carry them (see dev-tokens.ts). */
function apiClaims(user: DemoUser): Record<string, unknown> {
  const { claims } = user;
  return {
    'credstack:roles': [...claims.roles],
    ...(claims.issuerId === undefined ? {} : { 'credstack:issuer_id': claims.issuerId }),
    ...(claims.learnerId === undefined ? {} : { 'credstack:learner_id': claims.learnerId }),
    ...(claims.employerId === undefined ? {} : { 'credstack:employer_id': claims.employerId }),
    ...(claims.tenantId === undefined ? {} : { 'credstack:tenant_id': claims.tenantId }),
    ...(claims.email === undefined ? {} : { email: claims.email, email_verified: true }),
  };
}

const escapeHtml = (text: string): string =>
  text.replace(
    /[&<>"']/g,
    (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!,
  );

function signInPage(action: string, users: Readonly<Record<string, DemoUser>>): string {
  const choices = Object.entries(users)
    .map(
      ([name, user]) =>
        `<li><button type="submit" name="user" value="${escapeHtml(name)}">${escapeHtml(name)}</button> ${escapeHtml(user.description)}</li>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>credstack development sign-in</title></head>
<body>
<h1>Sign in as a demo user</h1>
<p>Development only: the local runtime's provider asks no password.</p>
<form method="post" action="${escapeHtml(action)}"><ul>
${choices}
</ul></form>
</body></html>
`;
}

/**
 * The provider's sign-out question, in the look of its sign-in page: the provider's own page
 * would load a web font from the internet, which the local runtime must not need.
 */
function logoutPage(form: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>credstack development sign-out</title></head>
<body>
<h1>Sign out of the development provider?</h1>
${form}
<p><button type="submit" form="op.logoutForm" name="logout" value="yes">Sign out</button>
<button type="submit" form="op.logoutForm">Stay signed in</button></p>
</body></html>
`;
}

function sendText(
  response: ServerResponse,
  status: number,
  contentType: string,
  body: string,
): void {
  response.writeHead(status, {
    'content-type': contentType,
    'cache-control': 'no-store',
    'content-length': String(Buffer.byteLength(body)),
  });
  response.end(body);
}

function sendProblem(
  response: ServerResponse,
  status: number,
  title: string,
  detail: string,
): void {
  sendText(
    response,
    status,
    'application/problem+json',
    JSON.stringify({ type: 'about:blank', title, status, detail }),
  );
}

const MAX_FORM_BYTES = 4096;

async function readForm(request: IncomingMessage): Promise<URLSearchParams | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_FORM_BYTES) return undefined;
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

export interface DevOidcProvider {
  /** `<base>/oidc`. */
  readonly issuer: string;
  /** Verifies the provider's access tokens as the API does (issuer, audience, its key). */
  readonly tokenVerifier: TokenVerifier;
  /** Answers a request whose path is under {@link OIDC_MOUNT}. */
  readonly listener: (request: IncomingMessage, response: ServerResponse) => void;
}

/**
 * Builds the provider for the local runtime at `baseUrl`, its keys kept in `dataDir`.
 *
 * @example
 * const oidc = await createDevOidcProvider({ baseUrl, dataDir: '.data', users: demoUsers() });
 */
export async function createDevOidcProvider(options: {
  readonly baseUrl: string;
  readonly dataDir: string;
  readonly users: Readonly<Record<string, DemoUser>>;
}): Promise<DevOidcProvider> {
  const { baseUrl, users } = options;
  const issuer = `${baseUrl}${OIDC_MOUNT}`;
  const keys = await loadOrCreateKeys(options.dataDir);
  const { kty, crv, x, y } = createPublicKey({ key: keys.signing, format: 'jwk' }).export({
    format: 'jwk',
  }) as JWK;
  const kid = 'dev-oidc-es256';
  // Accounts are keyed by the dev tokens' subjects, so a dev token and a signed-in session of
  // the same demo user name one person.
  const bySubject = new Map(Object.values(users).map((user) => [user.claims.sub, user]));
  const userOf = (accountId: string): DemoUser | undefined => bySubject.get(accountId);

  const provider = new Provider(issuer, {
    adapter: memoryAdapter(),
    clients: [
      {
        client_id: WEB_CLIENT_ID,
        // A browser app keeps no secret: a public client, bound to its redirect URI and PKCE.
        token_endpoint_auth_method: 'none',
        application_type: 'web',
        grant_types: ['authorization_code'],
        response_types: ['code'],
        redirect_uris: [`${baseUrl}/auth/callback`],
        post_logout_redirect_uris: [`${baseUrl}/`],
        id_token_signed_response_alg: 'ES256',
      },
    ],
    clientDefaults: { id_token_signed_response_alg: 'ES256' },
    jwks: { keys: [{ ...keys.signing, kid, alg: 'ES256', use: 'sig' }] },
    cookies: { keys: [...keys.cookies] },
    pkce: { required: () => true },
    scopes: ['openid', 'profile', 'email'],
    claims: { openid: ['sub'], profile: ['name'], email: ['email', 'email_verified'] },
    async findAccount(_ctx: unknown, id: string) {
      const user = userOf(id);
      if (user === undefined) return undefined;
      return {
        accountId: id,
        async claims() {
          return {
            sub: id,
            name: Object.keys(users).find((name) => users[name] === user) ?? id,
            ...(user.claims.email === undefined
              ? {}
              : { email: user.claims.email, email_verified: true }),
          };
        },
      };
    },
    async extraTokenClaims(_ctx: unknown, token: { accountId?: string }) {
      const user = token.accountId === undefined ? undefined : userOf(token.accountId);
      return user === undefined ? undefined : apiClaims(user);
    },
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: {
        enabled: true,
        async logoutSource(ctx: { body?: unknown; type?: string }, form: string) {
          ctx.type = 'html';
          ctx.body = logoutPage(form);
        },
        // Only when the app named no return address; the app always names `/`.
        async postLogoutSuccessSource(ctx: { body?: unknown; type?: string }) {
          ctx.type = 'html';
          ctx.body =
            '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Signed out</title></head><body><h1>Signed out</h1><p><a href="/">Back to credstack</a></p></body></html>';
        },
      },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => API_RESOURCE,
        useGrantedResource: () => true,
        getResourceServerInfo(_ctx: unknown, resource: string) {
          if (resource !== API_RESOURCE) throw new errors.InvalidTarget();
          return {
            scope: WEB_SCOPE,
            audience: DEV_AUDIENCE,
            accessTokenTTL: ACCESS_TOKEN_TTL_SECONDS,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg: 'ES256' } },
          };
        },
      },
    },
    interactions: {
      url: (_ctx: unknown, interaction: { uid: string }) =>
        `${OIDC_MOUNT}/interaction/${interaction.uid}`,
    },
    ttl: {
      AccessToken: ACCESS_TOKEN_TTL_SECONDS,
      IdToken: ACCESS_TOKEN_TTL_SECONDS,
      AuthorizationCode: 60,
      Interaction: 60 * 60,
      Grant: 14 * 24 * 60 * 60,
      // A browser session at the provider: signing in again the next day asks again.
      Session: 24 * 60 * 60,
    },
  });

  /** Grants what the web client asks (it is the service's own app: no consent screen). */
  async function finish(
    request: IncomingMessage,
    response: ServerResponse,
    accountId: string,
    login: boolean,
  ): Promise<void> {
    const details = await provider.interactionDetails(request, response);
    const grant = new provider.Grant({ accountId, clientId: String(details.params.client_id) });
    grant.addOIDCScope(String(details.params.scope ?? WEB_SCOPE));
    for (const [resource, scopes] of Object.entries(
      details.prompt.details.missingResourceScopes ?? {},
    ))
      grant.addResourceScope(resource, scopes.join(' '));
    const grantId = await grant.save();
    await provider.interactionFinished(
      request,
      response,
      { ...(login ? { login: { accountId } } : {}), consent: { grantId } },
      { mergeWithLastSubmission: true },
    );
  }

  async function interaction(
    request: IncomingMessage,
    response: ServerResponse,
    path: string,
  ): Promise<void> {
    const action = `${OIDC_MOUNT}${path}`;
    let details: Awaited<ReturnType<Provider['interactionDetails']>>;
    try {
      details = await provider.interactionDetails(request, response);
    } catch {
      sendProblem(
        response,
        400,
        'Bad Request',
        'This sign-in has expired or belongs to another browser; start again from the app.',
      );
      return;
    }
    if (request.method === 'GET') {
      const signedIn = details.session?.accountId;
      if (details.prompt.name === 'consent' && signedIn !== undefined) {
        await finish(request, response, signedIn, false);
        return;
      }
      sendText(response, 200, 'text/html; charset=utf-8', signInPage(action, users));
      return;
    }
    if (request.method !== 'POST') {
      response.setHeader('allow', 'GET, POST');
      sendProblem(response, 405, 'Method Not Allowed', 'The sign-in page takes GET and POST.');
      return;
    }
    const form = await readForm(request);
    const chosen = form?.get('user') ?? '';
    const user = Object.hasOwn(users, chosen) ? users[chosen] : undefined;
    if (user === undefined) {
      sendProblem(
        response,
        400,
        'Bad Request',
        `Choose one of the demo users: ${Object.keys(users).join(', ')}.`,
      );
      return;
    }
    await finish(request, response, user.claims.sub, true);
  }

  const callback = provider.callback();
  const listener = (request: IncomingMessage, response: ServerResponse): void => {
    const url = request.url ?? '/';
    const inner = url.slice(OIDC_MOUNT.length) || '/';
    const path = inner.split('?')[0] ?? '/';
    if (/^\/interaction\/[A-Za-z0-9_-]+$/.test(path)) {
      interaction(request, response, path).catch(() => {
        if (!response.headersSent)
          sendProblem(response, 500, 'Internal Server Error', 'The sign-in could not complete.');
        else response.end();
      });
      return;
    }
    // Mounted under a prefix: the provider routes on the rest and reads the prefix back from
    // originalUrl, so its discovery document names the /oidc URLs.
    (request as IncomingMessage & { originalUrl?: string }).originalUrl = url;
    request.url = inner;
    callback(request, response);
  };

  return {
    issuer,
    listener,
    tokenVerifier: createJwtTokenVerifier({
      issuer,
      audience: DEV_AUDIENCE,
      jwks: createLocalJWKSet({ keys: [{ kty, crv, x, y, kid, alg: 'ES256', use: 'sig' }] }),
    }),
  };
}

/**
 * A verifier that accepts the tokens of several issuers: each token goes to the verifier of
 * the issuer it names (unverified, only to choose), the first one's when it names none known —
 * whose refusal then says which issuer it accepts. The signature, issuer and audience are
 * still checked by the chosen verifier.
 *
 * @example
 * const verifier = byIssuer({ [devIssuer.issuer]: devVerifier, [oidc.issuer]: oidc.tokenVerifier });
 */
export function byIssuer(verifiers: Readonly<Record<string, TokenVerifier>>): TokenVerifier {
  const fallback = Object.values(verifiers)[0];
  if (fallback === undefined) throw new Error('byIssuer needs at least one verifier');
  return {
    verify(token) {
      let named: unknown;
      try {
        named = decodeJwt(token).iss;
      } catch {
        named = undefined;
      }
      const chosen =
        typeof named === 'string' && Object.hasOwn(verifiers, named) ? verifiers[named] : undefined;
      return (chosen ?? fallback).verify(token);
    },
  };
}
