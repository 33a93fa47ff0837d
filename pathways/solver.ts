import { CredstackError } from '#shared/core/errors.ts';
import { assignable } from './assignment-bound.ts';
import type { CompiledNode, CompiledPathway } from './compile.ts';
import type { IndexedCredential, LearnerIndex } from './learner-index.ts';
import { type CheckContext, Matching } from './matching.ts';

/** Search steps one check or evaluation may spend before it gives up (`exhaustive: false`). */
export const SEARCH_BUDGET = 50_000;

/** An assignment: the ranks it uses, and per node of the solution the ranks under that node. */
export interface Solution {
  used: number[];
  parts: Map<number, number[]>;
}

export interface SolverOptions {
  /** A zeroed array of at least one byte per indexed credential, lent to save an allocation. */
  scratch?: Uint8Array;
  /**
   * Search every group depth-first without the greedy walk or the bounds (the relaxed test
   * and the single-assignment rule still prune): slower, and the same answers, which is what
   * tests of the shortcuts compare against.
   */
  plain?: boolean;
  /** Matching shared with the solver that needs a requirement met on its own. */
  matching?: Matching;
}

const BUDGET_SPENT = Symbol('budget');
const NO_IDS: readonly string[] = [];

/**
 * Finds the first assignment of a learner's credentials to a pathway in the engine's fixed
 * order: children in document order, candidates earliest-issued first, a credential used at
 * most once below any allOf / nOf (anyOf alternatives and credits pools see what is left).
 *
 * It walks that order greedily; only when the greedy walk is blocked by credentials it took
 * itself does it search, and the search is pruned by bounds that never cut a branch holding a
 * solution (each requirement alone, and flow bounds on distinct credentials), so the
 * answer is the one an unpruned depth-first search would give, usually without searching.
 * Credentials are addressed by rank (their position in the learner index).
 *
 * @example
 * const solver = new Solver(compiled, indexLearner(credentials, now));
 * if (solver.solve(compiled.root)) solver.solution().used; // [0, 3, 4]
 */
export class Solver {
  /** 1 where a credential is not available (used by the current assignment or blocked). */
  readonly taken: Uint8Array;
  /** Ranks taken by the current assignment, in the order they were taken. */
  readonly trail: number[] = [];
  /** What fits each requirement, shared with the solvers working out `before` limits. */
  readonly matching: Matching;
  /** Node index, trail start, trail end of each node in the current assignment. */
  private readonly parts: number[] = [];
  private readonly compiled: CompiledPathway;
  private readonly index: LearnerIndex;
  private readonly creds: readonly IndexedCredential[];
  private readonly reachMemo: (Uint8Array | undefined)[] = [];
  private spent = false;
  private relaxedMemo: Int8Array | undefined;
  private readonly plain: boolean;
  private blocked = false;
  private steps = 0;

  constructor(
    compiled: CompiledPathway,
    index: LearnerIndex,
    context: CheckContext = {},
    options: SolverOptions = {},
  ) {
    if (index.limitedTo && !index.limitedTo.has(compiled)) {
      throw new CredstackError(
        'INPUT_MALFORMED',
        `the learner index was limited to other pathways than ${compiled.pathway.id}`,
      );
    }
    this.compiled = compiled;
    this.index = index;
    this.creds = index.credentials;
    this.plain = options.plain === true;
    this.taken = options.scratch ?? new Uint8Array(index.credentials.length);
    this.matching =
      options.matching ??
      new Matching(compiled, index, context, (target) => {
        const own = new Solver(compiled, index, context, {
          matching: this.matching,
          plain: this.plain,
        });
        const met = own.solve(target);
        return { used: met ? own.trail : undefined, exhaustive: own.exhaustive };
      });
  }

  /** False once a step budget ran out: a "no" may then be a missed "yes". */
  get exhaustive(): boolean {
    return !this.spent && this.matching.exhaustive;
  }

