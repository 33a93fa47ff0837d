import { describe, expect, it } from 'vitest';
import type { PathwayNode } from '#pathways/rule-types.ts';
import { detectCycles, validatePathway } from '#pathways/validate.ts';
import { pathway } from './fixtures.ts';

const problems = (root: unknown, options = {}) => {
  const r = validatePathway(pathway(root as PathwayNode), options);
  return r.ok ? [] : r.problems;
};

describe('validatePathway', () => {
  it('reports schema errors with their JSON pointer', () => {
    expect(
      problems({
        allOf: [
          { achievement: 'a' },
          { skill: { framework: 'ESCO' } },
          { achievement: 'b', within: '2Y' },
        ],
      }),
    ).toEqual([
      { path: '/root/allOf/1/skill', message: "must have required property 'code'" },
      { path: '/root/allOf/2/within', message: 'must be an ISO-8601 duration such as P2Y' },
    ]);
    expect(problems({ allOf: [{ bogus: 1 }] })[0]).toEqual({
      path: '/root/allOf/0',
      message:
        'a node must have exactly one of allOf, anyOf, nOf, achievement, skill, pathway, credits',
    });
    const wrongFormat = validatePathway({ ...pathway({ achievement: 'a' }), format: 'other/1' });
    expect(wrongFormat).toEqual({
      ok: false,
      problems: [{ path: '/format', message: 'must be equal to constant' }],
    });
  });

  it('reports unknown achievements and pathways when the known sets are given', () => {
    const root = { allOf: [{ achievement: 'a', alternatives: ['x'] }, { pathway: 'p2' }] };
    expect(problems(root, { knownAchievements: ['a'], knownPathways: ['p1'] })).toEqual([
      { path: '/root/allOf/0', message: 'unknown achievement "x"' },
      { path: '/root/allOf/1', message: 'unknown pathway "p2"' },
    ]);
    expect(problems(root)).toEqual([]);
  });

  it('reports an nOf needing more than its children as unsatisfiable', () => {
    expect(
      problems({ anyOf: [{ nOf: { n: 3, of: [{ achievement: 'a' }, { achievement: 'b' }] } }] }),
    ).toEqual([
      { path: '/root/anyOf/0', message: 'unsatisfiable: needs 3 of only 2 requirements' },
    ]);
  });

  it('reports credits beyond what the catalogue makes achievable', () => {
    const root = {
      credits: { atLeast: 10, of: { anyOf: [{ achievement: 'a' }, { achievement: 'b' }] } },
    };
    const catalogue = new Map([
      ['a', { creditsAvailable: 3 }],
      ['b', { creditsAvailable: 4 }],
    ]);
    expect(problems(root, { knownAchievements: catalogue })).toEqual([
      { path: '/root', message: 'unsatisfiable: needs 10 credits but at most 7 are achievable' },
    ]);
    catalogue.set('b', { creditsAvailable: 7 });
    expect(problems(root, { knownAchievements: catalogue })).toEqual([]);
  });

  it('reports a before naming no label, duplicate labels and a before cycle', () => {
    expect(problems({ allOf: [{ achievement: 'a', before: 'nope' }] })).toEqual([
      { path: '/root/allOf/0', message: 'before names no label "nope"' },
    ]);
    expect(
      problems({
        allOf: [
          { label: 'x', achievement: 'a' },
          { label: 'x', achievement: 'b' },
        ],
      }),
    ).toEqual([{ path: '/root/allOf/1', message: 'duplicate label "x"' }]);
    const cycle = {
      allOf: [
        { label: 'A', achievement: 'a', before: 'B' },
        { label: 'B', achievement: 'b', before: 'A' },
      ],
    };
    expect(problems(cycle)).toEqual([
      {
        path: '/root/allOf/0',
        message: 'unsatisfiable: before constraints form a cycle A -> B -> A',
      },
    ]);
  });

  it('rejects absurd sizes before schema validation', () => {
    const wide = { anyOf: Array.from({ length: 20 }, (_, i) => ({ achievement: `a${i}` })) };
    expect(problems(wide, { maxNodes: 10 })).toEqual([
      { path: '/root', message: 'more than 10 nodes' },
    ]);
    let deep: unknown = { achievement: 'a' };
    for (let i = 0; i < 5; i++) deep = { allOf: [deep] };
    expect(problems(deep, { maxDepth: 4 })).toEqual([
      { path: '/root/allOf/0/allOf/0/allOf/0/allOf/0', message: 'nested deeper than 4 levels' },
    ]);
  });
});

describe('detectCycles', () => {
  it('returns the cycle path of sub-pathway references', () => {
    const a = pathway({ pathway: 'b' }, { id: 'a' });
    const b = pathway({ allOf: [{ achievement: 'x' }, { pathway: 'c' }] }, { id: 'b' });
    const c = pathway({ pathway: 'a' }, { id: 'c' });
    expect(detectCycles([c, b, a])).toEqual(['a', 'b', 'c', 'a']);
    expect(detectCycles([a, b])).toBeUndefined();
  });
});

describe('validatePathway against the catalogue', () => {
  const catalogue = new Map([
    ['sql', { creditsAvailable: 2, resultDescriptions: [{ id: 'urn:score', valueMax: '100' }] }],
    ['viz', { creditsAvailable: 1 }],
  ]);

  it('refuses a credit sum the achievements cannot reach, and accepts one they can', () => {
    const over = {
      credits: { atLeast: 4, of: { anyOf: [{ achievement: 'sql' }, { achievement: 'viz' }] } },
    };
    const fits = {
      credits: { atLeast: 3, of: { anyOf: [{ achievement: 'sql' }, { achievement: 'viz' }] } },
    };

    expect(problems(over, { knownAchievements: catalogue })).toEqual([
      { path: '/root', message: 'unsatisfiable: needs 4 credits but at most 3 are achievable' },
    ]);
    expect(problems(fits, { knownAchievements: catalogue })).toEqual([]);
  });

  it('refuses a minimum result above what the result description allows, or of a result not described', () => {
    const tooHigh = {
      achievement: 'sql',
      minResult: { resultDescription: 'urn:score', atLeast: '101' },
    };
    const undescribed = {
      achievement: 'viz',
      minResult: { resultDescription: 'urn:score', atLeast: '1' },
    };
    const badLevel = {
      achievement: 'sql',
      minResult: { atLeast: 'gold', levels: ['bronze', 'silver'] },
    };

    expect(problems(tooHigh, { knownAchievements: catalogue })[0]?.path).toBe('/root/minResult');
    expect(problems(undescribed, { knownAchievements: catalogue })[0]?.message).toMatch(
      /no achievement here describes the result "urn:score"/,
    );
    expect(problems(badLevel)[0]?.message).toMatch(/level "gold" is not among the levels given/);
    expect(
      problems(
        { achievement: 'sql', minResult: { atLeast: '70' } },
        { knownAchievements: catalogue },
      ),
    ).toEqual([]);
  });

  it('refuses a milestone that names no achievement of the catalogue', () => {
    const root = { milestone: 'nope', allOf: [{ achievement: 'sql' }] };
    expect(problems(root, { knownAchievements: catalogue })).toEqual([
      { path: '/root/milestone', message: 'unknown achievement "nope"' },
    ]);
  });
});
