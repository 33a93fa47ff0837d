import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { LiteDynamoDbOptions } from '#shared/adapters/dynamodb/lite/transport.ts';
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
 * request, hands the input over and answers the worker's fetches. Each worker verifies one
 * credential at a time, and takes another (up to four) only while every one it holds waits for
 * a fetch, so a table read does not leave its thread idle; the next `maxQueued` wait, and past
 * that the verifier answers 503 at once. A worker that has not answered a request by the time
 * budget plus a second (its own budget checks between steps; this catches a step that never
 * yields) is stopped and replaced: that request gets a report whose `input` check failed, and
 * any other request the worker held is verified afresh. However costly the input, the answer
 * comes within bounded time and the other routes never wait.
 *
 * In AWS the same isolation comes from the public verification function having its own
 * reserved concurrency (infra/function-catalog.ts).
 *
 * Workers start and stop one at a time: Node can crash the whole process (SIGSEGV) when one
 * worker's isolate is being created while another's is being torn down (nodejs/node#56312).
 * Every start and every stop goes through one chain, and a start counts as done only once the
 * new thread is online, so no two of them ever overlap.
 */

/**
 * The table a worker reads its own status list revisions from (verification-worker.ts): the
 * service's base URL (which lists are its own), the table and how to reach it.
 */
export interface WorkerStatusReads {
  readonly baseUrl: string;
  readonly tableName: string;
  readonly client: LiteDynamoDbOptions;
}

/** What the worker is started with. */
export interface WorkerData {
  readonly limits: Partial<WorkLimits>;
  /** Without it, every fetch goes to the main thread. */
  readonly statusReads?: WorkerStatusReads;
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
      /**
       * How long the job had waited since it arrived, on this thread's monotonic clock, when
       * it was handed over: the worker dates the job's arrival this long before it received
       * it, which is never earlier than the true arrival (threads share one monotonic clock's
       * rate, not its origin).
       */
      readonly waitedMs: number;
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
  | {
      readonly type: 'report';
      readonly id: number;
      readonly report: VerificationReport;
      /** Revision reads the worker sent to the table itself since its previous report. */
      readonly tableReads?: number;
    }
  | { readonly type: 'failed'; readonly id: number; readonly message: string }
  /** A detail noted while verifying, for the log of the request that asked. */
  | {
      readonly type: 'diagnostic';
      readonly id: number;
      readonly entry: Readonly<Record<string, unknown>>;
    }
  /** How many of the worker's jobs wait for its own table reads now. */
  | { readonly type: 'reading'; readonly jobs: number }
  | {
      readonly type: 'fetch';
      readonly id: number;
      readonly url: string;
      readonly options?: FetchOptions;
      /** The job the fetch is made for. */
      readonly job?: number;
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
   * Lets each worker read the revision of the service's own status lists itself, with a client
   * of its own, and keep the lists it was sent (verification-worker.ts). Default: every fetch
   * goes to the main thread.
   */
  readonly statusReads?: WorkerStatusReads;
  /**
   * How long a worker may take on one verification before it is stopped and replaced
   * (default: the time budget plus 1 s, so the verifier's own budget speaks first).
   */
  readonly hardTimeoutMs?: number;
}

export interface VerifierPool extends Verifier {
  /** Stops the workers; pending verifications get a failed `input` check. */
  close(): Promise<void>;
  /** Status list revision reads the workers have sent to the table themselves (`statusReads`). */
  tableReads(): number;
}

interface Job {
  readonly id: number;
  readonly input: VerifierInput;
  readonly options: VerifyOptions;
  readonly resolve: (report: VerificationReport) => void;
  /**
   * When the pool was asked (`performance.now()` of this thread): the job's fetches of the
   * service's own documents reflect every change committed before it (FetchOptions.freshSince).
   */
  readonly arrived: number;
  /** The asking request's diagnostic scope: the worker's details are logged there. */
  readonly scope?: DiagnosticScope;
  /**
   * Runs on a worker holding nothing else: set once the job was held by a worker that ran out
   * of time, when which of its jobs was to blame could not be told.
   */
  alone?: boolean;
}

interface Slot {
  /** Unset only until the slot's first worker is started. */
  worker: Worker | undefined;
  /** The worker has loaded the verifier; a job's clock starts only then. */
  ready: boolean;
  /** The jobs the worker holds, each with its own hard timeout. */
  readonly jobs: Map<number, { readonly job: Job; readonly timer: NodeJS.Timeout }>;
  /** Fetches the worker asked for that the main thread has not answered yet. */
  fetching: number;
  /** Jobs waiting for the worker's own table reads, as the worker last told. */
  reading: number;
}

/**
 * Most jobs one worker holds at once. A worker takes another job only while every job it
 * holds waits for a fetch (its own status list read from the table, a DID document): then its
 * thread would otherwise sit idle for the length of a table read.
 */
const MAX_JOBS_PER_WORKER = 4;

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
  let tableReads = 0;
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
    const workerData: WorkerData = {
      limits,
      ...(options.statusReads === undefined ? {} : { statusReads: options.statusReads }),
    };
    const worker = new Worker(WORKER_URL, { workerData });
    // The pool never keeps the process alive: the server does, while it runs.
    worker.unref();
    slot.worker = worker;
    slot.ready = false;
    slot.reading = 0;
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
    const slot: Slot = {
      worker: undefined,
      ready: false,
      jobs: new Map(),
      fetching: 0,
      reading: 0,
    };
    void serially(() => (closed ? Promise.resolve() : start(slot)));
    return slot;
  });

  function finish(slot: Slot, id: number, report: VerificationReport): void {
    const held = slot.jobs.get(id);
    if (held === undefined) return;
    clearTimeout(held.timer);
    slot.jobs.delete(id);
    held.job.resolve(report);
    dispatch();
  }

  /**
   * Ends `worker` (if it is still the slot's) and, after it has stopped, starts a fresh one.
   * When the worker failed, or held one job only, every job it held is answered with
   * `reason`. When a worker holding several jobs ran out of time (`timedOut`), which of them
   * kept it busy cannot be told: they all go back to the front of the queue to be verified
   * afresh, each alone on a worker (verification changes nothing, so running it again is
   * harmless), and the costly one is then stopped by itself.
   */
  function replace(slot: Slot, worker: Worker, reason: string, timedOut = false): void {
    if (slot.worker !== worker) return;
    worker.removeAllListeners();
    slot.worker = undefined;
    slot.ready = false;
    slot.fetching = 0;
    slot.reading = 0;
    void serially(async () => {
      await worker.terminate();
      if (!closed) await start(slot);
    });
    const held = [...slot.jobs.values()];
    slot.jobs.clear();
    const retry = timedOut && held.length > 1;
    for (const { timer } of held) clearTimeout(timer);
    if (retry) {
      for (const { job } of held) job.alone = true;
      queue.unshift(...held.map(({ job }) => job));
    } else for (const { job } of held) job.resolve(stoppedReport(reason));
    dispatch();
  }

  function onMessage(slot: Slot, worker: Worker, message: WorkerReply): void {
    if (slot.worker !== worker) return;
    if (message.type === 'ready') {
      slot.ready = true;
      dispatch();
      return;
    }
    if (message.type === 'reading') {
      slot.reading = message.jobs;
      dispatch();
      return;
    }
    if (message.type === 'fetch') {
      slot.fetching += 1;
      dispatch();
      const answered = () => {
        if (slot.worker === worker) slot.fetching -= 1;
      };
      // Fresh as of the job's arrival, not of this later moment: a status list read for an
      // earlier-arrived job, sent after this one arrived, answers it too. Only the pool's own
      // record of the job sets it (a worker's clock is not this thread's, and a worker cannot
      // ask for data older than its job); without one, the fetch is as fresh as its moment.
      const { freshSince: _workerClock, ...requested } = message.options ?? {};
      const asking = message.job === undefined ? undefined : slot.jobs.get(message.job)?.job;
      const fetchOptions =
        asking === undefined ? requested : { ...requested, freshSince: asking.arrived };
      options.fetcher.fetch(message.url, fetchOptions).then(
        (resource) => {
          answered();
          worker.postMessage({
            type: 'fetched',
            id: message.id,
            resource,
          } satisfies WorkerRequest);
        },
        (error: unknown) => {
          answered();
          worker.postMessage({
            type: 'fetched',
            id: message.id,
            error: {
              ...(isCredstackError(error) ? { code: error.code } : {}),
              message: error instanceof Error ? error.message : String(error),
              ...(causeChain(error) === undefined ? {} : { cause: causeChain(error) }),
            },
          } satisfies WorkerRequest);
        },
      );
      return;
    }
    if (message.type === 'report') tableReads += message.tableReads ?? 0;
    const held = slot.jobs.get(message.id);
    if (held === undefined) return;
    if (message.type === 'diagnostic') {
      const scope = held.job.scope;
      scope?.log({ ...message.entry, correlationId: scope.correlationId });
      return;
    }
    finish(
      slot,
      message.id,
      message.type === 'report'
        ? message.report
        : stoppedReport(`the verifier failed: ${message.message}`),
    );
  }

  /**
   * Whether the slot's worker can take `job` now: it holds none, or it holds fewer than the
   * most, all waiting for fetches or for the worker's own table reads, and neither `job` nor
   * any held job must run alone.
   */
  function canTake(slot: Slot, job: Job | undefined): boolean {
    if (!slot.ready || slot.worker === undefined) return false;
    if (slot.jobs.size === 0) return true;
    if (job?.alone || slot.jobs.size >= MAX_JOBS_PER_WORKER) return false;
    if (slot.fetching + slot.reading < slot.jobs.size) return false;
    for (const held of slot.jobs.values()) if (held.job.alone) return false;
    return true;
  }

  function dispatch(): void {
    // Idle workers first, then workers whose jobs all wait for fetches.
    const ordered = [...slots].sort((a, b) => a.jobs.size - b.jobs.size);
    for (const slot of ordered) {
      const worker = slot.worker;
      if (queue.length === 0) return;
      if (!canTake(slot, queue[0]) || worker === undefined) continue;
      const job = queue.shift()!;
      const timer = setTimeout(
        () =>
          replace(
            slot,
            worker,
            `verification stopped: it did not finish within ${hardTimeoutMs} ms, the most one verification may take`,
            true,
          ),
        hardTimeoutMs,
      );
      slot.jobs.set(job.id, { job, timer });
      worker.postMessage({
        type: 'verify',
        id: job.id,
        input: job.input,
        options: job.options,
        now: clock.now().getTime(),
        waitedMs: performance.now() - job.arrived,
      } satisfies WorkerRequest);
    }
  }

  return {
    verify(input: VerifierInput, verifyOptions: VerifyOptions = {}): Promise<VerificationReport> {
      if (closed) return Promise.resolve(stoppedReport('the verifier has been shut down'));
      const idle = slots.some((slot) => canTake(slot, undefined));
      if (!idle && queue.length >= maxQueued) {
        return Promise.reject(
          new ServiceError('UNAVAILABLE', 'every verifier is busy; retry in a few seconds'),
        );
      }
      return new Promise((resolve) => {
        const scope = currentDiagnosticScope();
        queue.push({
          id: nextJob++,
          arrived: performance.now(),
          input,
          options: verifyOptions,
          resolve,
          ...(scope === undefined ? {} : { scope }),
        });
        dispatch();
      });
    },
    tableReads: () => tableReads,
    async close(): Promise<void> {
      closed = true;
      for (const job of queue.splice(0)) job.resolve(stoppedReport('the verifier was shut down'));
      await serially(async () => {
        for (const slot of slots) {
          const worker = slot.worker;
          slot.ready = false;
          worker?.removeAllListeners();
          await worker?.terminate();
          for (const id of [...slot.jobs.keys()])
            finish(slot, id, stoppedReport('the verifier was shut down'));
        }
      });
    },
  };
}