  /**
   * Finds the first assignment meeting `node`, with the ranks set in `blocked` unavailable.
   * On success `trail` holds the ranks used and `solution()` describes the assignment.
   */
  solve(node: CompiledNode, blocked?: Uint8Array): boolean {
    this.undo(0, 0);
    if (this.blocked) this.taken.fill(0, 0, this.creds.length);
    this.blocked = blocked !== undefined;
    if (blocked) this.taken.set(blocked);
    try {
      return this.first(node);
    } catch (error) {
      if (error !== BUDGET_SPENT) throw error;
      this.spent = true;
      this.undo(0, 0);
      return false;
    }
  }

  /** The assignment found by the last successful `solve`. */
  solution(): Solution {
    const ascending = (a: number, b: number) => a - b;
    const parts = new Map<number, number[]>();
    for (let i = 0; i < this.parts.length; i += 3) {
      const ranks = this.trail.slice(this.parts[i + 1], this.parts[i + 2]).sort(ascending);
      parts.set(this.parts[i]!, ranks);
    }
    return { used: [...this.trail].sort(ascending), parts };
  }

  /** Ranks a leaf accepts (constraints included), ascending, whatever is taken. */
  candidates(node: CompiledNode): readonly number[] {
    return this.matching.candidates(node);
  }

  /** Ranks a credits node sums (its `of` leaves and its constraints), ascending. */
  pool(node: CompiledNode): readonly number[] {
    return this.matching.pool(node);
  }

  /** The first assignment for `node` from the current state; on failure the state is unchanged. */
  private first(node: CompiledNode): boolean {
    const mark = this.trail.length;
    switch (node.kind) {
      case 'achievement':
      case 'skill':
      case 'pathway': {
        if (node.ref !== undefined && this.index.held.has(node.ref)) {
          this.log(node, mark);
          return true;
        }
        const rank = this.leafFirst(node);
        if (rank < 0) return false;
        this.take(rank);
        this.log(node, mark);
        return true;
      }
      case 'credits':
        return this.creditsFirst(node);
      case 'anyOf':
        for (const child of node.children) {
          if (this.first(child)) {
            this.log(node, mark);
            return true;
          }
        }
        return false;
      default:
        return this.groupFirst(node);
    }
  }

  /**
   * allOf / nOf: each child's first assignment in turn is exactly the path a depth-first
   * search tries first, so when it completes it is the answer. When it stalls after taking
   * credentials, an earlier child might have chosen differently: search.
   */
  private groupFirst(node: CompiledNode): boolean {
    if (this.plain) return this.exact(node);
    const mark = this.trail.length;
    const partsMark = this.parts.length;
    const children = node.children;
    let need = node.need;
    let took = false;
    for (let i = 0; i < children.length && children.length - i >= need; i += 1) {
      const before = this.trail.length;
      if (this.first(children[i]!)) {
        if (this.trail.length > before) took = true;
        need -= 1;
        if (need === 0) {
          this.log(node, mark);
          return true;
        }
      } else if (node.kind === 'allOf') break;
    }
    this.undo(mark, partsMark);
    // Nothing taken means every failure above was on the full set of what is available.
    return took && this.exact(node);
  }

  private exact(node: CompiledNode): boolean {
    if (!this.plain && (!this.enoughAlone(node) || !this.feasible(node, 0, node.need))) {
      return false;
    }
    for (const _ of this.solutions(node, undefined)) return true;
    return false;
  }

  /** Whether enough children can each be met on their own from the current state. */
  private enoughAlone(node: CompiledNode): boolean {
    const mark = this.trail.length;
    const partsMark = this.parts.length;
    const children = node.children;
    let met = 0;
    for (let i = 0; i < children.length; i += 1) {
      if (this.first(children[i]!)) {
        this.undo(mark, partsMark);
        met += 1;
        if (met >= node.need) return true;
      } else if (node.kind === 'allOf') return false;
      if (met + children.length - i - 1 < node.need) return false;
    }
    return false;
  }

