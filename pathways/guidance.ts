import type { CompiledNode, CompiledPathway } from './compile.ts';
import type { Evaluation, Learner, NodeResult } from './evaluate.ts';
import { evaluate } from './evaluate.ts';
import type { EvaluatedCredential, EvaluationContext, LeafConstraints } from './rule-types.ts';

export type NextStep =
  | {
      kind: 'achievement';
      path: string;
      achievementId: string;
      alternatives: string[];
      constraints: LeafConstraints;
    }
  | { kind: 'skill'; path: string; framework: string; code: string; constraints: LeafConstraints }
  | { kind: 'pathway'; path: string; pathwayId: string; constraints: LeafConstraints }
  | { kind: 'credits'; path: string; creditsNeeded: number; constraints: LeafConstraints };

/**
 * The fewest remaining requirements that would complete the pathway given the evaluation:
 * every unmet allOf child, the cheapest anyOf child, the cheapest missing nOf children
 * (ties go to document order). Empty when the pathway is satisfied.
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
    if (node.kind === 'anyOf') {
      let best: NextStep[] | undefined;
      for (const o of options) if (!best || o.length < best.length) best = o;
      return best ?? [];
    }
    if (node.kind === 'allOf') return options.flat();
    const missing = options
      .map((o, i) => ({ o, i, done: r.children[i]?.satisfied === true }))
      .filter((x) => !x.done)
      .sort((a, b) => a.o.length - b.o.length || a.i - b.i)
      .slice(0, Math.max(0, node.need - r.kOfN.have));
    return missing.sort((a, b) => a.i - b.i).flatMap((x) => x.o);
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
    };
  }
  if ('skill' in s) return { kind: 'skill', path: r.path, ...s.skill, constraints };
  if ('pathway' in s) return { kind: 'pathway', path: r.path, pathwayId: s.pathway, constraints };
  if ('credits' in s) {
    return { kind: 'credits', path: r.path, creditsNeeded: r.kOfN.need - r.kOfN.have, constraints };
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
  const was = new Set<string>();
  const mark = (r: NodeResult) => {
    if (r.satisfied) was.add(r.path);
    for (const c of r.children) mark(c);
  };
  mark(before.root);
  const newlySatisfied: string[] = [];
  const diff = (r: NodeResult) => {
    if (r.satisfied && !was.has(r.path)) newlySatisfied.push(r.path);
    for (const c of r.children) diff(c);
  };
  diff(after.root);
  const ids = new Set(hypothetical.map((h) => h.id));
  return {
    evaluation: after,
    newlySatisfied,
    progressDelta: after.progress - before.progress,
    usedHypothetical: after.contributing.filter((id) => ids.has(id)),
  };
}
