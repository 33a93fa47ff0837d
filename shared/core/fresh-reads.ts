/**
 * Coalesces concurrent reads of the same key without ever serving a caller a read that
 * started before the caller's moment of arrival. Each caller names that moment (`since`, on
 * the `performance.now()` clock of this thread; by default the moment it calls) and is
 * answered only by a read sent strictly after it:
 *
 * - the last read that succeeded, when it started after `since`;
 * - else the read in flight, when it started after `since`;
 * - else the NEXT read: a read in flight that started before `since` may miss a write
 *   committed in between, so the caller waits for the read that starts once it settles, and
 *   that single read answers every caller queued behind it. With no read in flight, the
 *   caller starts one at once.
 *
 * With a strongly consistent read underneath, a write committed before a caller's `since` is
 * always seen, exactly as with one read per caller, while a burst of callers shares reads
 * (at most two per key in flight or queued). A read that fails fails only the callers waiting
 * on it, with its own error, and is never reused; callers queued behind it get the next read.
 * Scoped per owner (a store), so two stores in one process never share reads; an owner no
 * longer referenced takes its reads with it.
 *
 * @example
 * const revisions = new FreshReads<StatusListRepository, number | undefined>();
 * await revisions.read(ctx.statusLists, listId, () => ctx.statusLists.revision(listId));
 */
export class FreshReads<Owner extends object, T> {
  readonly #lanes = new WeakMap<Owner, Map<string, Lane<T>>>();
  readonly #now: () => number;

  /** `now`: the clock `since` is read on (default `performance.now`, monotonic). */
  constructor(now: () => number = () => performance.now()) {
    this.#now = now;
  }

  /**
   * The result of a `start()` called strictly after `since` (default: now). Every caller of
   * one owner and key must read the same thing: any of their `start`s may answer them all.
   */
  read(owner: Owner, key: string, start: () => Promise<T>, since?: number): Promise<T> {
    const after = since ?? this.#now();
    let lanes = this.#lanes.get(owner);
    if (!lanes) {
      lanes = new Map();
      this.#lanes.set(owner, lanes);
    }
    let lane = lanes.get(key);
    if (!lane) {
      lane = { inFlight: undefined, next: undefined, last: undefined };
      lanes.set(key, lane);
    }
    if (lane.last !== undefined && lane.last.startedAt > after)
      return Promise.resolve(lane.last.value);
    if (lane.inFlight === undefined) return this.#launch(lane, start);
    if (lane.inFlight.startedAt > after) return lane.inFlight.promise;
    // The read in flight was sent before this caller's moment: wait for the next one.
    lane.next ??= deferred<T>();
    return lane.next.promise;
  }

  /**
   * Starts one read for `lane`; when it settles, starts the read the queued callers wait for.
   * The start time is taken before the read is sent, so it never postdates the send.
   */
  #launch(lane: Lane<T>, start: () => Promise<T>): Promise<T> {
    const startedAt = this.#now();
    let promise: Promise<T>;
    try {
      promise = start();
    } catch (error) {
      // A read that throws before returning a promise fails its callers the same way.
      promise = Promise.reject(error);
    }
    const read = { startedAt, promise };
    lane.inFlight = read;
    const settled = () => {
      if (lane.inFlight === read) lane.inFlight = undefined;
      const waiting = lane.next;
      if (waiting === undefined) return;
      lane.next = undefined;
      this.#launch(lane, start).then(waiting.resolve, waiting.reject);
    };
    promise.then(
      (value) => {
        if (lane.last === undefined || lane.last.startedAt < startedAt)
          lane.last = { startedAt, value };
        settled();
      },
      // Both handlers given: a failed read reaches its callers, never "unhandled" here.
      settled,
    );
    return promise;
  }
}

interface Deferred<T> {
  readonly promise: Promise<T>;
  readonly resolve: (value: T) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * One key's reads: the one in flight, the callers waiting for the next, and the last result
 * (kept for callers that arrived before it started and reach the key later).
 */
interface Lane<T> {
  inFlight: { readonly startedAt: number; readonly promise: Promise<T> } | undefined;
  next: Deferred<T> | undefined;
  last: { readonly startedAt: number; readonly value: T } | undefined;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