  /**
   * Every assignment for `node` from the current state, in search order, each applied in turn.
   * `future` marks the credentials what the search does after this node could use: when none
   * this node could take is among them, every further assignment of the node leaves the rest
   * of the search exactly as the first did, so only the first is tried.
   */
  private *solutions(
    node: CompiledNode,
    future: Uint8Array | undefined,
  ): Generator<undefined, void, undefined> {
    this.spend();
    const mark = this.trail.length;
    const partsMark = this.parts.length;
    const single = future === undefined || this.apart(node, future);
    switch (node.kind) {
      case 'achievement':
      case 'skill':
      case 'pathway':
        if (node.ref !== undefined && this.index.held.has(node.ref)) {
          this.log(node, mark);
          yield;
          this.undo(mark, partsMark);
          if (single) return;
        }
        for (const rank of this.candidates(node)) {
          if (this.taken[rank] === 1) continue;
          this.take(rank);
          this.log(node, mark);
          yield;
          this.undo(mark, partsMark);
          if (single) return;
        }
        return;
      case 'credits':
        if (this.creditsFirst(node)) {
          yield;
          this.undo(mark, partsMark);
        }
        return;
      case 'anyOf':
        for (const child of node.children) {
          if (!this.relaxed(child)) continue;
          for (const _ of this.solutions(child, future)) {
            this.log(node, mark);
            yield;
            this.parts.length -= 3;
            if (single) {
              this.undo(mark, partsMark);
              return;
            }
          }
        }
        return;
      default:
        for (const _ of this.combine(node, 0, node.need, future)) {
          this.log(node, mark);
          yield;
          this.parts.length -= 3;
          if (single) {
            this.undo(mark, partsMark);
            return;
          }
        }
    }
  }

  private *combine(
    node: CompiledNode,
    i: number,
    need: number,
    future: Uint8Array | undefined,
  ): Generator<undefined, void, undefined> {
    if (need === 0) {
      yield;
      return;
    }
    const child = node.children[i];
    if (child === undefined || this.relaxedFrom(node, i) < need) return;
    if (i > 0 && !this.plain && !this.feasible(node, i, need)) return;
    if (this.relaxed(child)) {
      const after = this.after(node, i + 1, future);
      for (const _ of this.solutions(child, after))
        yield* this.combine(node, i + 1, need - 1, future);
    }
    if (node.kind === 'nOf') yield* this.combine(node, i + 1, need, future);
  }

  /** `future` and every credential the children from `from` on could use. */
  private after(node: CompiledNode, from: number, future: Uint8Array | undefined): Uint8Array {
    const out = future === undefined ? new Uint8Array(this.creds.length) : future.slice();
    for (let j = from; j < node.children.length; j += 1) {
      const mask = this.reach(node.children[j]!);
      for (let r = 0; r < mask.length; r += 1) out[r] = out[r]! | mask[r]!;
    }
    return out;
  }

  /** Whether nothing available that `node` could use is marked in `future`. */
  private apart(node: CompiledNode, future: Uint8Array): boolean {
    const mask = this.reach(node);
    const taken = this.taken;
    for (let r = 0; r < mask.length; r += 1) {
      if (mask[r] === 1 && future[r] === 1 && taken[r] === 0) return false;
    }
    return true;
  }

  /** The credentials `node` could use at all (its leaves' candidates, a credits pool), by rank. */
  private reach(node: CompiledNode): Uint8Array {
    let mask = this.reachMemo[node.index];
    if (mask === undefined) {
      mask = new Uint8Array(this.creds.length);
      if (node.kind === 'credits') for (const r of this.pool(node)) mask[r] = 1;
      else if (node.children.length === 0) for (const r of this.candidates(node)) mask[r] = 1;
      else {
        for (const child of node.children) {
          const inner = this.reach(child);
          for (let r = 0; r < mask.length; r += 1) mask[r] = mask[r]! | inner[r]!;
        }
      }
      this.reachMemo[node.index] = mask;
    }
    return mask;
  }

