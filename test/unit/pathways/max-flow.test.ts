import { describe, expect, it } from 'vitest';
import { FlowNetwork } from '#pathways/max-flow.ts';

/** Two requirements and three credentials: r1 fits c1 or c2, r2 fits c1 only. */
function assignment(costs: [number, number, number] = [0, 0, 0]) {
  const net = new FlowNetwork();
  const [s, t, r1, r2, c1, c2, c3] = Array.from({ length: 7 }, () => net.vertex()) as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  net.edge(s, r1, 1);
  net.edge(s, r2, 1);
  net.edge(r1, c1, 1);
  net.edge(r1, c2, 1);
  net.edge(r2, c1, 1);
  for (const [i, c] of [c1, c2, c3].entries()) net.edge(c, t, 1, costs[i]);
  return { net, s, t };
}

describe('FlowNetwork', () => {
  it('reroutes an earlier path to let a later one through', () => {
    const { net, s, t } = assignment();
    expect(net.maxFlow(s, t, 5)).toBe(2);
  });

  it('stops at the flow wanted', () => {
    const { net, s, t } = assignment();
    expect(net.maxFlow(s, t, 1)).toBe(1);
  });

  it('finds the cheapest flow of a given size', () => {
    expect(assignment([5, 1, 0]).net.minCostFlow(0, 1, 2)).toEqual({ flow: 2, cost: 6 });
    expect(assignment([5, 1, 0]).net.minCostFlow(0, 1, 1)).toEqual({ flow: 1, cost: 1 });
  });

  it('reports the flow that fits when less than wanted', () => {
    const net = new FlowNetwork();
    const [s, t] = [net.vertex(), net.vertex()];
    net.edge(s, t, 3, 2);
    expect(net.minCostFlow(s, t, 5)).toEqual({ flow: 3, cost: 6 });
  });
});
