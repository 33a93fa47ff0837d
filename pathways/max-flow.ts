/**
 * A small directed flow network with integer capacities and optional edge costs, for the
 * assignment bounds of the pathway search. Vertices are numbers handed out by `vertex()`;
 * flows stay small (a pathway's credential demand), so augmenting one path at a time is fast
 * enough.
 *
 * @example
 * const net = new FlowNetwork();
 * const [source, sink] = [net.vertex(), net.vertex()];
 * net.edge(source, sink, 2);
 * net.maxFlow(source, sink, 2); // 2
 */
export class FlowNetwork {
  private readonly head: number[] = [];
  private readonly to: number[] = [];
  private readonly cap: number[] = [];
  private readonly cost: number[] = [];
  private readonly next: number[] = [];
  private seen: number[] = [];
  private stamp = 0;

  /** A new vertex. */
  vertex(): number {
    this.head.push(-1);
    return this.head.length - 1;
  }

  /** An edge `from → to` of capacity `capacity` and cost per unit `cost` (and its residual twin). */
  edge(from: number, to: number, capacity: number, cost = 0): void {
    this.link(from, to, capacity, cost);
    this.link(to, from, 0, -cost);
  }

  /**
   * Pushes flow from `source` to `sink` until `wanted` units pass or no path is left, and
   * returns how many passed (costs are ignored).
   *
   * @example
   * const net = new FlowNetwork();
   * const [s, t] = [net.vertex(), net.vertex()];
   * net.edge(s, t, 3);
   * net.maxFlow(s, t, 5); // 3
   */
  maxFlow(source: number, sink: number, wanted: number): number {
    let flow = 0;
    if (this.seen.length < this.head.length) this.seen = new Array(this.head.length).fill(0);
    while (flow < wanted) {
      this.stamp += 1;
      const pushed = this.augment(source, sink, wanted - flow);
      if (pushed === 0) break;
      flow += pushed;
    }
    return flow;
  }

  /**
   * Pushes up to `wanted` units along cheapest paths (costs must be non-negative), and returns
   * the flow that passed and its least total cost.
   *
   * @example
   * const net = new FlowNetwork();
   * const [s, a, b, t] = [net.vertex(), net.vertex(), net.vertex(), net.vertex()];
   * net.edge(s, a, 1); net.edge(s, b, 1); net.edge(a, t, 1, 5); net.edge(b, t, 1, 2);
   * net.minCostFlow(s, t, 1); // { flow: 1, cost: 2 }
   */
  minCostFlow(source: number, sink: number, wanted: number): { flow: number; cost: number } {
    const size = this.head.length;
    let flow = 0;
    let cost = 0;
    const dist = new Float64Array(size);
    const via = new Int32Array(size);
    const queued = new Uint8Array(size);
    while (flow < wanted) {
      // Shortest path by label correction: residual twins carry negative costs.
      dist.fill(Number.POSITIVE_INFINITY);
      via.fill(-1);
      dist[source] = 0;
      const queue = [source];
      queued[source] = 1;
      for (let q = 0; q < queue.length; q += 1) {
        const at = queue[q]!;
        queued[at] = 0;
        for (let e = this.head[at]!; e !== -1; e = this.next[e]!) {
          if (this.cap[e]! <= 0) continue;
          const to = this.to[e]!;
          const d = dist[at]! + this.cost[e]!;
          if (d < dist[to]! - 1e-9) {
            dist[to] = d;
            via[to] = e;
            if (queued[to] === 0) {
              queued[to] = 1;
              queue.push(to);
            }
          }
        }
      }
      if (via[sink] === -1) break;
      let pushed = wanted - flow;
      for (let v = sink; v !== source; v = this.to[via[v]! ^ 1]!) {
        pushed = Math.min(pushed, this.cap[via[v]!]!);
      }
      for (let v = sink; v !== source; v = this.to[via[v]! ^ 1]!) {
        const e = via[v]!;
        this.cap[e] = this.cap[e]! - pushed;
        this.cap[e ^ 1] = this.cap[e ^ 1]! + pushed;
      }
      flow += pushed;
      cost += pushed * dist[sink]!;
    }
    return { flow, cost };
  }

  private link(from: number, to: number, capacity: number, cost: number): void {
    this.to.push(to);
    this.cap.push(capacity);
    this.cost.push(cost);
    this.next.push(this.head[from]!);
    this.head[from] = this.to.length - 1;
  }

  /** One augmenting path by depth-first search; the amount it carried (0 when none). */
  private augment(at: number, sink: number, limit: number): number {
    if (at === sink) return limit;
    this.seen[at] = this.stamp;
    for (let e = this.head[at]!; e !== -1; e = this.next[e]!) {
      const cap = this.cap[e]!;
      const to = this.to[e]!;
      if (cap <= 0 || this.seen[to] === this.stamp) continue;
      const pushed = this.augment(to, sink, Math.min(limit, cap));
      if (pushed > 0) {
        this.cap[e] = cap - pushed;
        this.cap[e ^ 1] = this.cap[e ^ 1]! + pushed;
        return pushed;
      }
    }
    return 0;
  }
}
