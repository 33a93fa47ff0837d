import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { type AppConfig, appConfig } from './dev-oidc.ts';
import type { HttpHandler } from './http-bridge.ts';

/**
 * The web app beside the API on one origin, for the local runtime: `/`, the app's client routes
 * (`/app/…`, `/auth/callback`) answer with the built index.html, `/assets/…` with the built
 * files, `/app-config.json` with where the app signs in. Everything else goes to the API
 * handler untouched, and no API route lives under these paths, so none is shadowed.
 */

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..');
export const WEB_DIR = join(REPO, 'web');
export const WEB_DIST = join(WEB_DIR, 'dist');

/** What the app reads at start (web/src/config.ts has the same shape): one definition, the OIDC provider's. */
export type WebAppConfig = AppConfig;

/** The app's configuration in the local runtime at `baseUrl` (the dev OpenID provider's). */
export function localWebAppConfig(baseUrl: string): WebAppConfig {
  return appConfig(baseUrl);
}

const TYPES: Readonly<Record<string, string>> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.map': 'application/json',
  '.woff2': 'font/woff2',
};

/** The app's own pages: served index.html so a reload or a shared link opens the same page. */
function isClientRoute(path: string): boolean {
  return path === '/' || path === '/app' || path.startsWith('/app/') || path === '/auth/callback';
}

function reply(
  status: number,
  type: string,
  body: Buffer,
  cache: string,
  extra: Record<string, string> = {},
): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode: status,
    headers: { 'content-type': type, 'cache-control': cache, ...extra },
    body: body.toString('base64'),
    isBase64Encoded: true,
  };
}

function problem(status: number, title: string, detail: string): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode: status,
    headers: { 'content-type': 'application/problem+json' },
    body: JSON.stringify({ type: 'about:blank', title, status, detail }),
  };
}

/**
 * Wraps the API handler with the web app's static files.
 *
 * @example
 * route = withWebApp(handler, { config: localWebAppConfig(baseUrl), devTokensFile: '.data/dev-tokens.json' });
 */
export function withWebApp(
  api: HttpHandler,
  options: {
    readonly config: WebAppConfig;
    readonly distDir?: string;
    /** Served at /app-dev-tokens.json when the config says devTokens (local only). */
    readonly devTokensFile?: string;
  },
): HttpHandler {
  const dist = options.distDir ?? WEB_DIST;
  const assets = join(dist, 'assets');
  return async (event: APIGatewayProxyEventV2) => {
    const method = event.requestContext.http.method;
    const path = event.rawPath;
    if (method !== 'GET' && method !== 'HEAD') return api(event);
    if (path === '/app-config.json')
      return reply(
        200,
        'application/json',
        Buffer.from(JSON.stringify(options.config)),
        'no-store',
      );
    if (path === '/app-dev-tokens.json' && options.config.devTokens && options.devTokensFile) {
      const text = await readFile(options.devTokensFile).catch(() => undefined);
      if (text === undefined) return problem(404, 'Not Found', 'No dev tokens were written.');
      return reply(200, 'application/json', text, 'no-store');
    }
    if (isClientRoute(path)) {
      const page = await readFile(join(dist, 'index.html')).catch(() => undefined);
      if (page === undefined)
        return problem(
          503,
          'Service Unavailable',
          'The web app is not built: run `npm run build:web`.',
        );
      return reply(200, 'text/html; charset=utf-8', page, 'no-cache', {
        // The app talks only to this origin (and the OIDC authority, also here).
        'content-security-policy':
          "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'",
      });
    }
    if (path.startsWith('/assets/')) {
      const file = normalize(join(dist, decodeURIComponent(path)));
      // A `..` in the path must never reach outside the build folder.
      if (!file.startsWith(assets + sep)) return problem(404, 'Not Found', 'No such file.');
      const body = await readFile(file).catch(() => undefined);
      if (body === undefined) return problem(404, 'Not Found', 'No such file.');
      // File names carry a content hash, so a file never changes under its name.
      return reply(
        200,
        TYPES[extname(file)] ?? 'application/octet-stream',
        body,
        'public, max-age=31536000, immutable',
      );
    }
    return api(event);
  };
}

function newest(path: string): number {
  const info = statSync(path);
  if (!info.isDirectory()) return info.mtimeMs;
  let latest = info.mtimeMs;
  for (const entry of readdirSync(path)) latest = Math.max(latest, newest(join(path, entry)));
  return latest;
}

/** Whether web/dist is missing or older than the app's sources. */
export function webBuildIsStale(): boolean {
  const built = join(WEB_DIST, 'index.html');
  if (!existsSync(built)) return true;
  const sources = [
    join(WEB_DIR, 'src'),
    join(WEB_DIR, 'index.html'),
    join(WEB_DIR, 'vite.config.ts'),
  ];
  return sources.some((source) => existsSync(source) && newest(source) > statSync(built).mtimeMs);
}

/** Builds the app when it is missing or stale (`npm start` calls this before listening). */
export function ensureWebBuild(log: (line: string) => void): void {
  if (!webBuildIsStale()) return;
  log('building the web app (web/dist)…\n');
  // Built aside, then moved in place: runtimes starting together (the tests) never serve, or
  // build into, a half-written folder.
  const aside = join(WEB_DIR, `.dist-${process.pid}`);
  execFileSync(
    process.execPath,
    [join(REPO, 'node_modules/vite/bin/vite.js'), 'build', '--outDir', aside],
    { cwd: WEB_DIR, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  // Reading the index proves the build wrote it.
  readFileSync(join(aside, 'index.html'));
  rmSync(WEB_DIST, { recursive: true, force: true });
  try {
    renameSync(aside, WEB_DIST);
  } catch {
    // Another runtime moved its build in first: the same sources, so that one serves.
    rmSync(aside, { recursive: true, force: true });
  }
}
