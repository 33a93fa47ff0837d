import type { CompiledNode, CompiledPathway } from './compile.ts';
import { type ExclusionReason, indexLearner, type LearnerIndex } from './learner-index.ts';
import type { CheckContext } from './matching.ts';
import type { EvaluatedCredential, EvaluationContext, NodeKind } from './rule-types.ts';
import { Solver } from './solver.ts';

export type { ExclusionReason };

export interface NodeResult {
  path: string;
  kind: NodeKind;
  label?: string;
  title?: string;
  milestone?: string;
  satisfied: boolean;
  /** Children satisfied of children needed; for credits, credits held of credits needed. */
  kOfN: { have: number; need: number };
  /** Completion of this node, 0–100 (integer, 100 only when satisfied). */
  progress: number;
  usedCredentials: string[];
  children: NodeResult[];
}

export interface Evaluation {
  pathwayId: string;
  pathwayVersion: string | number;
  satisfied: boolean;
  progress: number;
  contributing: string[];
  milestonesEarned: string[];
  root: NodeResult;
  excluded: { id: string; reason: ExclusionReason }[];
  /** False when the search budget ran out and a partial explanation was given instead. */
  exhaustive: boolean;
}

export interface Learner {
  credentials: readonly EvaluatedCredential[];
}

/**
 * Evaluates a learner's credentials against a compiled pathway, explaining every node.
 *
 * Semantics: only verified, issuer-bound, unrevoked, unexpired credentials count. Within an
 * allOf / nOf sibling set a credential satisfies at most one requirement (so "3 of 5 badges"
 * needs three distinct credentials); anyOf alternatives and `credits` pools see all credentials
 * left to them. The assignment is the first in a fixed order (children in document order,
 * candidates earliest-issued first, then by id), found exactly within a step budget, so the
 * same input always gives the same output. `before: L` compares with the credentials L uses
 * when evaluated on its own. For the verdict alone, `check` on a learner index is faster.
 *
 * @example
 * const result = evaluate(compiled, { credentials }, { now: new Date() });
 */
export function evaluate(
  compiled: CompiledPathway,
  learner: Learner,
  context: EvaluationContext,
): Evaluation {
  const options = context.heldPathways ? { heldPathways: context.heldPathways } : {};
  return evaluateIndexed(
    compiled,
    indexLearner(learner.credentials, context.now, options),
    context,
  );
}

/**
 * `evaluate` on a learner index built once (its time and held pathways apply), for a caller
 * that checks many pathways and explains some.
 *
 * @example
 * const index = indexLearner(credentials, now);
 * const awarded = pathways.filter((p) => check(p, index).satisfied).map((p) => evaluateIndexed(p, index));
 */
export function evaluateIndexed(
  compiled: CompiledPathway,
  index: LearnerIndex,
  context: CheckContext = {},
): Evaluation {
  const run = new Explainer(compiled, index, context);
  const root = run.explain(compiled.root, new Uint8Array(index.credentials.length));
  const milestonesEarned: string[] = [];
  const collect = (r: NodeResult) => {
    if (r.satisfied && r.milestone !== undefined) milestonesEarned.push(r.milestone);
    for (const child of r.children) collect(child);
  };
  collect(root);
  return {
    pathwayId: compiled.pathway.id,
    pathwayVersion: compiled.pathway.version,
    satisfied: root.satisfied,
    progress: root.progress,
    contributing: [...root.usedCredentials],
    milestonesEarned,
    root,
    excluded: index.excluded.map((e) => ({ ...e })),
    exhaustive: run.solver.exhaustive,
  };
}

/**
 * Explains each node: a node the first assignment meets shows that assignment; the others
 * (and, for information, children an assignment does not need) show how far the credentials
 * left to them go. Sets of available credentials are byte arrays by rank, 1 = unavailable.
 */
class Explainer {
  readonly solver: Solver;
  private readonly index: LearnerIndex;
  private rankById: Map<string, number> | undefined;

  constructor(compiled: CompiledPathway, index: LearnerIndex, context: CheckContext) {
    this.index = index;
    this.solver = new Solver(compiled, index, context);
  }

  explain(node: CompiledNode, blocked: Uint8Array): NodeResult {
    if (this.solver.solve(node, blocked)) {
      const { used, parts } = this.solver.solution();
      return this.fromSolution(node, parts, without(blocked, used));
    }
    return this.partial(node, blocked);
  }