  /** The flow bounds of `assignable`, on the current state. */
  private feasible(node: CompiledNode, from: number, need: number): boolean {
    // A bound costs as much as several plain steps, and the budget is meant as time.
    this.spend(4);
    return assignable(this.matching, this.taken, node, from, need);
  }

  /**
   * Whether `node` could be met if one credential could serve several requirements, over every
   * counted credential: what a rule language without assignment decides. Only prunes.
   */
  private relaxed(node: CompiledNode): boolean {
    this.relaxedMemo ??= new Int8Array(this.compiled.nodes.length);
    const memo = this.relaxedMemo[node.index];
    if (memo !== 0) return memo === 1;
    let ok: boolean;
    switch (node.kind) {
      case 'achievement':
      case 'skill':
      case 'pathway':
        ok =
          (node.ref !== undefined && this.index.held.has(node.ref)) ||
          this.candidates(node).length > 0;
        break;
      case 'credits': {
        let total = 0;
        ok = false;
        for (const r of this.pool(node)) {
          total += this.creds[r]!.credits;
          if (total >= (node.creditsNeeded ?? 0)) {
            ok = true;
            break;
          }
        }
        break;
      }
      case 'anyOf':
        ok = node.children.some((child) => this.relaxed(child));
        break;
      default:
        ok = this.relaxedFrom(node, 0) >= node.need;
    }
    this.relaxedMemo[node.index] = ok ? 1 : 2;
    return ok;
  }

  private relaxedFrom(node: CompiledNode, i: number): number {
    let count = 0;
    for (let j = i; j < node.children.length; j += 1)
      if (this.relaxed(node.children[j]!)) count += 1;
    return count;
  }

  /** The earliest-issued available prefix of the pool reaching the credits needed. */
  private creditsFirst(node: CompiledNode): boolean {
    const mark = this.trail.length;
    const need = node.creditsNeeded ?? 0;
    let total = 0;
    for (const rank of this.pool(node)) {
      if (this.taken[rank] === 1) continue;
      total += this.creds[rank]!.credits;
      this.take(rank);
      if (total >= need) {
        this.log(node, mark);
        return true;
      }
    }
    this.undo(mark, this.parts.length);
    return false;
  }

  /** The earliest available rank fitting a leaf, or -1; scans the index without building lists. */
  private leafFirst(node: CompiledNode): number {
    const memo = this.matching.known(node);
    if (memo !== undefined) {
      for (const r of memo) if (this.taken[r] === 0) return r;
      return -1;
    }
    const index = this.index;
    if (node.skill) return this.scan(node, index.withSkill(node.skill.framework, node.skill.code));
    if (node.ref !== undefined) return this.scan(node, index.withAchievement(node.ref));
    let best = -1;
    for (const id of node.acceptList ?? NO_IDS) {
      const r = this.scan(node, index.withAchievement(id));
      if (r >= 0 && (best < 0 || r < best)) best = r;
    }
    return best;
  }

  private scan(node: CompiledNode, list: readonly number[]): number {
    const taken = this.taken;
    if (!node.constrained) {
      for (const r of list) if (taken[r] === 0) return r;
      return -1;
    }
    for (const r of list) if (taken[r] === 0 && this.matching.fits(node, r)) return r;
    return -1;
  }

  private spend(steps = 1): void {
    this.steps += steps;
    if (this.steps > SEARCH_BUDGET) throw BUDGET_SPENT;
  }

  private take(rank: number): void {
    this.taken[rank] = 1;
    this.trail.push(rank);
  }

  private log(node: CompiledNode, mark: number): void {
    this.parts.push(node.index, mark, this.trail.length);
  }

  private undo(mark: number, partsMark: number): void {
    const { trail, taken } = this;
    while (trail.length > mark) taken[trail.pop()!] = 0;
    this.parts.length = partsMark;
  }
}
