import { AsyncLocalStorage } from 'node:async_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import type { Clock } from '#shared/core/clock.ts';
import { withDiagnostics } from '#shared/core/diagnostics.ts';
import { CredstackError, ERROR_CODES, type ErrorCode } from '#shared/core/errors.ts';
import type { FetchedResource, Fetcher, FetchOptions } from '#shared/credentials/fetch/fetcher.ts';
import { OB_CREDENTIAL_CONTEXT } from '#shared/credentials/model/constants.ts';
import { createVerifier } from '#shared/credentials/verify/verifier.ts';
import type { WorkerData, WorkerReply, WorkerRequest } from './verification-pool.ts';

/**
 * One verification worker (see verification-pool.ts): the verifier runs here, off the request
 * loop. It has no network and no table of its own: every fetch is a message to the main
 * thread, which answers it with the service's fetcher (its own documents from the table,
 * the rest over HTTPS), so what a verification may reach is exactly what it reaches in
 * process.
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

/** The job a fetch is made for: the main thread answers it as fresh as that job's arrival. */
const jobs = new AsyncLocalStorage<number>();

const fetcher: Fetcher = {
  fetch(url: string, options?: FetchOptions): Promise<FetchedResource> {
    const id = nextFetch++;
    const job = jobs.getStore();
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

const verifier = createVerifier({ fetcher, clock, limits: data.limits });

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
  offsetMs = message.now - Date.now();
  // Details noted while verifying go back to the main thread, which logs them in the scope of
  // the request that asked (its correlation id); reports keep only the public wording.
  const diagnostics = {
    correlationId: '',
    log: (entry: Readonly<Record<string, unknown>>) =>
      port.postMessage({ type: 'diagnostic', id: message.id, entry } satisfies WorkerReply),
  };
  jobs
    .run(message.id, () =>
      withDiagnostics(diagnostics, () => verifier.verify(message.input, message.options)),
    )
    .then(
      (report) =>
        port.postMessage({ type: 'report', id: message.id, report } satisfies WorkerReply),
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
