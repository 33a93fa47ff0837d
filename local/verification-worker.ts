import { AsyncLocalStorage } from 'node:async_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import { raiseStoreUnavailable } from '#shared/adapters/dynamodb/errors.ts';
import { liteDynamoDb } from '#shared/adapters/dynamodb/lite/documents.ts';
import { DynamoStatusListStore } from '#shared/adapters/dynamodb/status-list-store.ts';
import type { Clock } from '#shared/core/clock.ts';
import { withDiagnostics } from '#shared/core/diagnostics.ts';
import { CredstackError, ERROR_CODES, type ErrorCode } from '#shared/core/errors.ts';
import type { FetchedResource, Fetcher, FetchOptions } from '#shared/credentials/fetch/fetcher.ts';
import { OB_CREDENTIAL_CONTEXT } from '#shared/credentials/model/constants.ts';
import { createVerifier } from '#shared/credentials/verify/verifier.ts';
import { revalidatingStatusFetcher } from '#shared/domain/status-revalidation.ts';
import type { WorkerData, WorkerReply, WorkerRequest } from './verification-pool.ts';

/**
 * One verification worker (see verification-pool.ts): the verifier runs here, off the request
 * loop. It has no network and no keys of its own: every fetch is a message to the main
 * thread, which answers it with the service's fetcher (its own documents from the table,
 * the rest over HTTPS), so what a verification may reach is exactly what it reaches in
 * process. One exception, when the pool names the table (`statusReads`): the worker keeps
 * the service's own status lists it was sent, and reads their revision itself, with a client
 * of its own, so an unchanged list costs one table read and no message to the main thread
 * (status-revalidation.ts); a changed one is fetched from the main thread as before.
 */

const port = parentPort;
if (!port) throw new Error('verification-worker.ts runs as a worker thread');
const data = workerData as WorkerData;

/**
 * The service's clock, followed: each request carries the main thread's "now", and the worker
 * keeps the offset from its own wall clock, so a frozen test clock stays (within the
 * milliseconds of one verification) frozen here too.
 */
let offsetMs = 0;
const clock: Clock = { now: () => new Date(Date.now() + offsetMs) };

let nextFetch = 0;
const pendingFetches = new Map<
  number,
  { resolve: (resource: FetchedResource) => void; reject: (error: Error) => void }
>();

const isErrorCode = (code: unknown): code is ErrorCode =>
  typeof code === 'string' && (ERROR_CODES as readonly string[]).includes(code);

/** The fetch error as the main thread saw it, with what lay under it as its cause. */
function withCause(message: string, code: string | undefined, cause: Error | undefined): Error {
  const options = cause === undefined ? undefined : { cause };
  return isErrorCode(code)
    ? new CredstackError(code, message, options)
    : new Error(message, options);
}

/**
 * The job a fetch is made for, and when it arrived on this thread's clock (`performance.now()`
 * here: its receipt less the time it had waited in the pool, never earlier than its arrival).
 * The main thread answers the job's fetches as fresh as its arrival there, and the worker's
 * own revision reads are sent after its arrival here.
 */
const jobs = new AsyncLocalStorage<{ readonly id: number; readonly arrived: number }>();

/** Every fetch as a message to the main thread. */
const mainThread: Fetcher = {
  fetch(url: string, options?: FetchOptions): Promise<FetchedResource> {
    const id = nextFetch++;
    const job = jobs.getStore()?.id;
    return new Promise((resolve, reject) => {
      pendingFetches.set(id, { resolve, reject });
      port.postMessage({
        type: 'fetch',
        id,
        url,
        ...(options ? { options } : {}),
        ...(job === undefined ? {} : { job }),
      } satisfies WorkerReply);
    });
  },
};

/**
 * Jobs waiting for the worker's own revision reads, told to the pool (which gives a worker
 * another job only while every one it holds waits), once per turn of the microtask queue: a
 * read shared by several jobs answers them all in one turn.
 */
