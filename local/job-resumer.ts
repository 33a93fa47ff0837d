import { type ResumeReport, resumeOpenJobs } from '#shared/domain/job-recovery.ts';
import type { ServiceContext } from '#shared/domain/ports/service-context.ts';

/**
 * The local runtime's sweeper of open jobs. In `npm start` one process runs every job, so at
 * start any job still open was left by a process that died (Ctrl-C, a crash, SIGKILL): it is
 * resumed at once. While running, a job whose stream record was given up on (DynamoDB Local
 * unreachable through every retry) is resumed once it has been silent for `staleAfterMs`.
 * The stream poller may deliver the same job again meanwhile; a second trigger of a job in the
 * same process joins the run already going.
 */

export interface JobResumerOptions {
  /** Pause between sweeps (default 60 s). */
  readonly intervalMs?: number;
  /** How long a job must have been silent to be resumed by a periodic sweep (default 5 min). */
  readonly staleAfterMs?: number;
  readonly log?: (message: string, error?: unknown) => void;
}

export interface JobResumer {
  /** The sweep at start (resolves when it has run every open job). */
  readonly firstSweep: Promise<ResumeReport | undefined>;
  stop(): Promise<void>;
}

/**
 * Resumes every open job now, then sweeps silent ones every `intervalMs`.
 *
 * @example
 * const resumer = startJobResumer(ctx);
 * onShutdown([() => resumer.stop()]);
 */
export function startJobResumer(ctx: ServiceContext, options: JobResumerOptions = {}): JobResumer {
  const log =
    options.log ??
    ((message: string, error?: unknown) =>
      process.stderr.write(`[jobs] ${message}${error ? `: ${String(error)}` : ''}\n`));
  const sweep = async (staleAfterMs: number): Promise<ResumeReport | undefined> => {
    try {
      const report = await resumeOpenJobs(ctx, { staleAfterMs, log });
      if (report.resumed.length > 0)
        log(`resumed ${report.resumed.map((job) => `${job.kind} job ${job.id}`).join(', ')}`);
      return report;
    } catch (error) {
      log('listing the open jobs failed', error);
      return undefined;
    }
  };
  let busy = true;
  const firstSweep = sweep(0).finally(() => {
    busy = false;
  });
  const timer = setInterval(() => {
    // One sweep at a time: a tick during a long sweep is skipped, not queued.
    if (busy) return;
    busy = true;
    void sweep(options.staleAfterMs ?? 5 * 60_000).finally(() => {
      busy = false;
    });
  }, options.intervalMs ?? 60_000);
  timer.unref();
  return {
    firstSweep,
    async stop() {
      clearInterval(timer);
    },
  };
}
