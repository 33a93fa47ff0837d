import { issuanceRoutes } from '../api/app.ts';
import { serviceConfig } from '../config.ts';
import type { HttpLambdaHandler } from '../http/router.ts';
import { apiFunction } from './api-runtime.ts';
import { ISSUANCE_STORES } from './api-stores.ts';
import { kmsKeyVault } from './kms-vault.ts';

/**
 * Issuance, status changes, signed status lists, batch awards and the learner's CLR: the API
 * function whose role may sign, with issuer keys of its stage only. Built once per cold start.
 */

const config = serviceConfig();

/** API Gateway HTTP API (payload 2.0) entry point of the `issuance` route group. */
export const handler: HttpLambdaHandler = apiFunction(config, {
  routes: issuanceRoutes,
  stores: ISSUANCE_STORES,
  vault: kmsKeyVault(config),
});
