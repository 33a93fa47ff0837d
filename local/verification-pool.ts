import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { type Clock, systemClock } from '#shared/core/clock.ts';
import {
  causeChain,
  currentDiagnosticScope,
  type DiagnosticScope,
} from '#shared/core/diagnostics.ts';
import { isCredstackError } from '#shared/core/errors.ts';
import type { FetchedResource, Fetcher, FetchOptions } from '#shared/credentials/fetch/fetcher.ts';
import type { VerificationReport } from '#shared/credentials/verify/report.ts';
import { ReportBuilder } from '#shared/credentials/verify/report-builder.ts';
import type {
  Verifier,
  VerifierInput,
  VerifyOptions,
} from '#shared/credentials/verify/verifier.ts';
import { DEFAULT_WORK_LIMITS, type WorkLimits } from '#shared/credentials/verify/work-budget.ts';
import { ServiceError } from '#shared/domain/errors.ts';

/**
 * Verification off the request loop, for the local runtime. The local server is one process:
 * a verification that spends seconds of CPU in JSON-LD work would stall every route, `/health`
 * included. Here each verification runs in a worker thread; the main thread only parses the
 * request, hands the input over and answers the worker's fetches. At most `workers`
 * verifications run at once, the next `maxQueued` wait, and past that the verifier answers
 * 503 at once. A worker that has not answered by the time budget plus a second (its own
 * budget checks between steps; this catches a step that never yields) is stopped and replaced, and its request gets a report whose `input` check failed: however
 * costly the input, the answer comes within bounded time and the other routes never wait.
 *
 * In AWS the same isolation comes from the public verification function having its own
 * reserved concurrency (infra/function-catalog.ts).
 *
 * Workers start and stop one at a time: Node can crash the whole process (SIGSEGV) when one
 * worker's isolate is being created while another's is being torn down (nodejs/node#56312).
 * Every start and every stop goes through one chain, and a start counts as done only once the
 * new thread is online, so no two of them ever overlap.
 */

/** What the worker is started with. */
export interface WorkerData {
  readonly limits: Partial<WorkLimits>;
}

/** Main thread → worker. */
export type WorkerRequest =
  | {
      readonly type: 'verify';
      readonly id: number;
      readonly input: VerifierInput;
      readonly options: VerifyOptions;
      /** The service clock's now, in epoch milliseconds. */
      readonly now: number;
    }
  | { readonly type: 'fetched'; readonly id: number; readonly resource: FetchedResource }
  | {
      readonly type: 'fetched';
      readonly id: number;
      readonly error: {
        readonly code?: string;
        readonly message: string;
        /** What lay under it (the refused connection), for the log only. */
        readonly cause?: string;
      };
    };

/** Worker → main thread. */
export type WorkerReply =
  /** The verifier is loaded: the worker takes requests from now on. */
  | { readonly type: 'ready' }
  | { readonly type: 'report'; readonly id: number; readonly report: VerificationReport }
  | { readonly type: 'failed'; readonly id: number; readonly message: string }
  /** A detail noted while verifying, for the log of the request that asked. */
  | {
      readonly type: 'diagnostic';
      readonly id: number;
      readonly entry: Readonly<Record<string, unknown>>;
    }
  | {
      readonly type: 'fetch';
      readonly id: number;
      readonly url: string;
      readonly options?: FetchOptions;
    };

export interface VerifierPoolOptions {
  /** What the workers' fetches go through (the service's own documents, then the network). */
  readonly fetcher: Fetcher;
  readonly clock?: Clock;
  /** Worker threads (default: the cores but one, at least 1, at most 4). */
  readonly workers?: number;
  /** Verifications waiting for a worker before the pool answers 503 (default 64). */
  readonly maxQueued?: number;
  readonly limits?: Partial<WorkLimits>;
  /**
   * How long a worker may take on one verification before it is stopped and replaced
   * (default: the time budget plus 1 s, so the verifier's own budget speaks first).
   */
  readonly hardTimeoutMs?: number;
}

export interface VerifierPool extends Verifier {
  /** Stops the workers; pending verifications get a failed `input` check. */
  close(): Promise<void>;
}

interface Job {
  readonly id: number;
  readonly input: VerifierInput;
  readonly options: VerifyOptions;
  readonly resolve: (report: VerificationReport) => void;
  /** The asking request's diagnostic scope: the worker's details are logged there. */
  readonly scope?: DiagnosticScope;
}

interface Slot {
  /** Unset only until the slot's first worker is started. */
  worker: Worker | undefined;
  /** The worker has loaded the verifier; a job's clock starts only then. */
  ready: boolean;
  job: Job | undefined;
  timer: NodeJS.Timeout | undefined;
}

const WORKER_URL = new URL('./verification-worker.ts', import.meta.url);

function stoppedReport(reason: string): VerificationReport {
  const report = new ReportBuilder();
  report.fail('input', reason);
  return report.build();
}

/**
 * Starts the pool's workers; `verify` has the {@link Verifier} contract.
 *
 * @example
 * const verifier = createVerifierPool({ fetcher: selfFetcher(ctx, network), clock: ctx.clock });
 * const report = await verifier.verify(body.verifiableCredential);
 */
