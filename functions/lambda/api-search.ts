import { CachingFetcher } from '#shared/fetch/caching-fetcher.ts';
import { HttpsFetcher } from '#shared/fetch/https-fetcher.ts';
import { searchRouteGroup } from '../api/app.ts';
import { loadSearchConfig, serviceConfig } from '../config.ts';
import type { HttpLambdaHandler } from '../http/router.ts';
import { serviceVerifier } from '../service-context.ts';
import { apiFunction } from './api-runtime.ts';
import { openSearchIndex } from './search-runtime.ts';

/**
 * Employer search, consent, the search audit trail and credential imports: the API function
 * that queries the candidate index, and fetches imported credentials (and their issuers' keys)
 * from the internet. No KMS access. Built once per cold start.
 */

const network = new CachingFetcher(new HttpsFetcher());

/** API Gateway HTTP API (payload 2.0) entry point of the `search` route group. */
export const handler: HttpLambdaHandler = apiFunction(serviceConfig(), {
  routes: (deps) => searchRouteGroup(deps, { network }),
  verifier: (ctx) => serviceVerifier(ctx, network),
  searchIndex: openSearchIndex(loadSearchConfig()),
});
