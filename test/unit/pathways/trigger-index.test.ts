import { describe, expect, it } from 'vitest';
import { compilePathway } from '#pathways/compile.ts';
import type { PathwayNode } from '#pathways/rule-types.ts';
import { buildTriggerIndex } from '#pathways/trigger-index.ts';
import { pathway } from './fixtures.ts';

const defined = (id: string, root: PathwayNode) =>
  compilePathway(pathway(root, { id: `urn:pathway:${id}` }));
const credential = (achievementId: string, ...skills: [string, string][]) => ({
  achievementId,
  alignments: skills.map(([framework, code]) => ({ framework, code })),
});

describe('buildTriggerIndex', () => {
  const triggers = buildTriggerIndex([
    defined('zeta', { allOf: [{ achievement: 'a' }, { skill: { framework: 'ESCO', code: 's' } }] }),
    defined('alpha', { anyOf: [{ achievement: 'b', alternatives: ['a-legacy'] }] }),
    defined('sum', { credits: { atLeast: 4, of: { achievement: 'c' } } }),
    defined('top', { allOf: [{ pathway: 'urn:pathway:alpha' }, { achievement: 'd' }] }),
    defined('apex', { nOf: { n: 1, of: [{ pathway: 'urn:pathway:top' }] } }),
  ]);

  it('finds pathways by achievement id, alternatives included, sorted by id', () => {
    expect(triggers.affectedBy(credential('a'))).toEqual(['urn:pathway:zeta']);
    expect(triggers.affectedBy(credential('c'))).toEqual(['urn:pathway:sum']);
  });

  it('finds pathways by alignment, framework and code both matching', () => {
    expect(triggers.affectedBy(credential('q', ['ESCO', 's']))).toEqual(['urn:pathway:zeta']);
    expect(triggers.affectedBy(credential('q', ['O*NET', 's']))).toEqual([]);
  });

  it('reaches pathways that require an affected sub-pathway, transitively', () => {
    expect(triggers.affectedBy(credential('a-legacy'))).toEqual([
      'urn:pathway:alpha',
      'urn:pathway:apex',
      'urn:pathway:top',
    ]);
    // The sub-pathway's own credential meets the requirement too.
    expect(triggers.affectedBy(credential('urn:pathway:top'))).toEqual(['urn:pathway:apex']);
    expect(triggers.affectedBy(credential('d'))).toEqual(['urn:pathway:apex', 'urn:pathway:top']);
  });

  it('returns the compiled pathways in the order given', () => {
    const hit = triggers.affectedPathways(credential('b', ['ESCO', 's']));
    expect(hit.map((p) => p.pathway.id)).toEqual([
      'urn:pathway:zeta',
      'urn:pathway:alpha',
      'urn:pathway:top',
      'urn:pathway:apex',
    ]);
  });

  it('reaches a pathway with a credits node without `of` from any credential', () => {
    const withPool = buildTriggerIndex([
      defined('open', { allOf: [{ achievement: 'x' }, { credits: { atLeast: 10 } }] }),
      defined('needs-open', { pathway: 'urn:pathway:open' }),
      defined('closed', { achievement: 'y' }),
    ]);
    expect(withPool.affectedBy(credential('anything'))).toEqual([
      'urn:pathway:needs-open',
      'urn:pathway:open',
    ]);
    expect(withPool.affectedBy(credential('y'))).toEqual([
      'urn:pathway:closed',
      'urn:pathway:needs-open',
      'urn:pathway:open',
    ]);
  });
});
