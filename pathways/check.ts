import type { CompiledPathway } from './compile.ts';
import type { LearnerIndex } from './learner-index.ts';
import type { CheckContext } from './matching.ts';
import { Solver } from './solver.ts';

export type { CheckContext };

// One availability array serves every check: checks run one at a time, and each clears it.
let scratch = new Uint8Array(256);

/** A verdict without explanations. */
export interface Verdict {
  satisfied: boolean;
  /** Ids of the credentials the assignment uses, earliest-issued first; empty when unmet. */
  contributing: string[];
  /** False when the search budget ran out: the verdict is then "not satisfied", unproven. */
  exhaustive: boolean;
}

/**
 * Whether a learner meets a pathway, and with which credentials: the same verdict and the
 * same assignment as `evaluate` (a credential meets at most one requirement below an allOf or
 * nOf; anyOf alternatives and credits pools see what is left), without building explanations.
 * Build the index once per learner and check every pathway against it.
 *
 * @example
 * const index = indexLearner(credentials, new Date());
 * const verdicts = compiledPathways.map((p) => check(p, index, { trustLists }));
 */
export function check(
  compiled: CompiledPathway,
  index: LearnerIndex,
  context: CheckContext = {},
): Verdict {
  const count = index.credentials.length;
  if (scratch.length < count) scratch = new Uint8Array(Math.max(count, scratch.length * 2));
  scratch.fill(0, 0, count);
  const solver = new Solver(compiled, index, context, { scratch });
  if (!solver.solve(compiled.root)) {
    return { satisfied: false, contributing: [], exhaustive: solver.exhaustive };
  }
  const ranks = solver.trail.slice().sort((a, b) => a - b);
  const credentials = index.credentials;
  return {
    satisfied: true,
    contributing: ranks.map((r) => credentials[r]!.id),
    exhaustive: solver.exhaustive,
  };
}
