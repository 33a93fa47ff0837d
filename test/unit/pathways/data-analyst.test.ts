import { describe, expect, it } from 'vitest';
import { compilePathway } from '#pathways/compile.ts';
import { evaluate } from '#pathways/evaluate.ts';
import { nextSteps, whatIf } from '#pathways/guidance.ts';
import type { Pathway } from '#pathways/rule-types.ts';
import { validatePathway } from '#pathways/validate.ts';
import { cred, NOW } from './fixtures.ts';

const BADGES = ['sql', 'excel', 'viz', 'stats', 'python'].map((b) => `urn:ach:${b}`);
const ACCREDITED = 'did:web:accredited.example';
const trustLists = { accredited: [ACCREDITED] };

// Three of five data badges within two years, at least one of them from an accredited issuer:
// one accredited badge plus two more distinct ones (a credential fills one requirement only).
const DATA_ANALYST: Pathway = {
  format: 'credstack-pathway/1',
  id: 'urn:pathway:data-analyst-foundations',
  version: '2026.1',
  name: 'Data Analyst Foundations',
  issuerId: 'did:web:credstack.example',
  policy: { onLapse: 'suspend' },
  root: {
    allOf: [
      {
        label: 'accredited',
        anyOf: BADGES.map((a) => ({
          achievement: a,
          within: 'P2Y',
          issuers: { trustList: 'accredited' },
        })),
      },
      {
        label: 'more badges',
        milestone: 'urn:ach:data-explorer',
        nOf: { n: 2, of: BADGES.map((a) => ({ achievement: a, within: 'P2Y' })) },
      },
      {
        label: 'electives',
        credits: {
          atLeast: 6,
          of: {
            anyOf: [
              { skill: { framework: 'ESCO', code: 'S5.5.1' } },
              { achievement: 'urn:ach:capstone' },
            ],
          },
        },
      },
    ],
  },
};

const learner = [
  cred('c-sql', 'urn:ach:sql', { issuerId: ACCREDITED, issuedAt: '2025-03-01T00:00:00Z' }),
  cred('c-viz', 'urn:ach:viz', { issuedAt: '2025-04-01T00:00:00Z' }),
  cred('c-stats', 'urn:ach:stats', { issuedAt: '2025-05-01T00:00:00Z' }),
  cred('c-el1', 'urn:ach:course-1', {
    issuedAt: '2025-06-01T00:00:00Z',
    alignments: [{ framework: 'ESCO', code: 'S5.5.1' }],
    creditsEarned: 3,
  }),
  cred('c-cap', 'urn:ach:capstone', { issuedAt: '2025-07-01T00:00:00Z', creditsAvailable: 4 }),
];

describe('Data Analyst Foundations', () => {
  const compiled = compilePathway(DATA_ANALYST);

  it('validates against the schema', () => {
    expect(validatePathway(DATA_ANALYST)).toEqual({ ok: true, pathway: DATA_ANALYST });
  });

  it('is satisfied by an accredited badge, two more badges and 7 elective credits', () => {
    const r = evaluate(compiled, { credentials: learner }, { now: NOW, trustLists });
    expect(r.satisfied).toBe(true);
    expect(r.progress).toBe(100);
    expect(r.contributing).toEqual(['c-sql', 'c-viz', 'c-stats', 'c-el1', 'c-cap']);
    expect(r.milestonesEarned).toEqual(['urn:ach:data-explorer']);
    expect(r.root.children.map((c) => [c.label, c.usedCredentials, c.kOfN])).toEqual([
      ['accredited', ['c-sql'], { have: 1, need: 1 }],
      ['more badges', ['c-viz', 'c-stats'], { have: 2, need: 2 }],
      ['electives', ['c-el1', 'c-cap'], { have: 7, need: 6 }],
    ]);
  });

  it('is not satisfied without the trust list, and says what is missing', () => {
    const r = evaluate(compiled, { credentials: learner }, { now: NOW });
    expect(r.satisfied).toBe(false);
    expect(r.root.kOfN).toEqual({ have: 2, need: 3 });
    expect(r.progress).toBe(66);
    expect(nextSteps(compiled, r).map((s) => [s.kind, s.path])).toEqual([
      ['achievement', '/root/allOf/0/anyOf/0'],
    ]);
  });

  it('does not count badges older than two years', () => {
    const old = learner.map((c) =>
      c.id === 'c-viz' ? { ...c, issuedAt: '2024-05-01T00:00:00Z' } : c,
    );
    const r = evaluate(compiled, { credentials: old }, { now: NOW, trustLists });
    expect(r.satisfied).toBe(false);
    expect(r.root.children[1]?.kOfN).toEqual({ have: 1, need: 2 });
  });

  it('what-if: one more badge completes it, leaving the learner untouched', () => {
    const without = learner.filter((c) => c.id !== 'c-stats');
    const frozen = Object.freeze([...without]);
    const planned = cred('plan-python', 'urn:ach:python', { issuedAt: '2026-05-01T00:00:00Z' });
    const w = whatIf(compiled, { credentials: frozen }, [planned], { now: NOW, trustLists });
    expect(w.evaluation.satisfied).toBe(true);
    expect(w.usedHypothetical).toEqual(['plan-python']);
    expect(w.newlySatisfied).toEqual(['/root', '/root/allOf/1', '/root/allOf/1/nOf/of/4']);
    expect(w.progressDelta).toBe(100 - 83);
    expect(frozen).toHaveLength(4);
  });
});
