import { buildOpenApi } from '../http/openapi.ts';
import type { RouteDefinition } from '../http/route.ts';
import { type HealthReport, systemRoutes } from '../http/system-routes.ts';
import type { ApiDeps } from './deps.ts';
import { apiRoutes } from './routes.ts';

/**
 * The full route table: the API plus /openapi.json, /docs and /health. The OpenAPI document is
 * generated from the same table (and the same schemas that validate requests).
 *
 * @example
 * const routes = appRoutes({ ctx, verifier }, { health: async () => ({ ok: true }) });
 */
export function appRoutes(
  deps: ApiDeps,
  options: { readonly health: () => Promise<HealthReport>; readonly version?: string },
): RouteDefinition[] {
  const api = apiRoutes(deps);
  let document: object | undefined;
  const system = systemRoutes({
    openApi: () => {
      document ??= buildOpenApi([...api, ...system], {
        title: 'credstack',
        version: options.version ?? '0.1.0',
        serverUrl: deps.ctx.baseUrl,
        description: 'Issue, verify and revoke Open Badges 3.0 credentials.',
      });
      return document;
    },
    health: options.health,
  });
  return [...api, ...system];
}
