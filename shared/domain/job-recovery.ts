import { processBatch } from './batches.ts';
import { runPathwayJob } from './pathway-jobs.ts';
import type { ServiceContext } from './ports/service-context.ts';

/**
 * Picks up the jobs a dead process left open. Batch awards and pathway evaluations keep their
 * checkpoints in the table (each recipient's outcome; a pathway job's cursor and counts), so
 * running an open job again finishes it: recipients still pending are issued or reported
 * failed, a pathway job goes on after its cursor. A job is open while `queued` or `running`,
 * listed on a sparse index; one that nobody has moved for `staleAfterMs` has no live run.
 */

export interface ResumeOptions {
  /** Resume only jobs whose last heartbeat is at least this old (0: every open job). */
  readonly staleAfterMs: number;
  /** Recipients issued at a time in a resumed batch (default 4). */
  readonly concurrency?: number;
  readonly log?: (message: string, error?: unknown) => void;
}

export interface ResumeReport {
  /** Open jobs found, and those of them run to their end (or handed on) now. */
  readonly open: number;
  readonly resumed: readonly { readonly kind: 'batch' | 'pathway'; readonly id: string }[];
  readonly failed: readonly { readonly kind: 'batch' | 'pathway'; readonly id: string }[];
}

/**
 * Runs every open job that has gone silent for `staleAfterMs`, oldest first, one at a time.
 * A job that fails again stays open for the next sweep; the others still run.
 *
 * @example
 * await resumeOpenJobs(ctx, { staleAfterMs: 0 }); // at start: nothing else is running them
 */
export async function resumeOpenJobs(
  ctx: ServiceContext,
  options: ResumeOptions,
): Promise<ResumeReport> {
  const now = ctx.clock.now().getTime();
  const silent = (job: { readonly createdAt: string; readonly updatedAt?: string }) =>
    now - Date.parse(job.updatedAt ?? job.createdAt) >= options.staleAfterMs;
  const [batches, pathwayJobs] = await Promise.all([
    ctx.batchJobs.listOpen(),
    ctx.pathwayJobs.listOpen(),
  ]);
  const due = [
    ...batches.filter(silent).map((job) => ({ kind: 'batch' as const, id: job.id })),
    ...pathwayJobs.filter(silent).map((job) => ({ kind: 'pathway' as const, id: job.id })),
  ];
  const resumed: ResumeReport['resumed'][number][] = [];
  const failed: ResumeReport['failed'][number][] = [];
  for (const job of due) {
    try {
      if (job.kind === 'batch')
        await processBatch(ctx, job.id, { concurrency: options.concurrency ?? 4 });
      else await runPathwayJob(ctx, job.id);
      resumed.push(job);
    } catch (error) {
      failed.push(job);
      options.log?.(`resuming ${job.kind} job ${job.id} failed`, error);
    }
  }
  return { open: batches.length + pathwayJobs.length, resumed, failed };
}
