import type { CompiledNode } from './compile.ts';
import type { Matching } from './matching.ts';
import { FlowNetwork } from './max-flow.ts';

const NONE = Number.POSITIVE_INFINITY;

/**
 * Whether `need` of the children of `node` from `from` on could be met with distinct
 * available credentials (`taken[rank] === 0`), judged by flow networks. In the first, each
 * child asks for the fewest credentials it could be met with and may draw them from any
 * credential fitting one of its leaves. In the second, one per credits node that every
 * assignment includes, the other requirements take their credentials at the least cost in that
 * node's pool credits, and what is left of the pool must still reach its target. Every real
 * assignment is such a flow, so "no" is certain; "yes" only lets a search go on.
 *
 * @example
 * if (!assignable(matching, taken, root, 0, root.need)) return false; // no assignment exists
 */
export function assignable(
  matching: Matching,
  taken: Uint8Array,
  node: CompiledNode,
  from: number,
  need: number,
): boolean {
  const bound = new Bound(matching, taken);
  const demands = new Map<number, number>();
  const total = bound.demandOf(node, from, need, demands, false);
  if (total === NONE) return false;
  if (total === 0) return true;
  if (bound.route(node, from, demands, total).flow < total) return false;
  // Only a credits node every assignment includes: one reached through groups needing all
  // their children.
  const pools: CompiledNode[] = [];
  const collect = (x: CompiledNode): void => {
    if (x.kind === 'credits') pools.push(x);
    else if (x.kind !== 'anyOf' && x.need === x.children.length) x.children.forEach(collect);
  };
  if (need === node.children.length - from) {
    for (let i = from; i < node.children.length; i += 1) collect(node.children[i]!);
  }
  if (pools.length === 0) return true;
  const others = new Map<number, number>();
  const rest = bound.demandOf(node, from, need, others, true);
  const credits = matching.credentials;
  for (const pool of pools) {
    const inPool = new Uint8Array(credits.length);
    let sum = 0;
    for (const r of matching.pool(pool)) {
      inPool[r] = 1;
      if (taken[r] === 0) sum += credits[r]!.credits;
    }
    const spent =
      rest === 0
        ? 0
        : bound.route(node, from, others, rest, (r) => (inPool[r] === 1 ? credits[r]!.credits : 0))
            .cost;
    const needed = pool.creditsNeeded ?? 0;
    if (sum - spent < needed - 1e-9 * Math.max(1, needed)) return false;
  }
  return true;
}

class Bound {
  private readonly matching: Matching;
  private readonly taken: Uint8Array;

  constructor(matching: Matching, taken: Uint8Array) {
    this.matching = matching;
    this.taken = taken;
  }

  /** The demand of `need` children from `from` on (credits nodes count 0 when `noCredits`). */
  demandOf(
    node: CompiledNode,
    from: number,
    need: number,
    demands: Map<number, number>,
    noCredits: boolean,
  ): number {
    const wanted: number[] = [];
    for (let i = from; i < node.children.length; i += 1) {
      const d = this.demand(node.children[i]!, demands, noCredits);
      if (d !== NONE) wanted.push(d);
      else if (node.kind === 'allOf') return NONE;
    }
    if (wanted.length < need) return NONE;
    wanted.sort((a, b) => a - b);
    let total = 0;
    for (let i = 0; i < need; i += 1) total += wanted[i]!;
    return total;
  }

  /** Flow of `total` units from the children from `from` on to distinct available credentials. */
  route(
    node: CompiledNode,
    from: number,
    demands: ReadonlyMap<number, number>,
    total: number,
    costOf?: (rank: number) => number,
  ): { flow: number; cost: number } {
    const { matching, taken } = this;
    const net = new FlowNetwork();
    const source = net.vertex();
    const sink = net.vertex();
    const top = net.vertex();
    const vertexOf = new Int32Array(matching.credentials.length).fill(-1);
    const credential = (rank: number): number => {
      let v = vertexOf[rank]!;
      if (v < 0) {
        v = net.vertex();
        vertexOf[rank] = v;
        net.edge(v, sink, 1, costOf ? costOf(rank) : 0);
      }
      return v;
    };
    const add = (x: CompiledNode, parent: number): void => {
      const d = demands.get(x.index) ?? 0;
      if (d === 0 || d === NONE) return;
      const v = net.vertex();
      net.edge(parent, v, d);
      if (x.kind === 'credits' || x.children.length === 0) {
        const ranks = x.kind === 'credits' ? matching.pool(x) : matching.candidates(x);
        for (const r of ranks) if (taken[r] === 0) net.edge(v, credential(r), 1);
      } else {
        for (const child of x.children) add(child, v);
      }
    };
    net.edge(source, top, total);
    for (let i = from; i < node.children.length; i += 1) add(node.children[i]!, top);
    return costOf
      ? net.minCostFlow(source, sink, total)
      : { flow: net.maxFlow(source, sink, total), cost: 0 };
  }

  /** Fewest available credentials that could meet `node` (NONE when none could). */
  private demand(node: CompiledNode, memo: Map<number, number>, noCredits: boolean): number {
    const known = memo.get(node.index);
    if (known !== undefined) return known;
    const { matching, taken } = this;
    let d = NONE;
    switch (node.kind) {
      case 'achievement':
      case 'skill':
      case 'pathway':
        if (node.ref !== undefined && matching.index.held.has(node.ref)) d = 0;
        else if (matching.candidates(node).some((r) => taken[r] === 0)) d = 1;
        break;
      case 'credits': {
        if (noCredits) {
          d = 0;
          break;
        }
        const values = matching
          .pool(node)
          .filter((r) => taken[r] === 0)
          .map((r) => matching.credentials[r]!.credits)
          .sort((a, b) => b - a);
        const needed = node.creditsNeeded ?? 0;
        let total = 0;
        for (const [i, value] of values.entries()) {
          total += value;
          if (total >= needed) {
            d = i + 1;
            break;
          }
        }
        break;
      }
      case 'allOf':
        d = 0;
        for (const child of node.children) d += this.demand(child, memo, noCredits);
        break;
      default: {
        const each = node.children
          .map((child) => this.demand(child, memo, noCredits))
          .filter((x) => x !== NONE)
          .sort((a, b) => a - b);
        const need = node.kind === 'anyOf' ? 1 : node.need;
        if (each.length >= need) d = each.slice(0, need).reduce((s, x) => s + x, 0);
      }
    }
    memo.set(node.index, d);
    return d;
  }
}
