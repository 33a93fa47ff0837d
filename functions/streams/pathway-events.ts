import { decodeStreamRecord } from '#shared/adapters/dynamodb/stream-images.ts';
import { reevaluateLearner } from '#shared/domain/pathway-awards.ts';
import { type PublishedPathway, publishedPathways } from '#shared/domain/pathway-evaluation.ts';
import { runPathwayJob } from '#shared/domain/pathway-jobs.ts';
import type { ServiceContext } from '#shared/domain/ports/service-context.ts';
import type { CredentialRecord } from '#shared/domain/records/records.ts';
import { type Logger, structuredLogger } from '../observability.ts';
import { type StreamConsumer, streamConsumer } from './stream-consumer.ts';

/** The learner a credential record concerns and the credential as it now counts, if it matters. */
function learnerChange(
  change: ReturnType<typeof decodeStreamRecord>,
): { readonly learnerId: string; readonly current: CredentialRecord } | undefined {
  if (change.entity !== 'credential') return undefined;
  const { before, after } = change;
  const learnerId = (after ?? before)?.learnerId;
  // Only what changes whether a credential counts: a new one, a state change, a deletion.
  if (!learnerId || (before && after && before.state === after.state)) return undefined;
  const current: CredentialRecord | undefined =
    after ?? (before ? { ...before, state: 'revoked' } : undefined);
  return current ? { learnerId, current } : undefined;
}

/**
 * The stream consumer that keeps pathway credentials true: a credential issued, revoked,
 * suspended, reinstated or deleted re-evaluates its learner (awarding completed pathways,
 * lapsing awards that no longer hold). The records of one learner in a batch are handled
 * together, once, against one read of the published pathways: the first of them runs the
 * re-evaluation with every change of the batch, the others share its outcome. A failed
 * re-evaluation is logged and reports each of the learner's records, so the stream redelivers
 * just those; every action is idempotent, so redelivery and replays change nothing twice.
 *
 * @example
 * export const handler = pathwayEventsHandler(ctx);
 */
export function pathwayEventsHandler(
  ctx: ServiceContext,
  options: { readonly logger?: Logger } = {},
): StreamConsumer {
  return streamConsumer({
    name: 'pathway-events',
    logger: options.logger ?? structuredLogger(),
    batch: (records) => {
      // learner → (credential id → newest image), planned from the whole batch first.
      const changes = new Map<string, Map<string, CredentialRecord>>();
      for (const record of records) {
        const change = learnerChange(decodeStreamRecord(record));
        if (change === undefined) continue;
        const changed = changes.get(change.learnerId) ?? new Map<string, CredentialRecord>();
        changed.set(change.current.id, change.current);
        changes.set(change.learnerId, changed);
      }
      let published: Promise<readonly PublishedPathway[]> | undefined;
      const runs = new Map<string, Promise<unknown>>();
      return async (record) => {
        const change = learnerChange(decodeStreamRecord(record));
        if (change === undefined) return;
        const { learnerId } = change;
        let run = runs.get(learnerId);
        if (run === undefined) {
          published ??= publishedPathways(ctx);
          const changed = [...(changes.get(learnerId)?.values() ?? [])];
          run = published.then((list) =>
            reevaluateLearner(ctx, learnerId, { changed, published: list }),
          );
          runs.set(learnerId, run);
        }
        await run;
      };
    },
  });
}

/** Time one run of a job may take before it hands the rest on (the function's timeout is 15 min). */
const JOB_RUN_BUDGET_MS = 10 * 60_000;

/**
 * The stream consumer of pathway evaluation jobs: a new `PWJOB#…/META` item runs the
 * retroactive evaluation of a published version, and each `CHUNK#` continuation the next part
 * of it (its own function in AWS: one run at a time, a long timeout; each run hands on before
 * `budgetMs`). A failed run is logged and reported so the stream delivers it again; the job
 * resumes after its last counted learner, counts each award once and awards nobody twice.
 *
 * @example
 * export const handler = pathwayJobsHandler(ctx);
 */
export function pathwayJobsHandler(
  ctx: ServiceContext,
  options: {
    readonly logger?: Logger;
    readonly budgetMs?: number;
    readonly maxLearners?: number;
  } = {},
): StreamConsumer {
  return streamConsumer({
    name: 'pathway-jobs',
    logger: options.logger ?? structuredLogger(),
    batch: () => async (record) => {
      const change = decodeStreamRecord(record);
      if (change.entity !== 'pathway-job' || !change.inserted) return;
      // Each run resumes at the job's own cursor, whichever record (META, a CHUNK) started it.
      await runPathwayJob(ctx, change.jobId, {
        deadline: Date.now() + (options.budgetMs ?? JOB_RUN_BUDGET_MS),
        ...(options.maxLearners === undefined ? {} : { maxLearners: options.maxLearners }),
      });
    },
  });
}
