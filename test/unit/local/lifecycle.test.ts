import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { guardStartup, onShutdown } from '#local/lifecycle.ts';

/** Stands in for `process`: signals are emitted by the test, exit only records the code. */
class FakeProcess extends EventEmitter {
  readonly exits: number[] = [];
  exit(code: number): void {
    this.exits.push(code);
  }
}

function setup(stepTimeoutMs = 1000) {
  const proc = new FakeProcess();
  const calls: string[] = [];
  const logs: string[] = [];
  const step = (name: string) => async () => {
    calls.push(name);
  };
  return {
    proc,
    calls,
    logs,
    step,
    options: { process: proc, stepTimeoutMs, log: (m: string) => logs.push(m) },
  };
}

const waitFor = async (condition: () => boolean) => {
  for (let i = 0; i < 200 && !condition(); i += 1) await new Promise((r) => setTimeout(r, 5));
};

describe('onShutdown', () => {
  it('runs the steps in reverse order once on SIGINT, then exits 0', async () => {
    const { proc, calls, step, options } = setup();
    const handle = onShutdown([step('database'), step('poller'), step('http')], options);

    proc.emit('SIGINT', 'SIGINT');
    await handle.shutdown();

    expect(calls).toEqual(['http', 'poller', 'database']);
    expect(proc.exits).toEqual([0]);
    expect(proc.listenerCount('SIGINT')).toBe(0);
    expect(proc.listenerCount('SIGTERM')).toBe(0);
  });

  it('runs the steps on SIGTERM too, and not again on a later shutdown call', async () => {
    const { proc, calls, step, options } = setup();
    const handle = onShutdown([step('a'), step('b')], options);

    proc.emit('SIGTERM', 'SIGTERM');
    await handle.shutdown();
    await handle.shutdown();

    expect(calls).toEqual(['b', 'a']);
    expect(proc.exits).toEqual([0]);
  });

  it('exits at once on a second signal while the steps are still running', async () => {
    const { proc, calls, options } = setup();
    let release: () => void = () => {};
    const blocked = new Promise<void>((resolve) => {
      release = resolve;
    });
    onShutdown(
      [
        async () => {
          calls.push('database');
        },
        async () => {
          calls.push('http');
          await blocked;
        },
      ],
      options,
    );

    proc.emit('SIGINT', 'SIGINT');
    await waitFor(() => calls.length > 0);
    proc.emit('SIGINT', 'SIGINT');

    expect(proc.exits).toEqual([130]);
    expect(calls).toEqual(['http']);
    release();
  });

  it('abandons a step that exceeds its timeout and goes on with the rest', async () => {
    const { proc, calls, logs, step, options } = setup(20);
    const handle = onShutdown([step('database'), () => new Promise<void>(() => {})], options);

    proc.emit('SIGINT', 'SIGINT');
    await handle.shutdown();

    expect(calls).toEqual(['database']);
    expect(logs).toContain('shutdown step 1/2 did not finish in 20 ms');
    expect(proc.exits).toEqual([0]);
  });

  it('logs a failing step and still runs the others', async () => {
    const { proc, calls, logs, step, options } = setup();
    const handle = onShutdown(
      [
        step('database'),
        () => {
          throw new Error('socket already closed');
        },
      ],
      options,
    );

    proc.emit('SIGTERM', 'SIGTERM');
    await handle.shutdown();

    expect(calls).toEqual(['database']);
    expect(logs).toContain('shutdown step 1/2 failed: Error: socket already closed');
    expect(proc.exits).toEqual([0]);
  });

  it('removes its listeners on dispose without running anything', () => {
    const { proc, calls, step, options } = setup();
    const handle = onShutdown([step('a')], options);

    handle.dispose();
    proc.emit('SIGINT', 'SIGINT');

    expect(proc.listenerCount('SIGINT')).toBe(0);
    expect(calls).toEqual([]);
    expect(proc.exits).toEqual([]);
  });
});

describe('guardStartup', () => {
  it('on failure logs the one line, stops what started (newest first) and exits 1', async () => {
    const { proc, calls, logs, step, options } = setup();
    const startup = guardStartup(options);
    startup.started(step('http'));
    startup.started(step('database'));

    await startup.fail('port 3000 on 127.0.0.1 is already in use');

    expect(logs).toEqual(['port 3000 on 127.0.0.1 is already in use']);
    expect(calls).toEqual(['database', 'http']);
    expect(proc.exits).toEqual([1]);
    expect(proc.listenerCount('SIGINT')).toBe(0);
  });

  it('stops on a signal whatever has started by then, including parts started after install', async () => {
    const { proc, calls, step, options } = setup();
    const startup = guardStartup(options);
    startup.started(step('database'));
    startup.started(step('poller'));

    proc.emit('SIGTERM', 'SIGTERM');
    await waitFor(() => proc.exits.length > 0);

    expect(calls).toEqual(['poller', 'database']);
    expect(proc.exits).toEqual([0]);
  });
});
