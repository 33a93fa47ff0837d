import { HttpsFetcher } from '#shared/adapters/https/https-fetcher.ts';
import { CachingFetcher } from '#shared/credentials/fetch/caching-fetcher.ts';
import { verificationRoutes } from '../api/app.ts';
import { serviceConfig } from '../config.ts';
import type { HttpLambdaHandler } from '../http/router.ts';
import { serviceVerifier } from '../service-context.ts';
import { apiFunction } from './api-runtime.ts';
import { VERIFICATION_STORES } from './api-stores.ts';

/**
 * Verification for anyone (VC-API verify, the HTML verification pages): the one API function
 * that reaches the internet, for other issuers' keys and status lists, and has no KMS access.
 */

const config = serviceConfig();
const network = new CachingFetcher(new HttpsFetcher());

/** API Gateway HTTP API (payload 2.0) entry point of the `verification` route group. */
export const handler: HttpLambdaHandler = apiFunction(config, {
  routes: verificationRoutes,
  stores: VERIFICATION_STORES,
  // The service's own documents are answered from its data; everything else is fetched over
  // HTTPS with the address policy and cached for the execution environment's lifetime.
  verifier: (ctx) => serviceVerifier(ctx, network),
  // Hosted badge images for the verification pages, through the same address policy.
  network,
});
