import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import type { ServiceContext } from '#shared/service/context.ts';
import { reevaluateLearner } from '#shared/service/pathway-awards.ts';
import { runPathwayJob } from '#shared/service/pathway-jobs.ts';
import type { CredentialRecord } from '#shared/service/records.ts';
import { streamChange } from '#shared/store/dynamo/stream-images.ts';

/**
 * The stream consumer that keeps pathway credentials true: a credential issued, revoked,
 * suspended, reinstated or deleted re-evaluates its learner (awarding completed pathways,
 * lapsing awards that no longer hold), and a new pathway job item runs the retroactive
 * evaluation of a published version. Records of one learner in a batch are handled together,
 * once. Failures are reported per record so the stream redelivers just those; every action is
 * idempotent, so redelivery and replays change nothing twice.
 *
 * @example
 * export const handler = pathwayEventsHandler(ctx);
 */
export function pathwayEventsHandler(
  ctx: ServiceContext,
): (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse> {
  return async (event) => {
    const failures: { itemIdentifier: string }[] = [];
    // learner → (credential id → newest image), and the records that carried them.
    const learners = new Map<
      string,
      { changed: Map<string, CredentialRecord>; sequence: string[] }
    >();
    const jobs: { jobId: string; sequence: string }[] = [];
    for (const record of event.Records) {
      const sequence = record.dynamodb?.SequenceNumber ?? '';
      const change = streamChange(record.eventName, record.dynamodb);
      if (change.entity === 'pathway-job' && change.inserted)
        jobs.push({ jobId: change.jobId, sequence });
      if (change.entity !== 'credential') continue;
      const { before, after } = change;
      const learnerId = (after ?? before)?.learnerId;
      // Only what changes whether a credential counts: a new one, a state change, a deletion.
      if (!learnerId || (before && after && before.state === after.state)) continue;
      const current: CredentialRecord | undefined =
        after ?? (before ? { ...before, state: 'revoked' } : undefined);
      if (!current) continue;
      const entry = learners.get(learnerId) ?? {
        changed: new Map<string, CredentialRecord>(),
        sequence: [] as string[],
      };
      entry.changed.set(current.id, current);
      entry.sequence.push(sequence);
      learners.set(learnerId, entry);
    }
    for (const [learnerId, { changed, sequence }] of learners) {
      try {
        await reevaluateLearner(ctx, learnerId, { changed: [...changed.values()] });
      } catch {
        for (const itemIdentifier of sequence) failures.push({ itemIdentifier });
      }
    }
    for (const { jobId, sequence } of jobs) {
      try {
        await runPathwayJob(ctx, jobId);
      } catch {
        failures.push({ itemIdentifier: sequence });
      }
    }
    return { batchItemFailures: failures };
  };
}
