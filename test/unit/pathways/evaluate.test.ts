import { describe, expect, it } from 'vitest';
import { compilePathway } from '#pathways/compile.ts';
import { evaluate } from '#pathways/evaluate.ts';
import type { EvaluatedCredential, PathwayNode } from '#pathways/rule-types.ts';
import { isCredstackError } from '#shared/core/errors.ts';
import { cred, NOW, pathway } from './fixtures.ts';

const run = (root: PathwayNode, credentials: EvaluatedCredential[], extra = {}) =>
  evaluate(compilePathway(pathway(root)), { credentials }, { now: NOW, ...extra });

describe('evaluate', () => {
  it('counts only verified, issuer-bound, unrevoked, unexpired credentials', () => {
    const root = { anyOf: [{ achievement: 'a' }] };
    const bad = [
      cred('u', 'a', { verified: false }),
      cred('b', 'a', { issuerBound: false }),
      cred('r', 'a', { revoked: true }),
      cred('e', 'a', { expired: true }),
      cred('v', 'a', { validUntil: '2026-05-31T00:00:00Z' }),
    ];
    const r = run(root, bad);
    expect(r.satisfied).toBe(false);
    expect(r.excluded).toEqual([
      { id: 'b', reason: 'not-issuer-bound' },
      { id: 'e', reason: 'expired' },
      { id: 'r', reason: 'revoked' },
      { id: 'u', reason: 'unverified' },
      { id: 'v', reason: 'expired' },
    ]);
    expect(run(root, [...bad, cred('ok', 'a')]).contributing).toEqual(['ok']);
  });

  it('accepts an alternative achievement as equivalent', () => {
    const root = { achievement: 'a', alternatives: ['a-legacy'] };
    expect(run(root, [cred('x', 'a-legacy')]).contributing).toEqual(['x']);
    expect(run(root, [cred('x', 'b')]).satisfied).toBe(false);
  });

  it('matches a skill leaf by alignment framework and code', () => {
    const root = { skill: { framework: 'O*NET-SOC', code: '15-2051.00' } };
    const aligned = cred('x', 'any', {
      alignments: [{ framework: 'O*NET-SOC', code: '15-2051.00' }],
    });
    const other = cred('y', 'any', { alignments: [{ framework: 'ESCO', code: '15-2051.00' }] });
    expect(run(root, [other, aligned]).contributing).toEqual(['x']);
  });

  it('satisfies a sub-pathway by its credential or by a held pathway', () => {
    const root = { pathway: 'urn:pathway:sub' };
    expect(run(root, [cred('p', 'urn:pathway:sub')]).contributing).toEqual(['p']);
    expect(run(root, [], { heldPathways: ['urn:pathway:sub'] }).satisfied).toBe(true);
    expect(run(root, [cred('p', 'urn:pathway:other')]).satisfied).toBe(false);
  });

  it('uses one credential for at most one requirement of an allOf', () => {
    const root = { allOf: [{ skill: { framework: 'ESCO', code: 's' } }, { achievement: 'a' }] };
    const both = cred('x', 'a', { alignments: [{ framework: 'ESCO', code: 's' }] });
    expect(run(root, [both]).satisfied).toBe(false);
    const r = run(root, [
      both,
      cred('y', 'b', {
        alignments: [{ framework: 'ESCO', code: 's' }],
        issuedAt: '2026-02-01T00:00:00Z',
      }),
    ]);
    expect(r.satisfied).toBe(true);
    expect(r.root.children.map((c) => c.usedCredentials)).toEqual([['y'], ['x']]);
  });

  it('finds a disjoint assignment that a greedy choice would miss', () => {
    const root = {
      allOf: [{ anyOf: [{ achievement: 'a' }, { achievement: 'b' }] }, { achievement: 'a' }],
    };
    const r = run(root, [cred('ca', 'a'), cred('cb', 'b', { issuedAt: '2026-02-01T00:00:00Z' })]);
    expect(r.satisfied).toBe(true);
    expect(r.root.children.map((c) => c.usedCredentials)).toEqual([['cb'], ['ca']]);
  });

  it('nOf needs n distinct credentials and prefers the earliest issued', () => {
    const root = {
      nOf: { n: 2, of: [{ achievement: 'a' }, { achievement: 'b' }, { achievement: 'c' }] },
    };
    expect(run(root, [cred('a1', 'a')]).root.kOfN).toEqual({ have: 1, need: 2 });
    const r = run(root, [
      cred('c1', 'c', { issuedAt: '2025-01-01T00:00:00Z' }),
      cred('a1', 'a', { issuedAt: '2025-06-01T00:00:00Z' }),
      cred('a0', 'a', { issuedAt: '2025-02-01T00:00:00Z' }),
    ]);
    expect(r.contributing).toEqual(['c1', 'a0']);
  });

  it('sums creditsEarned, else creditsAvailable', () => {
    const root = { credits: { atLeast: 5 } };
    const r = run(root, [
      cred('x', 'a', { creditsEarned: 2, creditsAvailable: 9 }),
      cred('y', 'b', { creditsAvailable: 3, issuedAt: '2026-02-01T00:00:00Z' }),
    ]);
    expect(r.satisfied).toBe(true);
    expect(r.root.kOfN).toEqual({ have: 5, need: 5 });
    const short = run(root, [cred('x', 'a', { creditsEarned: 2, creditsAvailable: 9 })]);
    expect([short.satisfied, short.progress]).toEqual([false, 40]);
  });

  it('compares numeric results and rubric levels', () => {
    const numeric = { achievement: 'a', minResult: { resultDescription: 'score', atLeast: '70' } };
    const withScore = (value: string) => [
      cred('x', 'a', { results: [{ resultDescription: 'score', value }] }),
    ];
    expect(run(numeric, withScore('70')).satisfied).toBe(true);
    expect(run(numeric, withScore('69.5')).satisfied).toBe(false);
    expect(run(numeric, withScore('n/a')).satisfied).toBe(false);
    const rubric = {
      achievement: 'a',
      minResult: { atLeast: 'proficient', levels: ['novice', 'proficient', 'expert'] },
    };
    expect(run(rubric, withScore('expert')).satisfied).toBe(true);
    expect(run(rubric, withScore('novice')).satisfied).toBe(false);
  });

  it('restricts issuers by list and by trust list', () => {
    const listed = { achievement: 'a', issuers: { anyOf: ['did:web:good'] } };
    expect(run(listed, [cred('x', 'a')]).satisfied).toBe(false);
    expect(run(listed, [cred('x', 'a', { issuerId: 'did:web:good' })]).satisfied).toBe(true);
    const trusted = { achievement: 'a', issuers: { trustList: 'acc' } };
    const x = [cred('x', 'a', { issuerId: 'did:web:good' })];
    expect(run(trusted, x).satisfied).toBe(false);
    expect(run(trusted, x, { trustLists: { acc: ['did:web:good'] } }).satisfied).toBe(true);
  });

  it('applies within as a window ending at the evaluation time', () => {
    const root = { achievement: 'a', within: 'P6M' };
    expect(run(root, [cred('x', 'a', { issuedAt: '2025-12-01T00:00:00Z' })]).satisfied).toBe(true);
    expect(run(root, [cred('x', 'a', { issuedAt: '2025-11-30T23:59:59Z' })]).satisfied).toBe(false);
    expect(run(root, [cred('x', 'a', { issuedAt: '2026-06-02T00:00:00Z' })]).satisfied).toBe(false);
  });

  it('requires order with before', () => {
    const root = {
      allOf: [
        { achievement: 'intro', before: 'advanced' },
        { label: 'advanced', achievement: 'adv' },
      ],
    };
    const early = cred('i', 'intro', { issuedAt: '2025-01-01T00:00:00Z' });
    const late = cred('i', 'intro', { issuedAt: '2025-09-01T00:00:00Z' });
    const adv = cred('v', 'adv', { issuedAt: '2025-06-01T00:00:00Z' });
    expect(run(root, [early, adv]).satisfied).toBe(true);
    expect(run(root, [late, adv]).satisfied).toBe(false);
    expect(run(root, [early]).satisfied).toBe(false);
  });

  it('reports every node with path, label and kOfN', () => {
    const root = {
      label: 'top',
      allOf: [
        { achievement: 'a' },
        { label: 'inner', milestone: 'm', anyOf: [{ achievement: 'b' }] },
      ],
    };
    const r = run(root, [cred('x', 'a')]);
    expect(r.root).toEqual({
      path: '/root',
      kind: 'allOf',
      label: 'top',
      satisfied: false,
      kOfN: { have: 1, need: 2 },
      progress: 50,
      usedCredentials: ['x'],
      children: [
        {
          path: '/root/allOf/0',
          kind: 'achievement',
          satisfied: true,
          kOfN: { have: 1, need: 1 },
          progress: 100,
          usedCredentials: ['x'],
          children: [],
        },
        {
          path: '/root/allOf/1',
          kind: 'anyOf',
          label: 'inner',
          milestone: 'm',
          satisfied: false,
          kOfN: { have: 0, need: 1 },
          progress: 0,
          usedCredentials: [],
          children: [
            {
              path: '/root/allOf/1/anyOf/0',
              kind: 'achievement',
              satisfied: false,
              kOfN: { have: 0, need: 1 },
              progress: 0,
              usedCredentials: [],
              children: [],
            },
          ],
        },
      ],
    });
    expect(r.milestonesEarned).toEqual([]);
  });

  it('is deterministic whatever the input order', () => {
    const root = {
      nOf: {
        n: 2,
        of: [
          { achievement: 'a' },
          { skill: { framework: 'ESCO', code: 's' } },
          { credits: { atLeast: 2 } },
        ],
      },
    };
    const creds = [
      cred('k1', 'a'),
      cred('k2', 'a'),
      cred('k3', 'z', { alignments: [{ framework: 'ESCO', code: 's' }], creditsEarned: 1 }),
      cred('k4', 'z', { creditsEarned: 2, issuedAt: '2025-01-01T00:00:00Z' }),
    ];
    const first = run(root, creds);
    expect(run(root, [...creds].reverse())).toEqual(first);
    expect(first.contributing).toEqual(['k1', 'k3']);
  });

  it('proves twelve requirements unmet by eleven credentials without searching', () => {
    // Every requirement alone is met, and greedy fills eleven; the flow bound (eleven distinct
    // credentials for twelve requirements) ends it, where a search would try 11! orders.
    const skill = { skill: { framework: 'ESCO', code: 's' } };
    const root = { allOf: Array.from({ length: 12 }, () => skill) };
    const creds = Array.from({ length: 11 }, (_, i) =>
      cred(`k${String(i).padStart(2, '0')}`, 'z', {
        alignments: [{ framework: 'ESCO', code: 's' }],
      }),
    );
    const r = run(root, creds);
    expect([r.satisfied, r.exhaustive, r.root.kOfN]).toEqual([false, true, { have: 11, need: 12 }]);
  });

  it('gives a partial, non-exhaustive answer when the search budget runs out', () => {
    // Twelve "two s-credentials, or the one t-credential" choices over twelve s-credentials:
    // impossible, but each requirement could take one credential, so the bounds do not see it
    // and the search runs out of steps.
    const skill = (code: string) => ({ skill: { framework: 'ESCO', code } });
    const choice = { anyOf: [{ allOf: [skill('s'), skill('s')] }, skill('t')] };
    const root = { allOf: Array.from({ length: 12 }, () => choice) };
    const aligned = (id: string, code: string) =>
      cred(id, 'z', { alignments: [{ framework: 'ESCO', code }] });
    const creds = [
      ...Array.from({ length: 12 }, (_, i) => aligned(`k${String(i).padStart(2, '0')}`, 's')),
      aligned('t', 't'),
    ];
    const r = run(root, creds);
    expect([r.satisfied, r.exhaustive]).toEqual([false, false]);
    expect(run({ allOf: root.allOf.slice(0, 3) }, creds.slice(0, 3)).exhaustive).toBe(true);
  });

  it('explains exhaustively a group unmet even with reuse, however many credentials match', () => {
    // 150 credentials fit four of the six requirements: the assignment search would walk
    // 150·149·148·147 partial assignments (far over the step budget) before finding the fifth
    // and sixth unmet, but no child beyond four can be met at all, so no search is needed.
    const skill = (code: string) => ({ skill: { framework: 'ESCO', code } });
    const root = { nOf: { n: 5, of: ['s1', 's2', 's3', 's4', 's5', 's6'].map(skill) } };
    const alignments = ['s1', 's2', 's3', 's4'].map((code) => ({ framework: 'ESCO', code }));
    const creds = Array.from({ length: 150 }, (_, i) =>
      cred(`k${String(i).padStart(3, '0')}`, 'z', { alignments }),
    );
    const r = run(root, creds);
    expect([r.satisfied, r.exhaustive, r.root.kOfN, r.progress]).toEqual([
      false,
      true,
      { have: 4, need: 5 },
      80,
    ]);
    expect(r.contributing).toEqual(['k000', 'k001', 'k002', 'k003']);
    expect(r.root.children.map((c) => c.usedCredentials)).toEqual([
      ['k000'],
      ['k001'],
      ['k002'],
      ['k003'],
      [],
      [],
    ]);
    expect(run(root, [...creds].reverse())).toEqual(r);
  });

  it('still finds an assignment around a requirement no credential can meet', () => {
    // Guards the pruning: the unmeetable child is skipped, the other four must still be assigned.
    const skill = (code: string) => ({ skill: { framework: 'ESCO', code } });
    const root = { nOf: { n: 4, of: ['x', 's1', 's2', 's3', 's4'].map(skill) } };
    const alignments = ['s1', 's2', 's3', 's4'].map((code) => ({ framework: 'ESCO', code }));
    const creds = Array.from({ length: 150 }, (_, i) =>
      cred(`k${String(i).padStart(3, '0')}`, 'z', { alignments }),
    );
    const r = run(root, creds);
    expect([r.satisfied, r.exhaustive, r.root.kOfN]).toEqual([true, true, { have: 4, need: 4 }]);
    expect(r.contributing).toEqual(['k000', 'k001', 'k002', 'k003']);
  });

  it('refuses to compile an invalid pathway', () => {
    let thrown: unknown;
    try {
      compilePathway({ format: 'credstack-pathway/1' });
    } catch (error) {
      thrown = error;
    }
    expect(isCredstackError(thrown, 'INPUT_MALFORMED')).toBe(true);
  });
});
