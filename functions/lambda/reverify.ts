import type { ScheduledEvent } from 'aws-lambda';
import { HttpsFetcher } from '#shared/adapters/https/https-fetcher.ts';
import { CachingFetcher } from '#shared/credentials/fetch/caching-fetcher.ts';
import { type ReverifyRun, reverifyDueImports } from '#shared/domain/imports.ts';
import { loadReverifyConfig, serviceConfig } from '../config.ts';
import { observed, structuredLogger } from '../observability.ts';
import { serviceVerifier } from '../service-context.ts';
import { lambdaContextWith } from './api-runtime.ts';
import { REVERIFY_STORES } from './api-stores.ts';

/**
 * The scheduled re-verification of imported credentials (an EventBridge schedule, hourly):
 * each run verifies again the imports whose last verification is older than
 * REVERIFY_AFTER_HOURS, oldest first, up to REVERIFY_BATCH. An import that no longer verifies
 * (revoked, expired, key gone) is marked invalid; the stream indexer then drops it from its
 * learner's document. Failures of single imports are logged and tried again on the next run.
 */

const config = serviceConfig();
const reverify = loadReverifyConfig();
const ctx = lambdaContextWith(config, {}, REVERIFY_STORES);
const verifier = serviceVerifier(ctx, new CachingFetcher(new HttpsFetcher()));
const logger = structuredLogger();

/** EventBridge schedule entry point; the run's counts are the function's result (and log). */
export const handler = observed(async (_event: ScheduledEvent): Promise<ReverifyRun> => {
  const run = await reverifyDueImports(ctx, verifier, {
    olderThanHours: reverify.afterHours,
    limit: reverify.batch,
  });
  logger.log({ message: 'imports re-verified', ...run });
  return run;
});
