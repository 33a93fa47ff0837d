import type { CompiledNode, CompiledPathway } from './compile.ts';
import type { IndexedCredential, LearnerIndex } from './learner-index.ts';
import type { EvaluatedCredential, MinResult } from './rule-types.ts';

/** What a check reads besides the learner: the trust lists `issuers.trustList` names. */
export interface CheckContext {
  trustLists?: Record<string, readonly string[]>;
}

/** Meets a labelled requirement on its own: the ranks it uses, or undefined when unmet. */
export type SolveAlone = (target: CompiledNode) => {
  used: readonly number[] | undefined;
  exhaustive: boolean;
};

const NO_IDS: readonly string[] = [];

/**
 * Which of a learner's credentials fit each requirement of one pathway, constraints included,
 * whatever an assignment has taken: computed once per node and kept, since every search of
 * the pathway against this learner asks again. A `before` limit needs the labelled
 * requirement met on its own, which `solveAlone` does.
 *
 * @example
 * const matching = new Matching(compiled, index, { trustLists }, solveAlone);
 * matching.candidates(compiled.nodes[3]!); // [0, 4, 7]
 */
export class Matching {
  readonly index: LearnerIndex;
  readonly credentials: readonly IndexedCredential[];
  /** False once working out a `before` limit ran out of search budget. */
  exhaustive = true;
  private readonly compiled: CompiledPathway;
  private readonly trustLists: Record<string, readonly string[]> | undefined;
  private readonly solveAlone: SolveAlone;
  private readonly candidateMemo: (readonly number[] | undefined)[] = [];
  private readonly poolMemo: (readonly number[] | undefined)[] = [];
  private readonly limits = new Map<string, number | null>();
  private readonly busy = new Set<string>();

  constructor(
    compiled: CompiledPathway,
    index: LearnerIndex,
    context: CheckContext,
    solveAlone: SolveAlone,
  ) {
    this.compiled = compiled;
    this.index = index;
    this.credentials = index.credentials;
    this.trustLists = context.trustLists;
    this.solveAlone = solveAlone;
  }

  /** Ranks a leaf accepts (constraints included), ascending. */
  candidates(node: CompiledNode): readonly number[] {
    let list = this.candidateMemo[node.index];
    if (list === undefined) {
      const raw = this.rawCandidates(node);
      list = node.constrained ? raw.filter((r) => this.fits(node, r)) : raw;
      this.candidateMemo[node.index] = list;
    }
    return list;
  }

  /** `candidates(node)` if already worked out. */
  known(node: CompiledNode): readonly number[] | undefined {
    return this.candidateMemo[node.index];
  }

  /** Ranks a credits node sums (its `of` leaves and its constraints), ascending. */
  pool(node: CompiledNode): readonly number[] {
    let pool = this.poolMemo[node.index];
    if (pool === undefined) {
      let ranks: number[];
      if (node.poolLeaves === undefined) ranks = this.credentials.map((c) => c.rank);
      else {
        ranks = [];
        for (const leaf of node.poolLeaves) for (const r of this.candidates(leaf)) ranks.push(r);
        ranks.sort((a, b) => a - b);
        ranks = ranks.filter((r, i) => i === 0 || ranks[i - 1] !== r);
      }
      pool = node.constrained ? ranks.filter((r) => this.fits(node, r)) : ranks;
      this.poolMemo[node.index] = pool;
    }
    return pool;
  }

  /** Ranks whose kind a leaf accepts (achievement, alignment or sub-pathway), ascending. */
  rawCandidates(node: CompiledNode): readonly number[] {
    const index = this.index;
    if (node.skill) return index.withSkill(node.skill.framework, node.skill.code);
    if (node.ref !== undefined) return index.withAchievement(node.ref);
    const ids = node.acceptList ?? NO_IDS;
    if (ids.length === 1) return index.withAchievement(ids[0]!);
    const out: number[] = [];
    for (const id of ids) for (const r of index.withAchievement(id)) out.push(r);
    return out.sort((a, b) => a - b);
  }

  /** Whether the credential at `rank` meets the node's constraints (its kind already matched). */
  fits(node: CompiledNode, rank: number): boolean {
    const c = this.credentials[rank]!;
    const k = node.constraints;
    if (node.issuerSet) {
      if (!node.issuerSet.has(c.source.issuerId)) return false;
    } else if (k.issuers && 'trustList' in k.issuers) {
      const allowed = this.trustLists?.[k.issuers.trustList] ?? NO_IDS;
      if (!allowed.includes(c.source.issuerId)) return false;
    }
    if (node.within) {
      const from = this.index.windowStart(node.within);
      if (c.issued < from || c.issued > this.index.nowMs) return false;
    }
    if (k.minResult && !meetsResult(k.minResult, c.source)) return false;
    if (k.before) {
      const limit = this.limit(k.before);
      if (limit === null || c.issued >= limit) return false;
    }
    return true;
  }

  /** Earliest issuance among what the labelled requirement uses on its own; null if unmet. */
  private limit(label: string): number | null {
    const known = this.limits.get(label);
    if (known !== undefined) return known;
    const target = this.compiled.byLabel.get(label);
    // Validation rejects order cycles; the guard keeps a bad document from recursing forever.
    if (!target || this.busy.has(label)) return null;
    this.busy.add(label);
    const { used, exhaustive } = this.solveAlone(target);
    this.busy.delete(label);
    if (!exhaustive) this.exhaustive = false;
    let limit: number | null = null;
    if (used) {
      limit = Number.POSITIVE_INFINITY;
      for (const r of used) limit = Math.min(limit, this.credentials[r]!.issued);
    }
    this.limits.set(label, limit);
    return limit;
  }
}

/**
 * Whether a credential's results meet `rule`: numbers compare numerically, a rubric by the
 * rank of its levels.
 *
 * @example
 * meetsResult({ atLeast: '70' }, { ...credential, results: [{ value: '72' }] }); // true
 */
export function meetsResult(rule: MinResult, c: EvaluatedCredential): boolean {
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
