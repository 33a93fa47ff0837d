/**
 * Joins concurrent runs of the same keyed work within one process: a second call while the
 * first is in flight gets the first's promise instead of starting a race. Scoped per owner
 * (a service context), so two services in one process never share runs; an owner no longer
 * referenced takes its runs with it.
 *
 * @example
 * const runs = new SingleFlight<ServiceContext, BatchJobRecord>();
 * return runs.run(ctx, jobId, () => runBatch(ctx, jobId));
 */
export class SingleFlight<Owner extends object, T> {
  readonly #runs = new WeakMap<Owner, Map<string, Promise<T>>>();

  run(owner: Owner, key: string, start: () => Promise<T>): Promise<T> {
    let runs = this.#runs.get(owner);
    if (!runs) {
      runs = new Map();
      this.#runs.set(owner, runs);
    }
    const inFlight = runs.get(key);
    if (inFlight) return inFlight;
    const own = runs;
    const run = start().finally(() => own.delete(key));
    own.set(key, run);
    return run;
  }
}
