import { systemRouteGroup } from '../api/system-group.ts';
import { serviceConfig } from '../config.ts';
import type { HttpLambdaHandler } from '../http/router.ts';
import { apiFunction, lambdaTable, tableHealth } from './api-runtime.ts';
import { SYSTEM_STORES } from './api-stores.ts';

/**
 * The OpenAPI document, its HTML page and `/health`. The document describes the whole API, so
 * this function bundles every route table, in a chunk loaded on the first request for the
 * document; its role may only describe the table.
 */

const config = serviceConfig();
const table = lambdaTable();
const health = tableHealth(table.documents, config.tableName);

/** API Gateway HTTP API (payload 2.0) entry point of the `system` route group. */
export const handler: HttpLambdaHandler = apiFunction(config, {
  routes: (deps) => systemRouteGroup(deps, { health }),
  stores: SYSTEM_STORES,
  table,
});
