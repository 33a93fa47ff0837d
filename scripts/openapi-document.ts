import { API_DESCRIPTION, appRoutes } from '#functions/api/app.ts';
import type { ApiDeps } from '#functions/api/deps.ts';
import * as responseSchemas from '#functions/api/response-schemas.ts';
import { buildOpenApi } from '#functions/http/openapi.ts';

/**
 * The service's OpenAPI document built from the in-repo route table, without a running server
 * or a database: route definitions only read their dependencies when a request is handled, so
 * a dependency object holding just the base URL describes the same operations `/openapi.json`
 * serves. The web app's API types are generated from it (scripts/gen-web-api.ts).
 */
export function openApiDocument(): Record<string, unknown> {
  const deps = { ctx: { baseUrl: 'http://127.0.0.1:3000' }, verifier: {} } as unknown as ApiDeps;
  const routes = appRoutes(deps, { health: async () => ({ ok: true }) });
  return buildOpenApi(
    routes,
    {
      title: 'credstack',
      version: '0.1.0',
      serverUrl: 'http://127.0.0.1:3000',
      description: API_DESCRIPTION,
    },
    responseSchemas,
  );
}
