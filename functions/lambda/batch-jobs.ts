import { serviceConfig } from '../config.ts';
import { observed } from '../observability.ts';
import { batchJobsHandler } from '../streams/batch-jobs.ts';
import type { StreamConsumer } from '../streams/stream-consumer.ts';
import { awsServiceRuntime } from './aws-context.ts';

/**
 * The table stream consumer's composition root, built once per cold start. The event source
 * mapping is configured with ReportBatchItemFailures, so the `batchItemFailures` the handler
 * returns make the stream redeliver only the failed jobs (locally, the stream poller does). Its
 * log entries carry the invocation's context and its metrics are published as it ends.
 */

const config = serviceConfig();
const { ctx } = awsServiceRuntime(config);

/** DynamoDB Streams entry point: runs new batch jobs, BATCH_CONCURRENCY recipients at a time. */
export const handler: StreamConsumer = observed(
  batchJobsHandler(ctx, { concurrency: config.batchConcurrency }),
);