export function createVerifierPool(options: VerifierPoolOptions): VerifierPool {
  const clock = options.clock ?? systemClock;
  const size = Math.max(1, options.workers ?? Math.min(4, availableParallelism() - 1));
  const maxQueued = options.maxQueued ?? 64;
  const limits = options.limits ?? {};
  const hardTimeoutMs =
    options.hardTimeoutMs ?? (limits.timeBudgetMs ?? DEFAULT_WORK_LIMITS.timeBudgetMs) + 1000;
  const queue: Job[] = [];
  let nextJob = 0;
  let closed = false;

  /**
   * Starts and stops of worker threads, run one after another (see the note at the top). A
   * step that fails leaves the chain usable for the next.
   */
  let lifecycle: Promise<void> = Promise.resolve();
  function serially(step: () => Promise<unknown>): Promise<void> {
    lifecycle = lifecycle.then(step).then(
      () => undefined,
      () => undefined,
    );
    return lifecycle;
  }

  /** Puts a fresh worker in `slot`; done once its thread is online (or has failed to start). */
  function start(slot: Slot): Promise<void> {
    const worker = new Worker(WORKER_URL, { workerData: { limits } satisfies WorkerData });
    // The pool never keeps the process alive: the server does, while it runs.
    worker.unref();
    slot.worker = worker;
    slot.ready = false;
    worker.on('message', (message: WorkerReply) => onMessage(slot, worker, message));
    worker.on('error', (error) => replace(slot, worker, `the verifier failed: ${error.message}`));
    worker.on('exit', () => replace(slot, worker, 'the verifier stopped unexpectedly'));
    // Registered with the handlers above, so an early error or exit settles it in the same
    // emit that hands the worker to `replace`.
    return new Promise((resolve) => {
      for (const event of ['online', 'error', 'exit']) worker.once(event, () => resolve());
    });
  }

  const slots = Array.from({ length: size }, () => {
    const slot: Slot = { worker: undefined, ready: false, job: undefined, timer: undefined };
    void serially(() => (closed ? Promise.resolve() : start(slot)));
    return slot;
  });

  function finish(slot: Slot, report: VerificationReport): void {
    const job = slot.job;
    clearTimeout(slot.timer);
    slot.job = undefined;
    slot.timer = undefined;
    job?.resolve(report);
    dispatch();
  }

  /** Ends `worker` (if it is still the slot's) and, after it has stopped, starts a fresh one. */
  function replace(slot: Slot, worker: Worker, reason: string): void {
    if (slot.worker !== worker) return;
    worker.removeAllListeners();
    slot.ready = false;
    void serially(async () => {
      await worker.terminate();
      if (!closed) await start(slot);
    });
    finish(slot, stoppedReport(reason));
  }

  function onMessage(slot: Slot, worker: Worker, message: WorkerReply): void {
    if (slot.worker !== worker) return;
    if (message.type === 'ready') {
      slot.ready = true;
      dispatch();
      return;
    }
    if (message.type === 'fetch') {
      options.fetcher.fetch(message.url, message.options).then(
        (resource) =>
          worker.postMessage({
            type: 'fetched',
            id: message.id,
            resource,
          } satisfies WorkerRequest),
        (error: unknown) =>
          worker.postMessage({
            type: 'fetched',
            id: message.id,
            error: {
              ...(isCredstackError(error) ? { code: error.code } : {}),
              message: error instanceof Error ? error.message : String(error),
              ...(causeChain(error) === undefined ? {} : { cause: causeChain(error) }),
            },
          } satisfies WorkerRequest),
      );
      return;
    }
    if (slot.job?.id !== message.id) return;
    if (message.type === 'diagnostic') {
      const scope = slot.job.scope;
      scope?.log({ ...message.entry, correlationId: scope.correlationId });
      return;
    }
    finish(
      slot,
      message.type === 'report'
        ? message.report
        : stoppedReport(`the verifier failed: ${message.message}`),
    );
  }

  function dispatch(): void {
    for (const slot of slots) {
      const worker = slot.worker;
      if (slot.job !== undefined || !slot.ready || worker === undefined) continue;
      const job = queue.shift();
      if (!job) return;
      slot.job = job;
      slot.timer = setTimeout(
        () =>
          replace(
            slot,
            worker,
            `verification stopped: it did not finish within ${hardTimeoutMs} ms, the most one verification may take`,
          ),
        hardTimeoutMs,
      );
      worker.postMessage({
        type: 'verify',
        id: job.id,
        input: job.input,
        options: job.options,
        now: clock.now().getTime(),
      } satisfies WorkerRequest);
    }
  }

  return {
    verify(input: VerifierInput, verifyOptions: VerifyOptions = {}): Promise<VerificationReport> {
      if (closed) return Promise.resolve(stoppedReport('the verifier has been shut down'));
      const idle = slots.some((slot) => slot.ready && slot.job === undefined);
      if (!idle && queue.length >= maxQueued) {
        return Promise.reject(
          new ServiceError('UNAVAILABLE', 'every verifier is busy; retry in a few seconds'),
        );
      }
      return new Promise((resolve) => {
        const scope = currentDiagnosticScope();
        queue.push({
          id: nextJob++,
          input,
          options: verifyOptions,
          resolve,
          ...(scope === undefined ? {} : { scope }),
        });
        dispatch();
      });
    },
    async close(): Promise<void> {
      closed = true;
      for (const job of queue.splice(0)) job.resolve(stoppedReport('the verifier was shut down'));
      await serially(async () => {
        for (const slot of slots) {
          const worker = slot.worker;
          slot.ready = false;
          worker?.removeAllListeners();
          await worker?.terminate();
          finish(slot, stoppedReport('the verifier was shut down'));
        }
      });
    },
  };
}
