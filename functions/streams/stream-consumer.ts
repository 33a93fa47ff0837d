import { randomUUID } from 'node:crypto';
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type {
  DynamoDBBatchResponse,
  DynamoDBRecord,
  DynamoDBStreamEvent,
  Context as LambdaContext,
} from 'aws-lambda';
import { withDiagnostics } from '#shared/core/diagnostics.ts';
import type { Logger } from '../observability.ts';

/**
 * The one partial-batch loop of the table's stream consumers, on Powertools' BatchProcessor:
 * records are handled one at a time in stream order; a record whose handling throws is logged
 * with its cause and reported in `batchItemFailures` (ReportBatchItemFailures), so the stream
 * delivers it — and, as DynamoDB streams resume from the lowest reported record, everything
 * after it — again. A batch where every record failed is reported as such, not thrown, so the
 * event source mapping treats it like any other partial failure.
 */

/** A table stream consumer; the Lambda context is optional (the local poller has none). */
export type StreamConsumer = (
  event: DynamoDBStreamEvent,
  context?: LambdaContext,
) => Promise<DynamoDBBatchResponse>;

/** Handles one record; throws to have it reported and delivered again. */
export type RecordHandler = (record: DynamoDBRecord) => Promise<void>;

export interface StreamConsumerOptions {
  /** The consumer's name in its log entries (`pathway-events`, `search-indexer`…). */
  readonly name: string;
  readonly logger: Logger;
  /**
   * Builds the handler of one batch. It sees every record first, so work shared by several
   * records (one re-evaluation per learner) is planned once and done once.
   */
  readonly batch: (records: readonly DynamoDBRecord[], log: BatchLog) => RecordHandler;
}

/** Logs an entry of the batch with the consumer's name and the batch's correlation id. */
export type BatchLog = (entry: Readonly<Record<string, unknown>>) => void;

/**
 * Builds a stream consumer from its per-batch record handler.
 *
 * @example
 * export const consumer = streamConsumer({
 *   name: 'batch-jobs',
 *   logger,
 *   batch: () => async (record) => { ... },
 * });
 */
export function streamConsumer(options: StreamConsumerOptions): StreamConsumer {
  const { name, logger } = options;
  return async (event, context) => {
    // In Lambda the invocation's request id ties the entries to its report; locally, a new id.
    const correlationId = context?.awsRequestId ?? randomUUID();
    const log: BatchLog = (entry) => logger.log({ consumer: name, correlationId, ...entry });
    const handle = options.batch(event.Records, log);
    const processor = new BatchProcessor(EventType.DynamoDBStreams);
    const handleRecord = async (record: DynamoDBRecord): Promise<void> => {
      try {
        // Details the use cases keep out of their results land beside this batch's entries.
        await withDiagnostics({ correlationId, log: (entry) => log(entry) }, () => handle(record));
      } catch (error) {
        log({
          level: 'error',
          message: `${name}: stream record failed; reported for redelivery`,
          sequenceNumber: record.dynamodb?.SequenceNumber,
          eventName: record.eventName,
          error,
        });
        throw error;
      }
    };
    const response = await processPartialResponse(event, handleRecord, processor, {
      processInParallel: false,
      throwOnFullBatchFailure: false,
    });
    // A failed record without a sequence number cannot be named; an empty identifier makes the
    // event source mapping retry the whole batch rather than lose the failure.
    const unnamed = processor.failureMessages.some(
      (record) => !(record as DynamoDBRecord).dynamodb?.SequenceNumber,
    );
    return {
      batchItemFailures: [
        ...response.batchItemFailures,
        ...(unnamed ? [{ itemIdentifier: '' }] : []),
      ],
    };
  };
}
