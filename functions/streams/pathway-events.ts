import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import type { ServiceContext } from '#shared/service/context.ts';
import { reevaluateLearner } from '#shared/service/pathway-awards.ts';
import { publishedPathways } from '#shared/service/pathway-evaluation.ts';
import { runPathwayJob } from '#shared/service/pathway-jobs.ts';
import type { CredentialRecord } from '#shared/service/records.ts';
import { streamChange } from '#shared/store/dynamo/stream-images.ts';

type Consumer = (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse>;
type Log = (message: string, error: unknown) => void;

const logError: Log = (message, error) => {
  console.error(JSON.stringify({ level: 'error', msg: message, error: String(error) }));
};

/**
 * The stream consumer that keeps pathway credentials true: a credential issued, revoked,
 * suspended, reinstated or deleted re-evaluates its learner (awarding completed pathways,
 * lapsing awards that no longer hold). Records of one learner in a batch are handled together,
 * once, against one read of the published pathways. Failures are reported per record so the
 * stream redelivers just those; every action is idempotent, so redelivery and replays change
 * nothing twice.
 *
 * @example
 * export const handler = pathwayEventsHandler(ctx);
 */
export function pathwayEventsHandler(ctx: ServiceContext, log: Log = logError): Consumer {
  return async (event) => {
    const failures: { itemIdentifier: string }[] = [];
    // learner → (credential id → newest image), and the records that carried them.
    const learners = new Map<
      string,
      { changed: Map<string, CredentialRecord>; sequence: string[] }
    >();
    for (const record of event.Records) {
      const change = streamChange(record.eventName, record.dynamodb);
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
      entry.sequence.push(record.dynamodb?.SequenceNumber ?? '');
      learners.set(learnerId, entry);
    }
    if (learners.size === 0) return { batchItemFailures: failures };
    const published = await publishedPathways(ctx);
    for (const [learnerId, { changed, sequence }] of learners) {
      try {
        await reevaluateLearner(ctx, learnerId, { changed: [...changed.values()], published });
      } catch (error) {
        log(`pathway re-evaluation of learner ${learnerId} failed`, error);
        for (const itemIdentifier of sequence) failures.push({ itemIdentifier });
      }
    }
    return { batchItemFailures: failures };
  };
}

/** Time one run of a job may take before it hands the rest on (the function's timeout is 15 min). */
const JOB_RUN_BUDGET_MS = 10 * 60_000;

/**
 * The stream consumer of pathway evaluation jobs: a new `PWJOB#…/META` item runs the
 * retroactive evaluation of a published version, and each `CHUNK#` continuation the next part
 * of it (its own function in AWS: one run at a time, a long timeout; each run hands on before
 * `budgetMs`). A failed run is reported so the stream delivers it again; the job resumes after
 * its last counted learner, counts each award once and awards nobody twice.
 *
 * @example
 * export const handler = pathwayJobsHandler(ctx);
 */
export function pathwayJobsHandler(
  ctx: ServiceContext,
  log: Log = logError,
  options: { readonly budgetMs?: number; readonly maxLearners?: number } = {},
): Consumer {
  return async (event) => {
    const failures: { itemIdentifier: string }[] = [];
    for (const record of event.Records) {
      const change = streamChange(record.eventName, record.dynamodb);
      if (change.entity !== 'pathway-job' || !change.inserted) continue;
      try {
        // Each run resumes at the job's own cursor, whichever record (META, a CHUNK) started it.
        await runPathwayJob(ctx, change.jobId, {
          deadline: Date.now() + (options.budgetMs ?? JOB_RUN_BUDGET_MS),
          ...(options.maxLearners === undefined ? {} : { maxLearners: options.maxLearners }),
        });
      } catch (error) {
        log(`pathway job ${change.jobId} failed`, error);
        failures.push({ itemIdentifier: record.dynamodb?.SequenceNumber ?? '' });
      }
    }
    return { batchItemFailures: failures };
  };
}
