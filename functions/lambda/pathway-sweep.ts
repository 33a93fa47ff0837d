import { sweepPathwayAwards } from '#shared/domain/pathway-jobs.ts';
import { serviceConfig } from '../config.ts';
import { observed, structuredLogger } from '../observability.ts';
import { awsServiceRuntime } from './aws-context.ts';

/**
 * The scheduled re-check of pathway awards: a contributing credential that expires changes no
 * item, so no stream record announces it; this run (EventBridge schedule) finds such awards
 * and suspends or revokes them as their pathway's policy says.
 */

const { ctx } = awsServiceRuntime(serviceConfig());
const logger = structuredLogger();

/** Scheduled entry point: returns how many learners' awards changed, for the logs. */
export const handler = observed(async (): Promise<{ readonly changed: number }> => {
  const changed = await sweepPathwayAwards(ctx);
  for (const outcome of changed) logger.log({ message: 'pathway awards changed', ...outcome });
  return { changed: changed.length };
});
