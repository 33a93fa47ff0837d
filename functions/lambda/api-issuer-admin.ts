import { issuerAdminRoutes } from '../api/app.ts';
import { serviceConfig } from '../config.ts';
import type { HttpLambdaHandler } from '../http/router.ts';
import { apiFunction } from './api-runtime.ts';
import { ISSUER_ADMIN_STORES } from './api-stores.ts';
import { imageBucketOf } from './image-bucket.ts';
import { kmsKeyVault } from './kms-vault.ts';

/**
 * Issuer administration (onboarding, key rotation, achievements, pathways): the only function
 * whose role may create KMS keys, and only keys tagged for its stage. Built once per cold start.
 */

const config = serviceConfig();

/** API Gateway HTTP API (payload 2.0) entry point of the `issuer-admin` route group. */
export const handler: HttpLambdaHandler = apiFunction(config, {
  routes: issuerAdminRoutes,
  stores: ISSUER_ADMIN_STORES,
  vault: kmsKeyVault(config),
  ...imageBucketOf(config),
});
