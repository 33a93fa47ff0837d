import { onFirstNeed } from '#shared/core/first-need.ts';
import type { RouteDefinition } from '../http/route.ts';
import { type HealthReport, systemRoutes } from '../http/system-routes.ts';
import type { RouteGroup } from './app.ts';
import type { ApiDeps } from './deps.ts';

// The document describes every route of the API, so building it takes every route table and
// its use cases: loaded when /openapi.json or /docs is first asked for, not at start.
const fullTable = onFirstNeed('the API reference', () => import('./app.ts'));

/**
 * The OpenAPI document, its HTML page and the health check. The document is the full
 * table's (`appDocument` in app.ts), built on the first request for it.
 *
 * @example
 * export const handler = createHttpHandler(systemRouteGroup({ ctx, verifier }, { health }), { tokenVerifier });
 */
export function systemRouteGroup(
  deps: ApiDeps,
  options: { readonly health: () => Promise<HealthReport>; readonly version?: string },
): RouteDefinition[] {
  let document: object | undefined;
  const openApi = async (): Promise<object> => {
    if (document === undefined) {
      const { appDocument } = await fullTable();
      document ??= await appDocument(deps, options);
    }
    return document;
  };
  return systemRoutes({ openApi, health: options.health }).map((route) => ({
    ...route,
    group: 'system' satisfies RouteGroup,
  }));
}
