import { HttpsFetcher } from '#shared/adapters/https/https-fetcher.ts';
import { CachingFetcher } from '#shared/credentials/fetch/caching-fetcher.ts';
import { MAX_IMPORT_BYTES } from '#shared/domain/imports.ts';
import { searchRouteGroup } from '../api/app.ts';
import { loadSearchConfig, serviceConfig } from '../config.ts';
import type { HttpLambdaHandler } from '../http/router.ts';
import { serviceVerifier } from '../service-context.ts';
import { apiFunction } from './api-runtime.ts';
import { SEARCH_STORES } from './api-stores.ts';
import { openSearchIndex } from './search-runtime.ts';

/**
 * Employer search, consent, the search audit trail and credential imports: the API function
 * that queries the candidate index, and fetches imported credentials (and their issuers' keys)
 * from the internet. No KMS access. Built once per cold start. The fetcher's body limit is the
 * import limit, so a URL import and an uploaded file are held to the same size; index writes
 * wait for the refresh, so what the request re-indexed (a withdrawal) is searchable at once.
 */

const network = new CachingFetcher(new HttpsFetcher({ maxBytes: MAX_IMPORT_BYTES }));

/** API Gateway HTTP API (payload 2.0) entry point of the `search` route group. */
export const handler: HttpLambdaHandler = apiFunction(serviceConfig(), {
  routes: (deps) => searchRouteGroup(deps, { network }),
  stores: SEARCH_STORES,
  verifier: (ctx) => serviceVerifier(ctx, network),
  searchIndex: openSearchIndex(loadSearchConfig(), { refresh: 'wait_for' }),
});
