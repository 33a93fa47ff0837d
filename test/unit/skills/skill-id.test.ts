import { describe, expect, it } from 'vitest';
import { compilePathway } from '#pathways/compile.ts';
import { evaluate } from '#pathways/evaluate.ts';
import { buildTriggerIndex } from '#pathways/trigger-index.ts';
import {
  canonicalSkill,
  normalizeSkillKey,
  skillKey,
} from '#shared/credentials/skills/skill-id.ts';
import { cred, NOW, pathway } from '../pathways/fixtures.ts';

describe('canonicalSkill', () => {
  it('spells O*NET one way, whatever framework name, code suffix or link names it', () => {
    const spellings: [string, string][] = [
      ['ONET', '15-2051'],
      ['O*NET-SOC', '15-2051.00'],
      ['onet', '15-2051.00'],
      ['O*NET-SOC 2019', '15-2051'],
      ['ONET', 'https://www.onetonline.org/link/summary/15-2051.00'],
    ];
    for (const [framework, code] of spellings) {
      expect(canonicalSkill(framework, code)).toEqual({ framework: 'ONET', code: '15-2051.00' });
    }
  });

  it('reads ESCO concept URIs and upper-case ids as the same ESCO concept', () => {
    const uri = 'http://data.europa.eu/esco/occupation/258e46f9-0075-4a2e-adae-1ff0477e0f30';
    const want = { framework: 'ESCO', code: '258e46f9-0075-4a2e-adae-1ff0477e0f30' };
    expect(canonicalSkill('ESCO', uri)).toEqual(want);
    expect(canonicalSkill('esco', '258E46F9-0075-4A2E-ADAE-1FF0477E0F30')).toEqual(want);
    // The same key search builds from a query.
    expect(normalizeSkillKey(uri)).toBe(skillKey(want.framework, want.code));
  });

  it('leaves a framework it does not know as given', () => {
    expect(canonicalSkill('Acme Skills', 'A-17')).toEqual({
      framework: 'Acme Skills',
      code: 'A-17',
    });
  });
});

describe('pathway skill leaves', () => {
  it('meet alignments in another spelling of the same skill, and the trigger index agrees', () => {
    const compiled = compilePathway(pathway({ skill: { framework: 'ONET', code: '15-2051' } }));
    const badge = cred('c1', 'ach', {
      alignments: [{ framework: 'O*NET-SOC', code: '15-2051.00' }],
    });

    expect(evaluate(compiled, { credentials: [badge] }, { now: NOW }).satisfied).toBe(true);
    expect(buildTriggerIndex([compiled]).affectedPathways(badge)).toEqual([compiled]);
  });
});
