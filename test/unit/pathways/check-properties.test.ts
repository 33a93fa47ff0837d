import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { check } from '#pathways/check.ts';
import { compilePathway } from '#pathways/compile.ts';
import { evaluate } from '#pathways/evaluate.ts';
import { indexLearner } from '#pathways/learner-index.ts';
import { Solver } from '#pathways/solver.ts';
import { buildTriggerIndex } from '#pathways/trigger-index.ts';
import { type Case, caseArb } from './arbitraries.ts';
import { referenceVerdict } from './reference.ts';

const RUNS = { numRuns: 400 };

const verdictOf = (
  compiled: ReturnType<typeof compilePathway>,
  credentials: Case['credentials'],
  context: Case['context'],
) =>
  check(compiled, indexLearner(credentials, context.now, { heldPathways: context.heldPathways }), {
    trustLists: context.trustLists,
  });

describe('check (properties)', () => {
  it('gives the verdict and the credentials of evaluate', () => {
    fc.assert(
      fc.property(caseArb, ({ pathway, credentials, context }) => {
        const compiled = compilePathway(pathway);
        const verdict = verdictOf(compiled, credentials, context);
        const evaluation = evaluate(compiled, { credentials }, context);
        expect(verdict.exhaustive && evaluation.exhaustive).toBe(true);
        expect(verdict.satisfied).toBe(evaluation.satisfied);
        if (verdict.satisfied) expect(verdict.contributing).toEqual(evaluation.contributing);
        else expect(verdict.contributing).toEqual([]);
      }),
      RUNS,
    );
  });

  it('agrees with a plain depth-first search over every assignment', () => {
    fc.assert(
      fc.property(caseArb, ({ pathway, credentials, context }) => {
        const compiled = compilePathway(pathway);
        const expected = referenceVerdict(compiled, credentials, context);
        const verdict = verdictOf(compiled, credentials, context);
        expect({ satisfied: verdict.satisfied, contributing: verdict.contributing }).toEqual(
          expected,
        );
      }),
      RUNS,
    );
  });

  it('finds the same first assignment with the greedy walk and bounds as without them', () => {
    fc.assert(
      fc.property(caseArb, ({ pathway, credentials, context }) => {
        const compiled = compilePathway(pathway);
        const index = indexLearner(credentials, context.now, {
          heldPathways: context.heldPathways,
        });
        const trustLists = { trustLists: context.trustLists };
        const plain = new Solver(compiled, index, trustLists, { plain: true });
        const fast = new Solver(compiled, index, trustLists);
        const expected = referenceVerdict(compiled, credentials, context);
        for (const solver of [plain, fast]) {
          const met = solver.solve(compiled.root);
          const ids = met ? solver.solution().used.map((r) => index.credentials[r]!.id) : [];
          expect({ satisfied: met, contributing: ids }).toEqual(expected);
        }
        if (expected.satisfied) expect(fast.solution()).toEqual(plain.solution());
      }),
      RUNS,
    );
  });

  it('returns a valid assignment: distinct counted credentials that meet the pathway alone', () => {
    fc.assert(
      fc.property(caseArb, ({ pathway, credentials, context }) => {
        const compiled = compilePathway(pathway);
        const index = indexLearner(credentials, context.now, {
          heldPathways: context.heldPathways,
        });
        const verdict = check(compiled, index, { trustLists: context.trustLists });
        fc.pre(verdict.satisfied);
        const counted = new Map(index.credentials.map((c) => [c.id, c.source]));
        expect(new Set(verdict.contributing).size).toBe(verdict.contributing.length);
        const used = verdict.contributing.map((id) => counted.get(id));
        expect(used.every((c) => c !== undefined)).toBe(true);
        const alone = referenceVerdict(compiled, used as never, context);
        expect(alone.satisfied).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('is reached through the trigger index by any credential that changes its verdict', () => {
    fc.assert(
      fc.property(caseArb, ({ pathway, credentials, arriving, context }) => {
        const compiled = compilePathway(pathway);
        const before = verdictOf(compiled, credentials, context);
        const after = verdictOf(compiled, [...credentials, arriving], context);
        fc.pre(before.satisfied !== after.satisfied);
        expect(buildTriggerIndex([compiled]).affectedBy(arriving)).toEqual([pathway.id]);
      }),
      { numRuns: 300 },
    );
  });
});
