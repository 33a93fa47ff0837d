import { learnerReadRoutes } from '../api/app.ts';
import { serviceConfig } from '../config.ts';
import type { HttpLambdaHandler } from '../http/router.ts';
import { apiFunction } from './api-runtime.ts';
import { LEARNER_STORES } from './api-stores.ts';

/** A learner's own reads (credentials, pathway progress, what-if), with no KMS access. */

/** API Gateway HTTP API (payload 2.0) entry point of the `learners` route group. */
export const handler: HttpLambdaHandler = apiFunction(serviceConfig(), {
  routes: learnerReadRoutes,
  stores: LEARNER_STORES,
});
