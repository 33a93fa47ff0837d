import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Details kept out of public answers but wanted in the log: what a verification report only
 * calls "could not be fetched" (the refused connection, the store's message). The HTTP layer
 * runs each request's handler in a diagnostic scope holding its correlation id and logger, so
 * the detail lands in the log beside the request's line; outside a scope (the command line,
 * which prints its own reports) a diagnostic is dropped.
 */

/** Where the diagnostics of one scope go. */
export interface DiagnosticScope {
  readonly correlationId: string;
  readonly log: (entry: Readonly<Record<string, unknown>>) => void;
}

const scopes = new AsyncLocalStorage<DiagnosticScope>();

/**
 * Runs `work` with `scope` receiving the diagnostics noted while it runs.
 *
 * @example
 * await withDiagnostics({ correlationId, log: (entry) => logger.log(entry) }, () => handle(request));
 */
export function withDiagnostics<T>(scope: DiagnosticScope, work: () => T): T {
  return scopes.run(scope, work);
}

/**
 * The scope the caller runs in, for work handed to another thread that reports back (its
 * diagnostics are logged in this scope when they arrive).
 */
export function currentDiagnosticScope(): DiagnosticScope | undefined {
  return scopes.getStore();
}

/**
 * The causes under `error`, as one line ("a ← b ← c"), for an error that must cross a thread
 * boundary as text and still say what happened underneath.
 */
export function causeChain(error: unknown): string | undefined {
  const parts: string[] = [];
  let cause = error instanceof Error ? error.cause : undefined;
  while (cause !== undefined && parts.length < 8) {
    if (cause instanceof Error) {
      const code = (cause as { code?: unknown }).code;
      parts.push(typeof code === 'string' ? `${cause.message} (${code})` : cause.message);
      cause = cause.cause === cause ? undefined : cause.cause;
    } else {
      parts.push(String(cause));
      cause = undefined;
    }
  }
  return parts.length === 0 ? undefined : parts.join(' ← ');
}

/**
 * Logs `error` (name, message and cause) as the detail behind `message`, with the correlation
 * id of the current scope; nothing outside a scope.
 *
 * @example
 * noteDiagnostic('the key could not be fetched', error);
 */
export function noteDiagnostic(message: string, error: unknown): void {
  const scope = scopes.getStore();
  if (scope === undefined) return;
  scope.log({
    level: 'warn',
    message,
    correlationId: scope.correlationId,
    error: describe(error),
  });
}

function describe(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { message: String(error) };
  const code = (error as { code?: unknown }).code;
  return {
    name: error.name,
    message: error.message,
    ...(typeof code === 'string' ? { code } : {}),
    ...(error.cause === undefined || error.cause === error ? {} : { cause: describe(error.cause) }),
  };
}
