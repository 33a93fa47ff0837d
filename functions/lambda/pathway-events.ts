import { serviceConfig } from '../config.ts';
import { observed } from '../observability.ts';
import { pathwayEventsHandler } from '../streams/pathway-events.ts';
import type { StreamConsumer } from '../streams/stream-consumer.ts';
import { awsServiceRuntime } from './aws-context.ts';

/**
 * The pathway stream consumer's composition root, built once per cold start. Its event source
 * mapping filters the table's stream to credential items and reports
 * batch item failures, so only failed learners' records are delivered again.
 */

const { ctx } = awsServiceRuntime(serviceConfig());

/** DynamoDB Streams entry point: awards and lapses pathway credentials. */
export const handler: StreamConsumer = observed(pathwayEventsHandler(ctx));
