import { CredstackError } from '#shared/core/errors.ts';

/**
 * The work one verification may cost. Size and depth caps (safe-json.ts, object-limits.ts)
 * bound the text; these bound what the JSON-LD steps do with it. Expansion, the term check
 * and RDF conversion are linear in the number of values (see credentials/jsonld/linear-values.ts), and
 * RDFC-1.0 is not for every graph: a graph of many indistinguishable blank nodes (a "poison
 * graph") makes its blank-node labelling explode. So a credential is held to a count of
 * values, entries per array and distinct terms before any JSON-LD work starts, the
 * canonicalization gets a work factor and the rest of the time budget, and the pipeline stops
 * between steps once the time budget is spent. Each limit hit is a failed check with a reason
 * naming the limit, never a hang.
 */

export interface WorkLimits {
  /** Most values (objects, arrays, scalars) in one credential, embedded ones included. */
  readonly maxValues: number;
  /**
   * Most objects. Each object is a JSON-LD node whose type or property may bring a scoped
   * context, and jsonld.js copies the whole active context (hundreds of terms) for each such
   * node: an object costs far more than a string, so objects have their own, lower, limit.
   */
  readonly maxObjects: number;
  /** Most entries in one array (a `tag`, `result` or `alignment` list). */
  readonly maxArrayEntries: number;
  /** Most distinct property names: each is a term the contexts must define. */
  readonly maxTerms: number;
  /** Wall-clock time one verification may take, in milliseconds (fetches included). */
  readonly timeBudgetMs: number;
  /**
   * RDFC-1.0 work factor: the deep-iteration budget is (number of non-unique blank nodes) to
   * this power. 1 allows every credential-shaped graph and stops poison graphs at once.
   */
  readonly canonicalizationWorkFactor: number;
}

/**
 * The defaults: about ten times what a large Open Badges credential or CLR holds, and a
 * budget a person waiting for an answer accepts.
 */
export const DEFAULT_WORK_LIMITS: WorkLimits = Object.freeze({
  maxValues: 100_000,
  maxObjects: 5_000,
  maxArrayEntries: 10_000,
  maxTerms: 2_000,
  timeBudgetMs: 10_000,
  canonicalizationWorkFactor: 1,
});

function pointer(path: readonly (string | number)[]): string {
  return path.map((s) => `/${String(s).replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');
}

/**
 * Throws `WORK_BUDGET_EXCEEDED` when `credential` holds more values or objects, a longer
 * array or more distinct property names than `limits` allow. Iterative, and stops at the first limit hit,
 * so refusing a hostile input costs no more than the limit.
 *
 * @example
 * assertWithinWorkLimits(credential, DEFAULT_WORK_LIMITS);
 */
export function assertWithinWorkLimits(
  credential: unknown,
  limits: Pick<WorkLimits, 'maxValues' | 'maxObjects' | 'maxArrayEntries' | 'maxTerms'>,
): void {
  // A credential with no more property names in all than maxTerms cannot have more distinct
  // ones: names are only counted, not collected, until their count passes the limit. Then the
  // walk starts over collecting them, so every limit is met in the same order, with the same
  // error, as when names are collected from the start.
  if (!walkWithinLimits(credential, limits, false)) walkWithinLimits(credential, limits, true);
}

/**
 * The walk of {@link assertWithinWorkLimits}; false, without a verdict, when it does not
 * collect names and meets more than maxTerms of them.
 */
function walkWithinLimits(
  credential: unknown,
  limits: Pick<WorkLimits, 'maxValues' | 'maxObjects' | 'maxArrayEntries' | 'maxTerms'>,
  collectTerms: boolean,
): boolean {
  // Values only, no paths: this walk runs on every verification, and building a path for
  // each of thousands of values cost more than the walk. The one message that names a place
  // (an array too long) finds its path again, once, when it is thrown.
  const pending: unknown[] = [credential];
  const terms = new Set<string>();
  let names = 0;
  let values = 0;
  let objects = 0;
  while (pending.length > 0) {
    const value = pending.pop();
    values += 1;
    if (values > limits.maxValues) {
      throw new CredstackError(
        'WORK_BUDGET_EXCEEDED',
        `the credential holds more than ${limits.maxValues} values, the most one verification handles`,
      );
    }
    if (typeof value !== 'object' || value === null) continue;
    if (Array.isArray(value)) {
      if (value.length > limits.maxArrayEntries) {
        throw new CredstackError(
          'WORK_BUDGET_EXCEEDED',
          `the array at ${pointer(pathTo(credential, value) ?? []) || '/'} has ${value.length} entries, more than the limit of ${limits.maxArrayEntries}`,
        );
      }
      for (let i = value.length - 1; i >= 0; i--) pending.push(value[i]);
      continue;
    }
    objects += 1;
    if (objects > limits.maxObjects) {
      throw new CredstackError(
        'WORK_BUDGET_EXCEEDED',
        `the credential holds more than ${limits.maxObjects} objects, the most one verification handles`,
      );
    }
    const record = value as Record<string, unknown>;
    for (const key in record) {
      if (!Object.hasOwn(record, key)) continue;
      if (key !== '@context') {
        if (!collectTerms) {
          names += 1;
          if (names > limits.maxTerms) return false;
        } else {
          terms.add(key);
          if (terms.size > limits.maxTerms) {
            throw new CredstackError(
              'WORK_BUDGET_EXCEEDED',
              `the credential uses more than ${limits.maxTerms} distinct property names, the most one verification handles`,
            );
          }
        }
      }
      pending.push(record[key]);
    }
  }
  return true;
}

/**
 * The path from `root` to the object `target`, depth first in document order, for an error
 * message. It visits values in the walk's own order, and is only called after the walk stopped
 * at `target`, so it visits no more than the walk did.
 */
function pathTo(root: unknown, target: object): (string | number)[] | undefined {
  const pending: { value: unknown; path: (string | number)[] }[] = [{ value: root, path: [] }];
  while (pending.length > 0) {
    const { value, path } = pending.pop()!;
    if (value === target) return path;
    if (typeof value !== 'object' || value === null) continue;
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--)
        pending.push({ value: value[i], path: [...path, i] });
      continue;
    }
    for (const [key, child] of Object.entries(value))
      pending.push({ value: child, path: [...path, key] });
  }
  return undefined;
}

/**
 * The time left of one verification: a deadline and the signal that fires at it.
 *
 * @example
 * const budget = new TimeBudget(10_000);
 * if (budget.spent()) report.fail('terms', budget.reason('the term check'));
 */
export class TimeBudget {
  readonly #deadline: number;
  readonly #budgetMs: number;
  readonly #now: () => number;
  #signal: AbortSignal | undefined;

  constructor(budgetMs: number, now: () => number = () => performance.now()) {
    this.#budgetMs = budgetMs;
    this.#now = now;
    this.#deadline = now() + budgetMs;
  }

  /**
   * Fires at the deadline. Made on first use: most verifications (VC-JWTs) never hand a
   * signal to anything, and bulk verification should not pay for a timer each.
   */
  get signal(): AbortSignal {
    this.#signal ??= AbortSignal.timeout(Math.max(1, Math.ceil(this.#deadline - this.#now())));
    return this.#signal;
  }

  /** True once the budget is spent. */
  spent(): boolean {
    return this.#now() >= this.#deadline;
  }

  /** The reason a step that ran out of time reports. */
  reason(step: string): string {
    return `verification stopped before ${step}: it used its time budget of ${this.#budgetMs} ms`;
  }
}
