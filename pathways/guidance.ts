import type { CompiledNode, CompiledPathway } from './compile.ts';
import type { Evaluation, Learner, NodeResult } from './evaluate.ts';
import { evaluate } from './evaluate.ts';
import type { EvaluatedCredential, EvaluationContext, LeafConstraints } from './rule-types.ts';

/** What every step carries: where it is, and the other requirements that would do instead. */
interface StepBase {
  path: string;
  constraints: LeafConstraints;
  /**
   * Paths of requirements that would serve in place of this step (the other branches of an
   * anyOf, the other unmet requirements of an n-of), cheapest first.
   */
  instead: string[];
}

export type NextStep =
  | (StepBase & { kind: 'achievement'; achievementId: string; alternatives: string[] })
  | (StepBase & { kind: 'skill'; framework: string; code: string })
  | (StepBase & { kind: 'pathway'; pathwayId: string })
  | (StepBase & { kind: 'credits'; creditsNeeded: number });

/**
 * The fewest remaining requirements that would complete the pathway given the evaluation:
 * every unmet allOf child, the cheapest anyOf child, the cheapest missing nOf children
 * (ties go to document order), each naming the requirements that would serve `instead`.
 * Empty when the pathway is satisfied.
 *
 * @example
 * nextSteps(compiled, evaluate(compiled, learner, { now })); // [{ kind: 'achievement', ... }]
 */
export function nextSteps(compiled: CompiledPathway, evaluation: Evaluation): NextStep[] {
  const byPath = new Map(compiled.nodes.map((n) => [n.path, n]));
  const steps = (r: NodeResult): NextStep[] => {
    if (r.satisfied) return [];
    const node = byPath.get(r.path);
    if (!node) return [];
    const leaf = leafStep(node, r);
    if (leaf) return [leaf];
    const options = r.children.map(steps);
    if (node.kind === 'allOf') return options.flat();
    const missing = options
      .map((o, i) => ({ o, i, done: r.children[i]?.satisfied === true }))
      .filter((x) => !x.done)
      .sort((a, b) => a.o.length - b.o.length || a.i - b.i);
    const count = node.kind === 'anyOf' ? 1 : Math.max(0, node.need - r.kOfN.have);
    const chosen = missing.slice(0, count);
    // What is left over could stand in for what was chosen.
    const others = missing.slice(count).map((x) => r.children[x.i]?.path ?? '');
    for (const x of chosen) for (const step of x.o) step.instead.push(...others);
    return chosen.sort((a, b) => a.i - b.i).flatMap((x) => x.o);
  };
  return steps(evaluation.root);
}

function leafStep(node: CompiledNode, r: NodeResult): NextStep | undefined {
  const s = node.source;
  const constraints = node.constraints;
  if ('achievement' in s) {
    return {
      kind: 'achievement',
      path: r.path,
      achievementId: s.achievement,
      alternatives: [...(s.alternatives ?? [])],
      constraints,
      instead: [],
    };
  }
  if (node.skill) {
    return { kind: 'skill', path: r.path, ...node.skill, constraints, instead: [] };
  }
  if ('pathway' in s) {
    return { kind: 'pathway', path: r.path, pathwayId: s.pathway, constraints, instead: [] };
  }
  if ('credits' in s) {
    const creditsNeeded = r.kOfN.need - r.kOfN.have;
    return { kind: 'credits', path: r.path, creditsNeeded, constraints, instead: [] };
  }
  return undefined;
}

export interface WhatIf {
  evaluation: Evaluation;
  /** Paths of nodes satisfied with the hypothetical credentials that were not before. */
  newlySatisfied: string[];
  progressDelta: number;
  /** Hypothetical credential ids the new evaluation uses. */
  usedHypothetical: string[];
}

/**
 * Evaluates as if the learner also held `hypothetical`; nothing is stored or changed.
 *
 * @example
 * whatIf(compiled, learner, [plannedBadge], { now }).evaluation.satisfied;
 */
export function whatIf(
  compiled: CompiledPathway,
  learner: Learner,
  hypothetical: readonly EvaluatedCredential[],
  context: EvaluationContext,
): WhatIf {
  const before = evaluate(compiled, learner, context);
  const after = evaluate(
    compiled,
    { credentials: [...learner.credentials, ...hypothetical] },
    context,
  );
  const newlySatisfied = newlySatisfiedPaths(before.root, after.root);
  const ids = new Set(hypothetical.map((h) => h.id));
  return {
    evaluation: after,
    newlySatisfied,
    progressDelta: after.progress - before.progress,
    usedHypothetical: after.contributing.filter((id) => ids.has(id)),
  };
}

/**
 * The rule paths satisfied in `after` that were not in `before`: what a what-if would complete.
 *
 * @example
 * newlySatisfiedPaths(before.root, after.root); // ['/root/allOf/1']
 */
export function newlySatisfiedPaths(before: NodeResult, after: NodeResult): string[] {
  const was = new Set<string>();
  const mark = (r: NodeResult) => {
    if (r.satisfied) was.add(r.path);
    for (const c of r.children) mark(c);
  };
  mark(before);
  const newly: string[] = [];
  const diff = (r: NodeResult) => {
    if (r.satisfied && !was.has(r.path)) newly.push(r.path);
    for (const c of r.children) diff(c);
  };
  diff(after);
  return newly;
}
