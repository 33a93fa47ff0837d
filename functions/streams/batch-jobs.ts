import { decodeStreamRecord } from '#shared/adapters/dynamodb/stream-images.ts';
import { processBatch } from '#shared/domain/batches.ts';
import type { ServiceContext } from '#shared/domain/ports/service-context.ts';
import { type Logger, structuredLogger } from '../observability.ts';
import { type StreamConsumer, streamConsumer } from './stream-consumer.ts';

/**
 * The stream consumer that runs batch awards: a new batch job item on the table's stream
 * starts its processing. A job that fails is logged with its cause and reported as a batch
 * item failure, so the stream delivers it again; processing resumes where it stopped, since
 * recipients already recorded are skipped and credential ids are derived per recipient.
 *
 * @example
 * export const handler = batchJobsHandler(ctx);
 */
export function batchJobsHandler(
  ctx: ServiceContext,
  options: { readonly concurrency?: number; readonly logger?: Logger } = {},
): StreamConsumer {
  const { logger = structuredLogger(), ...run } = options;
  return streamConsumer({
    name: 'batch-jobs',
    logger,
    batch: () => async (record) => {
      const change = decodeStreamRecord(record);
      if (change.entity !== 'batch-job' || !change.inserted) return;
      await processBatch(ctx, change.jobId, run);
    },
  });
}
