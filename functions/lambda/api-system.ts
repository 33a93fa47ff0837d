import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { systemRouteGroup } from '../api/app.ts';
import { serviceConfig } from '../config.ts';
import type { HttpLambdaHandler } from '../http/router.ts';
import type { HealthReport } from '../http/system-routes.ts';
import { apiFunction, lambdaTable } from './api-runtime.ts';

/**
 * The OpenAPI document, its HTML page and `/health`. The document describes the whole API, so
 * this function bundles every route table, but its role may only describe the table.
 */

const config = serviceConfig();
const table = lambdaTable();

/** The service's table keeps serving reads and writes in both states. */
const SERVING_STATES: ReadonlySet<string> = new Set(['ACTIVE', 'UPDATING']);

async function health(): Promise<HealthReport> {
  const { Table } = await table.dynamodb.send(
    new DescribeTableCommand({ TableName: config.tableName }),
  );
  return SERVING_STATES.has(Table?.TableStatus ?? '')
    ? { ok: true }
    : { ok: false, detail: 'the table is not available' };
}

/** API Gateway HTTP API (payload 2.0) entry point of the `system` route group. */
export const handler: HttpLambdaHandler = apiFunction(config, {
  routes: (deps) => systemRouteGroup(deps, { health }),
  table,
});
