import { CredstackError } from '#shared/core/errors.ts';

/**
 * The caps a parsed object gets in place of the ones its JSON text would have had. Text is
 * bounded by `parseJsonSafely` before anything walks it; an object handed over already
 * parsed skipped that, and the structure checks, the term check and canonicalization all
 * recurse — a nest thousands deep, or a cycle, would end in a stack overflow deep inside a
 * library instead of a reason a person can read.
 */

export interface ObjectLimits {
  /** Deepest nesting of arrays and objects, counted as `parseJsonSafely` counts it. */
  readonly maxDepth: number;
  /** Most arrays, objects and values in all: shared references must not multiply the walk. */
  readonly maxNodes: number;
}

/**
 * Throws `INPUT_TOO_DEEP` when `value` nests deeper than `maxDepth` (a cycle always does)
 * and `INPUT_TOO_LARGE` past `maxNodes` values. Iterative, so it cannot overflow the stack.
 *
 * @example
 * assertObjectWithinLimits(credential, { maxDepth: 64, maxNodes: 2 * 1024 * 1024 });
 */
export function assertObjectWithinLimits(value: unknown, limits: ObjectLimits): void {
  const pending: [unknown, number][] = [[value, 1]];
  let nodes = 0;
  while (pending.length > 0) {
    const [current, depth] = pending.pop()!;
    nodes += 1;
    if (nodes > limits.maxNodes)
      throw new CredstackError(
        'INPUT_TOO_LARGE',
        `the credential object holds more than ${limits.maxNodes} values`,
      );
    if (typeof current !== 'object' || current === null) continue;
    if (depth > limits.maxDepth)
      throw new CredstackError(
        'INPUT_TOO_DEEP',
        `the credential object nests arrays/objects deeper than the limit of ${limits.maxDepth} (or refers to itself)`,
      );
    const children = Array.isArray(current) ? current : Object.values(current);
    for (const child of children) pending.push([child, depth + 1]);
  }
}
