import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { processBatch } from '#shared/service/batches.ts';
import type { ServiceContext } from '#shared/service/context.ts';

/**
 * The stream handler that runs batch awards: a new job item (`PK=JOB#…`, `SK=META`) on the
 * table's stream starts its processing. A job that fails is reported as a batch item failure,
 * so the stream delivers it again; processing resumes where it stopped, since recipients
 * already recorded are skipped and credential ids are derived per recipient.
 *
 * @example
 * export const handler = batchJobsHandler(ctx);
 */
export function batchJobsHandler(
  ctx: ServiceContext,
  options: { readonly concurrency?: number } = {},
): (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse> {
  return async (event) => {
    const failures: { itemIdentifier: string }[] = [];
    for (const record of event.Records) {
      const keys = record.dynamodb?.Keys;
      const pk = keys?.PK?.S;
      if (record.eventName !== 'INSERT' || keys?.SK?.S !== 'META' || !pk?.startsWith('JOB#'))
        continue;
      try {
        await processBatch(ctx, pk.slice('JOB#'.length), options);
      } catch {
        failures.push({ itemIdentifier: record.dynamodb?.SequenceNumber ?? '' });
      }
    }
    return { batchItemFailures: failures };
  };
}
