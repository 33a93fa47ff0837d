import { describe, expect, it } from 'vitest';
import { check } from '#pathways/check.ts';
import { compilePathway } from '#pathways/compile.ts';
import { indexLearner } from '#pathways/learner-index.ts';
import type { EvaluatedCredential, PathwayNode } from '#pathways/rule-types.ts';
import { isCredstackError } from '#shared/core/errors.ts';
import { cred, NOW, pathway } from './fixtures.ts';

const skill = (code: string) => ({ skill: { framework: 'ESCO', code } });
const aligned = (id: string, code: string, extra: Partial<EvaluatedCredential> = {}) =>
  cred(id, 'z', { alignments: [{ framework: 'ESCO', code }], ...extra });
const verdict = (root: PathwayNode, credentials: EvaluatedCredential[], held: string[] = []) =>
  check(compilePathway(pathway(root)), indexLearner(credentials, NOW, { heldPathways: held }));

describe('check', () => {
  it('returns the credentials used, earliest issued first', () => {
    const root = { allOf: [{ achievement: 'b' }, { achievement: 'a' }] };
    const r = verdict(root, [
      cred('late-b', 'b', { issuedAt: '2026-03-01T00:00:00Z' }),
      cred('early-a', 'a', { issuedAt: '2025-03-01T00:00:00Z' }),
      cred('early-b', 'b', { issuedAt: '2025-06-01T00:00:00Z' }),
    ]);
    expect(r).toEqual({ satisfied: true, contributing: ['early-a', 'early-b'], exhaustive: true });
  });

  it('returns no credentials when the pathway is not met', () => {
    expect(
      verdict({ allOf: [{ achievement: 'a' }, { achievement: 'b' }] }, [cred('x', 'a')]),
    ).toEqual({ satisfied: false, contributing: [], exhaustive: true });
  });

  it('reassigns when the first choice of an earlier requirement blocks a later one', () => {
    // Greedy: the nOf takes x (earliest) for s1, leaving nothing for the allOf's achievement.
    const root = {
      allOf: [{ nOf: { n: 1, of: [skill('s1'), skill('s2')] } }, { achievement: 'z' }],
    };
    const x = aligned('x', 's1', { issuedAt: '2025-01-01T00:00:00Z' });
    const y = cred('y', 'q', {
      alignments: [{ framework: 'ESCO', code: 's2' }],
      issuedAt: '2025-02-01T00:00:00Z',
    });
    expect(verdict(root, [x, y]).contributing).toEqual(['x', 'y']);
    expect(verdict(root, [x]).satisfied).toBe(false);
  });

  it('lets anyOf alternatives and a credits pool see every credential left to them', () => {
    const root = {
      allOf: [
        { anyOf: [{ achievement: 'a' }, skill('s')] },
        { credits: { atLeast: 3, of: { anyOf: [{ achievement: 'a' }, skill('s')] } } },
      ],
    };
    const creds = [
      cred('a1', 'a', { creditsEarned: 2, issuedAt: '2025-01-01T00:00:00Z' }),
      aligned('s1', 's', { creditsEarned: 1, issuedAt: '2025-02-01T00:00:00Z' }),
      aligned('s2', 's', { creditsEarned: 2, issuedAt: '2025-03-01T00:00:00Z' }),
    ];
    expect(verdict(root, creds).contributing).toEqual(['a1', 's1', 's2']);
    expect(verdict(root, creds.slice(0, 2)).satisfied).toBe(false);
  });

  it('meets a sub-pathway the learner holds without a credential', () => {
    const root = { allOf: [{ pathway: 'urn:pathway:sub' }, { achievement: 'a' }] };
    expect(verdict(root, [cred('x', 'a')], ['urn:pathway:sub']).contributing).toEqual(['x']);
    expect(verdict(root, [cred('x', 'a')]).satisfied).toBe(false);
  });

  it('applies trust lists from the context', () => {
    const compiled = compilePathway(pathway({ achievement: 'a', issuers: { trustList: 'acc' } }));
    const index = indexLearner([cred('x', 'a', { issuerId: 'did:web:good' })], NOW);
    expect(check(compiled, index).satisfied).toBe(false);
    expect(check(compiled, index, { trustLists: { acc: ['did:web:good'] } }).satisfied).toBe(true);
  });

  it('checks a pathway against an index limited to it, and refuses any other', () => {
    const a = compilePathway(pathway({ achievement: 'a' }));
    const b = compilePathway(pathway({ achievement: 'b' }, { id: 'urn:pathway:b' }));
    const index = indexLearner([cred('x', 'a'), cred('y', 'b')], NOW, { pathways: [a] });
    expect(index.credentials.map((c) => c.id)).toEqual(['x']);
    expect(check(a, index).contributing).toEqual(['x']);
    let thrown: unknown;
    try {
      check(b, index);
    } catch (error) {
      thrown = error;
    }
    expect(isCredstackError(thrown, 'INPUT_MALFORMED')).toBe(true);
  });
});
