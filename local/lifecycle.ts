/**
 * Orderly shutdown of the local runtime: on Ctrl-C or SIGTERM the started parts are stopped
 * newest first (HTTP server, stream poller, then DynamoDB Local), each given a bounded time,
 * so a hung part cannot keep the process alive; a second signal leaves at once.
 */

export type ShutdownStep = () => Promise<void>;

/** The part of `process` this module uses, so tests can inject a fake. */
export interface ProcessLike {
  on(event: 'SIGINT' | 'SIGTERM', listener: (signal: NodeJS.Signals) => void): unknown;
  off(event: 'SIGINT' | 'SIGTERM', listener: (signal: NodeJS.Signals) => void): unknown;
  exit(code: number): void;
}

export interface ShutdownOptions {
  /** Most time one step may take before it is abandoned (default 10 s). */
  readonly stepTimeoutMs?: number;
  readonly process?: ProcessLike;
  readonly log?: (message: string) => void;
}

export interface ShutdownHandle {
  /** Runs the shutdown as a signal would (once), then exits with `code` (default 0). */
  shutdown(code?: number): Promise<void>;
  /** Removes the signal listeners without running anything. */
  dispose(): void;
}

const SIGNAL_NUMBERS: Record<string, number> = { SIGINT: 2, SIGTERM: 15 };

function withTimeout(step: ShutdownStep, ms: number): Promise<'done' | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms);
    timer.unref?.();
  });
  // A step that throws synchronously is treated like one that rejects.
  const run = Promise.resolve()
    .then(step)
    .then(() => 'done' as const);
  return Promise.race([run, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Installs SIGINT/SIGTERM handlers that run `steps` in reverse order once, then exit 0. Steps
 * pushed onto the array later are run too (the order is taken when the shutdown begins).
 *
 * @example
 * const db = await startDynamoDbLocal({ dbPath });
 * const http = await startHttpBridge({ handler, port: 3000 });
 * onShutdown([() => db.stop(), () => http.close()]); // closes http first, then db
 */
export function onShutdown(steps: ShutdownStep[], options: ShutdownOptions = {}): ShutdownHandle {
  const proc: ProcessLike = options.process ?? process;
  const stepTimeoutMs = options.stepTimeoutMs ?? 10_000;
  const log = options.log ?? ((message: string) => console.error(message));
  let running: Promise<void> | undefined;

  const runSteps = async () => {
    const ordered = [...steps].reverse();
    for (const [index, step] of ordered.entries()) {
      try {
        const outcome = await withTimeout(step, stepTimeoutMs);
        if (outcome === 'timeout')
          log(`shutdown step ${index + 1}/${ordered.length} did not finish in ${stepTimeoutMs} ms`);
      } catch (error) {
        log(`shutdown step ${index + 1}/${ordered.length} failed: ${String(error)}`);
      }
    }
  };

  const shutdown = (code = 0): Promise<void> => {
    running ??= runSteps().then(() => {
      dispose();
      proc.exit(code);
    });
    return running;
  };

  const onSignal = (signal: NodeJS.Signals) => {
    if (running) {
      log(`${signal} again: exiting now`);
      proc.exit(128 + (SIGNAL_NUMBERS[signal] ?? 2));
      return;
    }
    log(`${signal}: shutting down (press Ctrl-C again to exit at once)`);
    void shutdown();
  };

  const dispose = () => {
    proc.off('SIGINT', onSignal);
    proc.off('SIGTERM', onSignal);
  };

  proc.on('SIGINT', onSignal);
  proc.on('SIGTERM', onSignal);
  return { shutdown, dispose };
}

export interface StartupGuard {
  /** Registers how to stop a part that has just started (stopped newest first). */
  started(step: ShutdownStep): void;
  /**
   * Gives up the start: prints `message` (one line), stops every part started so far, newest
   * first, and exits 1 — so a failed start leaves no DynamoDB Local or server behind.
   */
  fail(message: string): Promise<void>;
}

/**
 * Guards a start made of several parts: Ctrl-C or SIGTERM at any moment stops what has started
 * so far (exit 0), and `fail` does the same after an error (exit 1). Once the start is complete
 * the same handlers stop the running service.
 *
 * @example
 * const startup = guardStartup();
 * const db = await startDynamoDbLocal({ dbPath });
 * startup.started(() => db.stop());
 * await ensureTable(client, 'credstack').catch((error) => startup.fail(String(error)));
 */
export function guardStartup(options: ShutdownOptions = {}): StartupGuard {
  const log = options.log ?? ((message: string) => console.error(message));
  const steps: ShutdownStep[] = [];
  const handle = onShutdown(steps, options);
  return {
    started: (step) => {
      steps.push(step);
    },
    fail: async (message) => {
      log(message);
      await handle.shutdown(1);
    },
  };
}