let reading = 0;
let reportedReading = 0;
let reportQueued = false;
const onWait = (change: 1 | -1): void => {
  reading += change;
  if (reportQueued) return;
  reportQueued = true;
  queueMicrotask(() => {
    reportQueued = false;
    if (reading === reportedReading) return;
    reportedReading = reading;
    port.postMessage({ type: 'reading', jobs: reading } satisfies WorkerReply);
  });
};

/** Revision reads sent since the last report, told with the next one. */
let tableReads = 0;

function fetcherOf(statusReads: WorkerData['statusReads']): Fetcher {
  if (statusReads === undefined) return mainThread;
  const documents = raiseStoreUnavailable(liteDynamoDb(statusReads.client));
  const statusLists = new DynamoStatusListStore({ documents, tableName: statusReads.tableName });
  const revision = statusLists.revision.bind(statusLists);
  statusLists.revision = (listId) => {
    tableReads += 1;
    return revision(listId);
  };
  return revalidatingStatusFetcher({
    baseUrl: statusReads.baseUrl,
    statusLists,
    inner: mainThread,
    arrivedAt: () => jobs.getStore()?.arrived,
    onWait,
  });
}

const verifier = createVerifier({
  fetcher: fetcherOf(data.statusReads),
  clock,
  limits: data.limits,
});

port.on('message', (message: WorkerRequest) => {
  if (message.type === 'fetched') {
    const pending = pendingFetches.get(message.id);
    pendingFetches.delete(message.id);
    if (!pending) return;
    if ('resource' in message) pending.resolve(message.resource);
    else
      pending.reject(
        withCause(
          message.error.message,
          message.error.code,
          message.error.cause === undefined ? undefined : new Error(message.error.cause),
        ),
      );
    return;
  }
  const arrived = performance.now() - message.waitedMs;
  offsetMs = message.now - Date.now();
  // Details noted while verifying go back to the main thread, which logs them in the scope of
  // the request that asked (its correlation id); reports keep only the public wording.
  const diagnostics = {
    correlationId: '',
    log: (entry: Readonly<Record<string, unknown>>) =>
      port.postMessage({ type: 'diagnostic', id: message.id, entry } satisfies WorkerReply),
  };
  jobs
    .run({ id: message.id, arrived }, () =>
      withDiagnostics(diagnostics, () => verifier.verify(message.input, message.options)),
    )
    .then(
      (report) => {
        port.postMessage({
          type: 'report',
          id: message.id,
          report,
          ...(tableReads === 0 ? {} : { tableReads }),
        } satisfies WorkerReply);
        tableReads = 0;
      },
      (error: unknown) =>
        port.postMessage({
          type: 'failed',
          id: message.id,
          message: error instanceof Error ? error.message : String(error),
        } satisfies WorkerReply),
    );
});

/**
 * A credential without a proof, verified once before the worker takes requests: it compiles
 * the Open Badges schema and processes the contexts, seconds of one-off work on a busy
 * machine that would otherwise count against the first request's time budget. It names no
 * key and no status list, so it fetches nothing.
 */
const WARM_UP: Record<string, unknown> = {
  '@context': [...OB_CREDENTIAL_CONTEXT],
  id: 'urn:uuid:00000000-0000-4000-8000-000000000000',
  type: ['VerifiableCredential', 'OpenBadgeCredential'],
  issuer: { id: 'did:example:warm-up', type: ['Profile'], name: 'warm-up' },
  validFrom: '2026-01-01T00:00:00Z',
  name: 'warm-up',
  credentialSubject: {
    type: ['AchievementSubject'],
    achievement: {
      id: 'urn:uuid:00000000-0000-4000-8000-000000000001',
      type: ['Achievement'],
      name: 'warm-up',
      description: 'warm-up',
      criteria: { narrative: 'warm-up' },
    },
  },
};

await verifier.verify(WARM_UP);
// Everything is loaded: requests may come.
port.postMessage({ type: 'ready' } satisfies WorkerReply);
