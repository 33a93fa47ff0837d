import { serviceConfig } from '../config.ts';
import { observed } from '../observability.ts';
import { pathwayJobsHandler } from '../streams/pathway-events.ts';
import type { StreamConsumer } from '../streams/stream-consumer.ts';
import { awsServiceRuntime } from './aws-context.ts';

/**
 * The pathway job consumer's composition root, built once per cold start. Its event source
 * mapping passes only new `PWJOB#…/META` items, one per invocation.
 */

const { ctx } = awsServiceRuntime(serviceConfig());

/** DynamoDB Streams entry point: runs the retroactive evaluation of a published version. */
export const handler: StreamConsumer = observed(pathwayJobsHandler(ctx));
