import { describe, expect, it } from 'vitest';
import { compilePathway } from '#pathways/compile.ts';
import { indexLearner } from '#pathways/learner-index.ts';
import { cred, NOW, pathway } from './fixtures.ts';

describe('indexLearner', () => {
  it('keeps counted credentials in issuance order, then by id, and lists the rest by id', () => {
    const index = indexLearner(
      [
        cred('b', 'x', { issuedAt: '2025-05-01T00:00:00Z' }),
        cred('a', 'x', { issuedAt: '2025-05-01T00:00:00Z' }),
        cred('c', 'y', { issuedAt: new Date('2024-01-01T00:00:00Z') }),
        cred('v', 'x', { validUntil: '2026-06-01T00:00:00Z' }),
        cred('r', 'x', { revoked: true }),
        cred('u', 'x', { verified: false }),
      ],
      NOW,
    );
    expect(index.credentials.map((c) => [c.id, c.rank])).toEqual([
      ['c', 0],
      ['a', 1],
      ['b', 2],
    ]);
    expect(index.excluded).toEqual([
      { id: 'r', reason: 'revoked' },
      { id: 'u', reason: 'unverified' },
      { id: 'v', reason: 'expired' },
    ]);
    expect(index.withAchievement('x')).toEqual([1, 2]);
    expect(index.withAchievement('none')).toEqual([]);
  });

  it('counts a repeated id once, the earliest counted copy', () => {
    const index = indexLearner(
      [
        cred('d', 'late', { issuedAt: '2025-09-01T00:00:00Z' }),
        cred('d', 'early', { issuedAt: '2025-01-01T00:00:00Z', verified: false }),
        cred('d', 'middle', { issuedAt: '2025-05-01T00:00:00Z' }),
      ],
      NOW,
    );
    expect(index.credentials.map((c) => c.source.achievementId)).toEqual(['middle']);
    expect(index.excluded).toEqual([{ id: 'd', reason: 'unverified' }]);
  });

  it('groups by alignment, framework and code kept apart', () => {
    const index = indexLearner(
      [
        cred('x', 'q', { alignments: [{ framework: 'A:B', code: 'C' }] }),
        cred('y', 'q', { alignments: [{ framework: 'A', code: 'B:C' }] }),
      ],
      NOW,
    );
    expect(index.withSkill('A:B', 'C')).toEqual([0]);
    expect(index.withSkill('A', 'B:C')).toEqual([1]);
  });

  it('reads credits earned, else available, else none', () => {
    const index = indexLearner(
      [
        cred('a', 'x', { creditsEarned: 2, creditsAvailable: 5 }),
        cred('b', 'x', { creditsAvailable: 3 }),
        cred('c', 'x'),
      ],
      NOW,
    );
    expect(index.credentials.map((c) => c.credits)).toEqual([2, 3, 0]);
  });

  it('limited to pathways, indexes only what they can read', () => {
    const p = compilePathway(
      pathway({
        allOf: [
          { achievement: 'a', alternatives: ['a-old'] },
          { skill: { framework: 'ESCO', code: 's' } },
          { pathway: 'urn:pathway:sub' },
        ],
      }),
    );
    const index = indexLearner(
      [
        cred('1', 'a-old'),
        cred('2', 'other', { alignments: [{ framework: 'ESCO', code: 's' }] }),
        cred('3', 'urn:pathway:sub'),
        cred('4', 'other', { alignments: [{ framework: 'ESCO', code: 't' }] }),
        cred('5', 'unrelated', { revoked: true }),
      ],
      NOW,
      { pathways: [p] },
    );
    expect(index.credentials.map((c) => c.id)).toEqual(['1', '2', '3']);
    expect(index.excluded).toEqual([]);
    const everything = compilePathway(pathway({ credits: { atLeast: 1 } }));
    expect(
      indexLearner([cred('4', 'other')], NOW, { pathways: [p, everything] }).credentials,
    ).toHaveLength(1);
  });
});
