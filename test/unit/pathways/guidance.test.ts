import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compilePathway } from '#pathways/compile.ts';
import { evaluate } from '#pathways/evaluate.ts';
import { nextSteps, whatIf } from '#pathways/guidance.ts';
import type { PathwayNode } from '#pathways/rule-types.ts';
import { cred, NOW, pathway } from './fixtures.ts';

const ach = (a: string) => ({ achievement: a });

describe('nextSteps', () => {
  it('lists only the cheapest way through anyOf and nOf', () => {
    const compiled = compilePathway(
      pathway({
        allOf: [
          {
            anyOf: [
              { allOf: [ach('x1'), ach('x2')] },
              { achievement: 'y', alternatives: ['y-old'] },
            ],
          },
          { nOf: { n: 2, of: [{ allOf: [ach('p'), ach('q')] }, ach('r'), ach('s')] } },
          { credits: { atLeast: 5 } },
        ],
      }),
    );
    // The one credential fills the nOf's 'r', so the allOf's credits sibling may not count it.
    const r = evaluate(
      compiled,
      { credentials: [cred('c', 'r', { creditsEarned: 2 })] },
      { now: NOW },
    );
    expect(nextSteps(compiled, r)).toEqual([
      {
        kind: 'achievement',
        path: '/root/allOf/0/anyOf/1',
        achievementId: 'y',
        alternatives: ['y-old'],
        constraints: {},
        instead: ['/root/allOf/0/anyOf/0'],
      },
      {
        kind: 'achievement',
        path: '/root/allOf/1/nOf/of/2',
        achievementId: 's',
        alternatives: [],
        constraints: {},
        instead: ['/root/allOf/1/nOf/of/0'],
      },
      { kind: 'credits', path: '/root/allOf/2', creditsNeeded: 5, constraints: {}, instead: [] },
    ]);
  });

  it('is empty once satisfied', () => {
    const compiled = compilePathway(pathway(ach('a')));
    expect(
      nextSteps(compiled, evaluate(compiled, { credentials: [cred('c', 'a')] }, { now: NOW })),
    ).toEqual([]);
  });

  it('completes the pathway when its steps are earned (what-if)', () => {
    const compiled = compilePathway(
      pathway({
        nOf: { n: 2, of: [ach('a'), { skill: { framework: 'ESCO', code: 's' } }, ach('b')] },
      }),
    );
    const learner = { credentials: [cred('c', 'b')] };
    const steps = nextSteps(compiled, evaluate(compiled, learner, { now: NOW }));
    expect(steps.map((s) => s.path)).toEqual(['/root/nOf/of/0']);
    const w = whatIf(compiled, learner, [cred('h', 'a')], { now: NOW });
    expect([w.evaluation.satisfied, w.usedHypothetical, w.progressDelta]).toEqual([
      true,
      ['h'],
      50,
    ]);
  });
});

// Monotone pathways (no before constraints) over a small alphabet.
const leafArb = fc.constantFrom<PathwayNode>(
  ach('a'),
  ach('b'),
  ach('c'),
  { skill: { framework: 'F', code: 's' } },
  { credits: { atLeast: 2 } },
);
const nodeArb: fc.Arbitrary<PathwayNode> = fc.letrec<{ node: PathwayNode }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leafArb,
    fc.array(tie('node'), { minLength: 1, maxLength: 3 }).map((allOf) => ({ allOf })),
    fc.array(tie('node'), { minLength: 1, maxLength: 3 }).map((anyOf) => ({ anyOf })),
    fc
      .array(tie('node'), { minLength: 1, maxLength: 3 })
      .chain((of) => fc.integer({ min: 1, max: of.length }).map((n) => ({ nOf: { n, of } }))),
  ),
})).node;
const credArb = fc.record({
  achievementId: fc.constantFrom('a', 'b', 'c', 'd'),
  skill: fc.boolean(),
  credits: fc.integer({ min: 0, max: 2 }),
  day: fc.integer({ min: 1, max: 28 }),
});
const toCred = (
  c: { achievementId: string; skill: boolean; credits: number; day: number },
  i: number,
  prefix = 'c',
) =>
  cred(`${prefix}${i}`, c.achievementId, {
    issuedAt: `2026-02-${String(c.day).padStart(2, '0')}T00:00:00Z`,
    alignments: c.skill ? [{ framework: 'F', code: 's' }] : [],
    creditsEarned: c.credits,
  });

describe('evaluate (property)', () => {
  it('adding a credential never unsatisfies a satisfied monotone pathway', () => {
    let satisfiedRuns = 0;
    fc.assert(
      fc.property(nodeArb, fc.array(credArb, { maxLength: 6 }), credArb, (root, creds, extra) => {
        const compiled = compilePathway(pathway(root));
        const credentials = creds.map((c, i) => toCred(c, i));
        const before = evaluate(compiled, { credentials }, { now: NOW });
        if (!before.satisfied) return;
        satisfiedRuns += 1;
        const after = evaluate(
          compiled,
          { credentials: [...credentials, toCred(extra, 0, 'x')] },
          { now: NOW },
        );
        expect(after.satisfied).toBe(true);
      }),
      { numRuns: 400, seed: 20260601 },
    );
    // The property must have been exercised on satisfied pathways, not vacuously.
    expect(satisfiedRuns).toBeGreaterThan(100);
  });
});
