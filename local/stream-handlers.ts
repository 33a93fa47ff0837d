import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { batchJobsHandler } from '#functions/streams/batch-jobs.ts';
import { pathwayEventsHandler, pathwayJobsHandler } from '#functions/streams/pathway-events.ts';
import { searchIndexerHandler } from '#functions/streams/search-indexer.ts';
import type { ServiceContext } from '#shared/domain/ports/service-context.ts';

type Consumer = (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse>;

/**
 * Several stream consumers behind one poller. In AWS each consumer has its own event source
 * mapping and filter; locally one poller reads the stream and hands every batch to each, and
 * the batch item failures are their union (each consumer is idempotent, so a record one of
 * them failed is safe to give all of them again).
 *
 * @example
 * const handler = combineStreamHandlers([batchJobsHandler(ctx), pathwayEventsHandler(ctx)]);
 */
export function combineStreamHandlers(consumers: readonly Consumer[]): Consumer {
  return async (event) => {
    const failed = new Set<string>();
    for (const consumer of consumers) {
      const response = await consumer(event);
      for (const failure of response.batchItemFailures) failed.add(failure.itemIdentifier);
    }
    return { batchItemFailures: [...failed].map((itemIdentifier) => ({ itemIdentifier })) };
  };
}

/**
 * Every stream consumer the deployed service runs, for the local runtime's poller.
 *
 * @example
 * await startStreamPoller({ clientConfig, tableName, handler: localStreamHandlers(ctx) });
 */
export function localStreamHandlers(ctx: ServiceContext): Consumer {
  return combineStreamHandlers([
    batchJobsHandler(ctx),
    pathwayEventsHandler(ctx),
    pathwayJobsHandler(ctx),
    searchIndexerHandler(ctx),
  ]);
}
