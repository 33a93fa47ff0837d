import { publicReadRoutes } from '../api/app.ts';
import { serviceConfig } from '../config.ts';
import type { HttpLambdaHandler } from '../http/router.ts';
import { apiFunction } from './api-runtime.ts';
import { PUBLIC_READ_STORES } from './api-stores.ts';
import { imageBucketOf } from './image-bucket.ts';

/**
 * Public documents (DIDs, key sets, achievements, credentials and baked badges, published
 * pathways), read from the table with no KMS access; it also answers paths no route matches.
 */

const config = serviceConfig();

/** API Gateway HTTP API (payload 2.0) entry point of the `public-read` route group. */
export const handler: HttpLambdaHandler = apiFunction(config, {
  routes: publicReadRoutes,
  stores: PUBLIC_READ_STORES,
  ...imageBucketOf(config),
});
