import type { CompiledNode, CompiledPathway } from './compile.ts';
import { subtractDuration } from './duration.ts';
import type {
  EvaluatedCredential,
  EvaluationContext,
  LeafConstraints,
  NodeKind,
} from './rule-types.ts';

/** Why a credential was left out before matching. */
export type ExclusionReason = 'unverified' | 'not-issuer-bound' | 'revoked' | 'expired';

export interface NodeResult {
  path: string;
  kind: NodeKind;
  label?: string;
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

interface Cred {
  id: string;
  issued: number;
  src: EvaluatedCredential;
}

interface Solution {
  used: string[];
  parts: [number, string[]][];
}

const SEARCH_BUDGET = 50_000;
const BUDGET_SPENT = Symbol('budget');

/**
 * Evaluates a learner's credentials against a compiled pathway.
 *
 * Semantics: only verified, issuer-bound, unrevoked, unexpired credentials count. Within an
 * allOf / nOf sibling set a credential satisfies at most one requirement (so "3 of 5 badges"
 * needs three distinct credentials); anyOf alternatives and `credits` pools see all credentials
 * left to them. The search is exact (if a disjoint assignment exists it is found) within a step
 * budget, trying children in document order and candidates earliest-issued first (then by id),
 * so the same input always gives the same output. `before: L` compares with the credentials L
 * uses when evaluated on its own.
 *
 * @example
 * const result = evaluate(compiled, { credentials }, { now: new Date() });
 */
export function evaluate(
  compiled: CompiledPathway,
  learner: Learner,
  context: EvaluationContext,
): Evaluation {
  const run = new Run(compiled, learner.credentials, context);
  const all = new Set(run.creds.map((c) => c.id));
  const root = run.explain(compiled.root, all);
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
    excluded: run.excluded,
    exhaustive: run.exhaustive,
  };
}

class Run {
  readonly creds: Cred[];
  readonly excluded: { id: string; reason: ExclusionReason }[] = [];
  exhaustive = true;
  private readonly compiled: CompiledPathway;
  private readonly context: EvaluationContext;
  private readonly now: number;
  private readonly rank = new Map<string, number>();
  private readonly beforeMemo = new Map<string, number | null>();
  private readonly beforeBusy = new Set<string>();
  private readonly held: ReadonlySet<string>;
  /** Per node index: satisfiable when credentials may be reused (see `relaxed`). */
  private readonly relaxedMemo = new Map<number, boolean>();
  private steps = 0;

