import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AppConfig } from './dev-oidc.ts';
import { OIDC_MOUNT } from './dev-oidc.ts';

/**
 * The local runtime's front router: the few paths that are not the API — the development
 * sign-in provider under /oidc and the web app's /app-config.json — are answered here; every
 * other request goes on to the API bridge (the Lambda handler), untouched.
 */

export type NodeListener = (request: IncomingMessage, response: ServerResponse) => void;

/** Answers a request and says true, or says false to leave it to the API. */
export type FrontRouter = (request: IncomingMessage, response: ServerResponse) => boolean;

function pathOf(request: IncomingMessage): string {
  const url = request.url ?? '/';
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

/**
 * @example
 * const front = frontRouter({ oidc: provider.listener, appConfig: appConfig(baseUrl) });
 * startHttpBridge({ port, handler, front });
 */
export function frontRouter(routes: {
  readonly oidc: NodeListener;
  readonly appConfig: AppConfig;
}): FrontRouter {
  const config = `${JSON.stringify(routes.appConfig)}\n`;
  return (request, response) => {
    const path = pathOf(request);
    if (path === OIDC_MOUNT || path.startsWith(`${OIDC_MOUNT}/`)) {
      routes.oidc(request, response);
      return true;
    }
    if (path !== '/app-config.json') return false;
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      const body = JSON.stringify({
        type: 'about:blank',
        title: 'Method Not Allowed',
        status: 405,
        detail: '/app-config.json is read with GET.',
      });
      response.writeHead(405, {
        allow: 'GET, HEAD',
        'content-type': 'application/problem+json',
        'content-length': String(Buffer.byteLength(body)),
      });
      response.end(body);
      return true;
    }
    response.writeHead(200, {
      'content-type': 'application/json',
      // Read at every app start: a changed port or provider shows at the next reload.
      'cache-control': 'no-cache',
      'content-length': String(Buffer.byteLength(config)),
    });
    response.end(request.method === 'HEAD' ? undefined : config);
    return true;
  };
}
