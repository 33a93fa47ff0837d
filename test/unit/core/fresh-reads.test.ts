import { describe, expect, it } from 'vitest';
import { FreshReads } from '#shared/core/fresh-reads.ts';

/**
 * Coalesced reads that never answer a caller with a read sent before it arrived. The store
 * here is a controllable fake: each read takes the value at the moment it is sent (as a
 * strongly consistent read does) and answers only when the test lets it.
 */

interface PendingRead {
  readonly sentValue: number;
  readonly answer: () => void;
  readonly fail: (error: Error) => void;
}

function fakeStore(initial: number) {
  const store = {
    value: initial,
    reads: [] as PendingRead[],
    read(): Promise<number> {
      const sentValue = store.value;
      return new Promise((resolve, reject) => {
        store.reads.push({ sentValue, answer: () => resolve(sentValue), fail: reject });
      });
    },
  };
  return store;
}

/** Lets every queued promise reaction run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

/** A promise's state without waiting for it. */
async function stateOf<T>(promise: Promise<T>) {
  let state: { settled: false } | { settled: true; value?: T; error?: unknown } = {
    settled: false,
  };
  promise.then(
    (value) => {
      state = { settled: true, value };
    },
    (error: unknown) => {
      state = { settled: true, error };
    },
  );
  await settle();
  return state;
}

describe('FreshReads', () => {
  it('starts one read for a lone caller and forgets nothing it should not', async () => {
    const reads = new FreshReads<object, number>();
    const owner = {};
    const store = fakeStore(1);

    const first = reads.read(owner, 'list', () => store.read());
    expect(store.reads).toHaveLength(1);
    store.reads[0]!.answer();
    expect(await first).toBe(1);

    // Sequential callers: each needs a read sent after it arrived, so each makes one.
    store.value = 2;
    const second = reads.read(owner, 'list', () => store.read());
    expect(store.reads).toHaveLength(2);
    store.reads[1]!.answer();
    expect(await second).toBe(2);
  });

  it('never hands a caller the read in flight when it arrived: it waits for the next one', async () => {
    const reads = new FreshReads<object, number>();
    const owner = {};
    const store = fakeStore(0);
    const early = reads.read(owner, 'list', () => store.read());

    // A revocation commits while the first read is in flight (that read already took 0).
    store.value = 1;
    const late = reads.read(owner, 'list', () => store.read());

    // No second read yet: one read per key in flight; the late caller is queued.
    expect(store.reads).toHaveLength(1);
    expect((await stateOf(late)).settled).toBe(false);

    store.reads[0]!.answer();
    expect(await early).toBe(0);
    await settle();
    // The next read started once the first settled, after the late caller arrived.
    expect(store.reads).toHaveLength(2);
    expect((await stateOf(late)).settled).toBe(false);
    store.reads[1]!.answer();
    expect(await late).toBe(1);
  });

  it('serves every caller queued behind a read with one next read', async () => {
    const reads = new FreshReads<object, number>();
    const owner = {};
    const store = fakeStore(0);
    const first = reads.read(owner, 'list', () => store.read());
    store.value = 7;
    const queued = Array.from({ length: 5 }, () => reads.read(owner, 'list', () => store.read()));

    store.reads[0]!.answer();
    await settle();
    expect(store.reads).toHaveLength(2);
    store.reads[1]!.answer();

    expect(await first).toBe(0);
    expect(await Promise.all(queued)).toEqual([7, 7, 7, 7, 7]);
    expect(store.reads).toHaveLength(2);
  });

  it('lets a caller that arrived before a read started share it, in flight or done', async () => {
    let now = 100;
    const reads = new FreshReads<object, number>(() => now);
    const owner = {};
    const store = fakeStore(3);
    const arrivedEarly = 50;

    now = 101;
    const running = reads.read(owner, 'list', () => store.read());
    // This caller arrived at 50, before the read in flight was sent at 101: the read answers it.
    const joined = reads.read(owner, 'list', () => store.read(), arrivedEarly);
    expect(store.reads).toHaveLength(1);
    store.reads[0]!.answer();
    expect(await running).toBe(3);
    expect(await joined).toBe(3);

    // Done reads too: one sent at 101 answers a caller that arrived at 50 or at 100.5...
    expect(await reads.read(owner, 'list', () => store.read(), 100.5)).toBe(3);
    expect(store.reads).toHaveLength(1);
    // ...but not one that arrived at 101 or later, nor one with no arrival given (now).
    now = 120;
    const fresh = reads.read(owner, 'list', () => store.read(), 101);
    expect(store.reads).toHaveLength(2);
    store.reads[1]!.answer();
    expect(await fresh).toBe(3);
    const atNow = reads.read(owner, 'list', () => store.read());
    expect(store.reads).toHaveLength(3);
    store.reads[2]!.answer();
    await atNow;
  });

  it('fails only the callers of a failed read, and the next read serves the queue', async () => {
    const reads = new FreshReads<object, number>();
    const owner = {};
    const store = fakeStore(4);
    const failing = reads.read(owner, 'list', () => store.read());
    const queued = reads.read(owner, 'list', () => store.read());

    store.reads[0]!.fail(new Error('the table did not answer'));
    await expect(failing).rejects.toThrow('the table did not answer');
    await settle();
    expect(store.reads).toHaveLength(2);
    store.reads[1]!.answer();
    expect(await queued).toBe(4);

    // A failed read is never reused, not even by a caller that arrived before it was sent.
    let now = 0;
    const timed = new FreshReads<object, number>(() => now);
    now = 10;
    const lost = timed.read(owner, 'list', () => store.read());
    store.reads[2]!.fail(new Error('throttled'));
    await expect(lost).rejects.toThrow('throttled');
    now = 20;
    const after = timed.read(owner, 'list', () => store.read(), 5);
    expect(store.reads).toHaveLength(4);
    store.reads[3]!.answer();
    expect(await after).toBe(4);
  });

  it('fails the queue of a read that throws before it returns, without hanging', async () => {
    const reads = new FreshReads<object, number>();
    const owner = {};
    const store = fakeStore(5);
    let throwNext = false;
    const start = () => {
      if (throwNext) throw new Error('no connection');
      return store.read();
    };
    const first = reads.read(owner, 'list', start);
    const queued = reads.read(owner, 'list', start);
    throwNext = true;
    store.reads[0]!.answer();

    expect(await first).toBe(5);
    await expect(queued).rejects.toThrow('no connection');
    // The key is free again: the next caller starts a read of its own.
    throwNext = false;
    const again = reads.read(owner, 'list', start);
    store.reads[1]!.answer();
    expect(await again).toBe(5);
  });

  it('keeps keys and owners apart', async () => {
    const reads = new FreshReads<object, number>();
    const [one, two] = [{}, {}];
    const store = fakeStore(6);
    const a = reads.read(one, 'list', () => store.read());
    const b = reads.read(one, 'other', () => store.read());
    const c = reads.read(two, 'list', () => store.read());
    expect(store.reads).toHaveLength(3);
    for (const read of store.reads) read.answer();
    expect(await Promise.all([a, b, c])).toEqual([6, 6, 6]);
  });
});