  /**
   * The result of a node met by `parts`; children the solution does not need are explained
   * against `free` (what no part of the solution uses), for information only.
   */
  private fromSolution(
    node: CompiledNode,
    parts: ReadonlyMap<number, number[]>,
    free: Uint8Array,
  ): NodeResult {
    const used = parts.get(node.index) ?? [];
    const children = node.children.map((child) =>
      parts.has(child.index) ? this.fromSolution(child, parts, free) : this.explain(child, free),
    );
    let have: number;
    if (node.kind === 'credits') {
      const mine = new Set(used);
      have = this.total(node, (r) => free[r] === 0 || mine.has(r));
    } else if (node.children.length === 0) have = 1;
    else have = children.filter((c) => c.satisfied).length;
    return this.result(node, true, have, this.ids(used), children, 1);
  }

  private partial(node: CompiledNode, blocked: Uint8Array): NodeResult {
    if (node.kind === 'credits') {
      const pool = this.solver.pool(node).filter((r) => blocked[r] === 0);
      const total = this.total(node, (r) => blocked[r] === 0);
      const children = node.children.map((c) => this.explain(c, blocked));
      const need = node.creditsNeeded ?? 1;
      return this.result(node, false, total, this.ids(pool), children, total / need);
    }
    if (node.children.length === 0) return this.result(node, false, 0, [], [], 0);
    if (node.kind === 'anyOf') {
      const children = node.children.map((c) => this.explain(c, blocked));
      let best: NodeResult | undefined;
      for (const c of children) if (!best || c.progress > best.progress) best = c;
      const have = children.filter((c) => c.satisfied).length;
      return this.result(
        node,
        false,
        have,
        best?.usedCredentials ?? [],
        children,
        (best?.progress ?? 0) / 100,
      );
    }
    // Partly met requirements keep their credentials so siblings do not count them twice.
    let left = blocked;
    const children: NodeResult[] = [];
    for (const child of node.children) {
      const r = this.explain(child, left);
      children.push(r);
      left = without(left, this.ranks(r.usedCredentials));
    }
    const fractions = children.map((c) => c.progress / 100).sort((a, b) => b - a);
    const top = fractions.slice(0, node.need).reduce((s, f) => s + f, 0);
    const used = this.ids(this.ranks(children.flatMap((c) => c.usedCredentials)).sort(ascending));
    const have = children.filter((c) => c.satisfied).length;
    return this.result(node, false, have, used, children, top / node.need);
  }

  private result(
    node: CompiledNode,
    satisfied: boolean,
    have: number,
    used: string[],
    children: NodeResult[],
    fraction: number,
  ): NodeResult {
    const need = node.kind === 'credits' ? (node.creditsNeeded ?? 1) : node.need;
    const progress = satisfied ? 100 : Math.min(99, Math.floor(Math.max(0, fraction) * 100));
    const r: NodeResult = {
      path: node.path,
      kind: node.kind,
      satisfied,
      kOfN: { have, need },
      progress,
      usedCredentials: used,
      children,
    };
    if (node.label !== undefined) r.label = node.label;
    if (node.title !== undefined) r.title = node.title;
    if (node.milestone !== undefined) r.milestone = node.milestone;
    return r;
  }

  /** Credits of the pool credentials `counts` admits. */
  private total(node: CompiledNode, counts: (rank: number) => boolean): number {
    let total = 0;
    for (const r of this.solver.pool(node)) {
      if (counts(r)) total += this.index.credentials[r]!.credits;
    }
    return total;
  }

  private ids(ranks: readonly number[]): string[] {
    return ranks.map((r) => this.index.credentials[r]!.id);
  }

  private ranks(ids: readonly string[]): number[] {
    if (this.rankById === undefined) {
      this.rankById = new Map(this.index.credentials.map((c) => [c.id, c.rank]));
    }
    const byId = this.rankById;
    return ids.map((id) => byId.get(id) ?? 0);
  }
}

function ascending(a: number, b: number): number {
  return a - b;
}

function without(blocked: Uint8Array, ranks: readonly number[]): Uint8Array {
  if (ranks.length === 0) return blocked;
  const out = blocked.slice();
  for (const r of ranks) out[r] = 1;
  return out;
}