  constructor(
    compiled: CompiledPathway,
    credentials: readonly EvaluatedCredential[],
    context: EvaluationContext,
  ) {
    this.compiled = compiled;
    this.context = context;
    this.now = context.now.getTime();
    this.held = new Set(context.heldPathways ?? []);
    const sorted = credentials
      .map((src) => ({ id: src.id, issued: new Date(src.issuedAt).getTime(), src }))
      .sort((a, b) => a.issued - b.issued || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    this.creds = [];
    for (const c of sorted) {
      if (this.rank.has(c.id)) continue;
      const reason = this.exclusion(c.src);
      if (reason) {
        this.excluded.push({ id: c.id, reason });
        continue;
      }
      this.rank.set(c.id, this.creds.length);
      this.creds.push(c);
    }
    this.excluded.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  private exclusion(c: EvaluatedCredential): ExclusionReason | undefined {
    if (!c.verified) return 'unverified';
    if (!c.issuerBound) return 'not-issuer-bound';
    if (c.revoked) return 'revoked';
    if (c.expired) return 'expired';
    if (c.validUntil !== undefined && new Date(c.validUntil).getTime() <= this.now)
      return 'expired';
    return undefined;
  }

  explain(node: CompiledNode, avail: ReadonlySet<string>): NodeResult {
    const solution = this.firstSolution(node, avail);
    if (solution) {
      const free = minus(avail, solution.used);
      return this.fromSolution(node, new Map(solution.parts), free);
    }
    return this.partial(node, avail);
  }

  private firstSolution(node: CompiledNode, avail: ReadonlySet<string>): Solution | undefined {
    // Leaves need no search, so they are still explained after the budget is spent.
    if (node.children.length === 0 || node.kind === 'credits') {
      const spent = this.steps;
      this.steps = 0;
      for (const s of this.solutions(node, avail)) {
        this.steps = spent;
        return s;
      }
      this.steps = spent;
      return undefined;
    }
    // Reuse can only help, so a group unmet even with reuse has no disjoint assignment either:
    // its explanation is the same partial one an exhausted search would give, without the search.
    if (!this.relaxed(node)) return undefined;
    try {
      for (const s of this.solutions(node, avail)) return s;
      return undefined;
    } catch (error) {
      if (error !== BUDGET_SPENT) throw error;
      this.exhaustive = false;
      return undefined;
    }
  }

  private *solutions(node: CompiledNode, avail: ReadonlySet<string>): Generator<Solution> {
    this.steps += 1;
    if (this.steps > SEARCH_BUDGET) throw BUDGET_SPENT;
    const part = (used: string[], parts: [number, string[]][] = []): Solution => ({
      used,
      parts: [...parts, [node.index, used]],
    });
    switch (node.kind) {
      case 'achievement':
      case 'skill':
      case 'pathway':
        if (node.kind === 'pathway' && this.held.has(refOf(node))) yield part([]);
        for (const c of this.candidates(node, avail)) yield part([c.id]);
        return;
      case 'credits': {
        const pick = this.creditsPick(node, avail);
        if (pick.used) yield part(pick.used);
        return;
      }
      case 'anyOf':
        for (const child of node.children) {
          if (!this.relaxed(child)) continue;
          for (const s of this.solutions(child, avail)) yield part(s.used, s.parts);
        }
        return;
      default:
        for (const s of this.combine(node, 0, node.need, avail))
          yield part(this.sort(s.used), s.parts);
    }
  }

  private *combine(
    node: CompiledNode,
    i: number,
    need: number,
    avail: ReadonlySet<string>,
  ): Generator<Solution> {
    if (need === 0) {
      yield { used: [], parts: [] };
      return;
    }
    const child = node.children[i];
    if (child === undefined || this.relaxedFrom(node, i) < need) return;
    // A child unmet even with reuse yields nothing, so it is skipped rather than searched.
    for (const s of this.relaxed(child) ? this.solutions(child, avail) : []) {
      const rest = minus(avail, s.used);
      for (const r of this.combine(node, i + 1, need - 1, rest)) {
        yield { used: [...s.used, ...r.used], parts: [...s.parts, ...r.parts] };
      }
    }
    if (node.kind === 'nOf') yield* this.combine(node, i + 1, need, avail);
  }

  /**
   * Whether the node could be met if one credential could serve several requirements (what a
   * JSON Logic rule decides), over every counted credential. A necessary condition for the
   * exact search, linear in the pathway. Not cached while a `before` target is being resolved,
   * since leaves then see that label as unmet.
   */
  private relaxed(node: CompiledNode): boolean {
    const memo = this.relaxedMemo.get(node.index);
    if (memo !== undefined) return memo;
    let ok: boolean;
    if (isLeaf(node.kind)) {
      ok =
        (node.kind === 'pathway' && this.held.has(refOf(node))) ||
        this.creds.some((c) => this.matches(node, c));
    } else if (node.kind === 'credits') {
      ok = this.creditsPick(node, new Set(this.rank.keys())).used !== undefined;
    } else {
      ok = this.relaxedFrom(node, 0) >= (node.kind === 'anyOf' ? 1 : node.need);
    }
    if (this.beforeBusy.size === 0) this.relaxedMemo.set(node.index, ok);
    return ok;
  }

  /** How many children from position `i` on are met in the relaxed sense. */
  private relaxedFrom(node: CompiledNode, i: number): number {
    let count = 0;
    for (let j = i; j < node.children.length; j += 1) {
      const child = node.children[j];
      if (child && this.relaxed(child)) count += 1;
    }
    return count;
  }

  /**
   * The result of a node met by `parts`; children the solution does not need are explained
   * against `free` (what no part of the solution uses), for information only.
   */
  private fromSolution(
    node: CompiledNode,
    parts: ReadonlyMap<number, string[]>,
    free: ReadonlySet<string>,
  ): NodeResult {
    const used = parts.get(node.index) ?? [];
    const children = node.children.map((child) =>
      parts.has(child.index) ? this.fromSolution(child, parts, free) : this.explain(child, free),
    );
    const have =
      node.kind === 'credits'
        ? this.creditsPick(node, new Set([...free, ...used])).total
        : isLeaf(node.kind)
          ? 1
          : children.filter((c) => c.satisfied).length;
    return this.result(node, true, have, used, children, 1);
  }

  private partial(node: CompiledNode, avail: ReadonlySet<string>): NodeResult {
    if (isLeaf(node.kind)) return this.result(node, false, 0, [], [], 0);
    if (node.kind === 'credits') {
      const pick = this.creditsPick(node, avail);
      const children = node.children.map((c) => this.explain(c, avail));
      const need = creditsNeed(node);
      return this.result(node, false, pick.total, pick.pool, children, pick.total / need);
    }
    if (node.kind === 'anyOf') {
      const children = node.children.map((c) => this.explain(c, avail));
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
    let left = avail;
    const children: NodeResult[] = [];
    for (const child of node.children) {
      const r = this.explain(child, left);
      children.push(r);
      left = minus(left, r.usedCredentials);
    }
    const fractions = children.map((c) => c.progress / 100).sort((a, b) => b - a);
    const top = fractions.slice(0, node.need).reduce((s, f) => s + f, 0);
    const used = this.sort(children.flatMap((c) => c.usedCredentials));
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
    const need = node.kind === 'credits' ? creditsNeed(node) : node.need;
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
    if (node.milestone !== undefined) r.milestone = node.milestone;
    return r;
  }

  private candidates(node: CompiledNode, avail: ReadonlySet<string>): Cred[] {
    return this.creds.filter((c) => avail.has(c.id) && this.matches(node, c));
  }

  /** Whether a credential fits a leaf (or, for credits, the pool), constraints included. */
  private matches(node: CompiledNode, c: Cred): boolean {
    const s = node.source;
    if ('achievement' in s && !node.accepts?.has(c.src.achievementId)) return false;
    if ('skill' in s) {
      const { framework, code } = s.skill;
      if (!c.src.alignments.some((a) => a.framework === framework && a.code === code)) return false;
    }
    if ('pathway' in s && c.src.achievementId !== s.pathway) return false;
    if ('credits' in s && s.credits.of) {
      const of = node.children[0];
      if (of && !this.leavesOf(of).some((leaf) => this.matches(leaf, c))) return false;
    }
    return this.meets(node.constraints, c);
  }

  private leavesOf(node: CompiledNode): CompiledNode[] {
    return isLeaf(node.kind) ? [node] : node.children.flatMap((c) => this.leavesOf(c));
  }

  private meets(k: LeafConstraints, c: Cred): boolean {
    if (k.issuers) {
      const allowed =
        'anyOf' in k.issuers
          ? k.issuers.anyOf
          : (this.context.trustLists?.[k.issuers.trustList] ?? []);
      if (!allowed.includes(c.src.issuerId)) return false;
    }
    if (k.within) {
      const from = subtractDuration(this.context.now, k.within).getTime();
      if (c.issued < from || c.issued > this.now) return false;
    }
    if (k.minResult && !meetsResult(k.minResult, c.src)) return false;
    if (k.before) {
      const limit = this.beforeLimit(k.before);
      if (limit === null || c.issued >= limit) return false;
    }
    return true;
  }

  /** Earliest issuance among what the labelled requirement uses on its own; null if unmet. */
  private beforeLimit(label: string): number | null {
    const memo = this.beforeMemo.get(label);
    if (memo !== undefined) return memo;
    const target = this.compiled.byLabel.get(label);
    if (!target || this.beforeBusy.has(label)) return null;
    this.beforeBusy.add(label);
    const r = this.explain(target, new Set(this.rank.keys()));
    this.beforeBusy.delete(label);
    let limit: number | null = null;
    if (r.satisfied) {
      limit = Number.POSITIVE_INFINITY;
      for (const id of r.usedCredentials) {
        const c = this.creds[this.rank.get(id) ?? -1];
        if (c) limit = Math.min(limit, c.issued);
      }
    }
    this.beforeMemo.set(label, limit);
    return limit;
  }

  /** The earliest-issued prefix of the pool reaching the target, and the pool's total. */
  private creditsPick(node: CompiledNode, avail: ReadonlySet<string>) {
    const need = creditsNeed(node);
    const pool = this.candidates(node, avail);
    let total = 0;
    let used: string[] | undefined;
    for (const [i, c] of pool.entries()) {
      total += c.src.creditsEarned ?? c.src.creditsAvailable ?? 0;
      if (used === undefined && total >= need) used = pool.slice(0, i + 1).map((p) => p.id);
    }
    return { used, total, pool: pool.map((p) => p.id) };
  }

  private sort(ids: string[]): string[] {
    return [...ids].sort((a, b) => (this.rank.get(a) ?? 0) - (this.rank.get(b) ?? 0));
  }
}

function isLeaf(kind: NodeKind): boolean {
  return kind === 'achievement' || kind === 'skill' || kind === 'pathway';
}

function refOf(node: CompiledNode): string {
  return 'pathway' in node.source ? node.source.pathway : '';
}

function creditsNeed(node: CompiledNode): number {
  return 'credits' in node.source ? node.source.credits.atLeast : 1;
}

function minus(set: ReadonlySet<string>, ids: readonly string[]): ReadonlySet<string> {
  if (ids.length === 0) return set;
  const out = new Set(set);
  for (const id of ids) out.delete(id);
  return out;
}

function meetsResult(
  rule: NonNullable<LeafConstraints['minResult']>,
  c: EvaluatedCredential,
): boolean {
  const results = (c.results ?? []).filter(
    (r) => rule.resultDescription === undefined || r.resultDescription === rule.resultDescription,
  );
  return results.some((r) => {
    if (rule.levels) {
      const have = rule.levels.indexOf(r.value);
      const want = rule.levels.indexOf(rule.atLeast);
      return have >= 0 && want >= 0 && have >= want;
    }
    const have = Number(r.value);
    const want = Number(rule.atLeast);
    return r.value.trim() !== '' && Number.isFinite(have) && Number.isFinite(want) && have >= want;
  });
}
