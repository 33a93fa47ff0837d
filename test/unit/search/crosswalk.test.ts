import { describe, expect, it } from 'vitest';
import {
  caseAlignment,
  escoAlignment,
  onetAlignment,
} from '#shared/credentials/model/alignment.ts';
import {
  crosswalkConcept,
  equivalentSkills,
  expandSkills,
  normalizeSkillKey,
  skillFromAlignment,
} from '#shared/search/crosswalk.ts';
import { CROSSWALK_CONCEPTS, CROSSWALK_EQUIVALENCES } from '#shared/search/crosswalk-data.ts';
import { DEMO_ACHIEVEMENTS } from '../../../samples/demo-catalog.ts';
import { DEMO_STACK_ACHIEVEMENTS } from '../../../samples/demo-stacks.ts';

const DATA_SCIENTIST_ESCO = 'ESCO:258e46f9-0075-4a2e-adae-1ff0477e0f30';
const SQL_ESCO = 'ESCO:598de5b0-5b58-4ea7-8058-a4bc4d18c742';

describe('skillFromAlignment', () => {
  it('keys an O*NET alignment by its SOC code', () => {
    expect(skillFromAlignment(onetAlignment('15-2051.00', 'Data Scientists'))).toEqual({
      key: 'ONET:15-2051.00',
      framework: 'ONET',
      code: '15-2051.00',
      name: 'Data Scientists',
    });
  });

  it('keys an ESCO alignment by the last segment of its concept URI', () => {
    const alignment = escoAlignment(
      'http://data.europa.eu/esco/skill/598de5b0-5b58-4ea7-8058-a4bc4d18c742',
      'SQL',
    );
    expect(skillFromAlignment(alignment)).toEqual({
      key: SQL_ESCO,
      framework: 'ESCO',
      code: '598de5b0-5b58-4ea7-8058-a4bc4d18c742',
      name: 'SQL',
    });
  });

  it('recognises O*NET by an O*NET OnLine link whatever the framework text says', () => {
    expect(
      skillFromAlignment({
        targetName: 'Statisticians',
        targetUrl: 'https://www.onetonline.org/link/summary/15-2041.00',
      })?.key,
    ).toBe('ONET:15-2041.00');
  });

  it('keys CASE items and other frameworks by their URL', () => {
    const item = caseAlignment({
      uri: 'https://case.example.org/ims/case/v1p0/CFItems/6b0b3c64-7d0a-4f7c-9a1e-1f2b3c4d5e6f',
      name: 'Create equations',
      framework: 'Common Core',
    });
    expect(skillFromAlignment(item)?.key).toBe(
      'CASE:https://case.example.org/ims/case/v1p0/CFItems/6b0b3c64-7d0a-4f7c-9a1e-1f2b3c4d5e6f',
    );
    expect(
      skillFromAlignment({
        targetName: '1EdTech University Degree',
        targetUrl: 'https://1edtech.edu/catalog/degree',
        targetCode: 'degree',
        targetFramework: '1EdTech University Program and Course Catalog',
      }),
    ).toEqual({
      key: 'URL:https://1edtech.edu/catalog/degree',
      framework: 'URL',
      code: 'https://1edtech.edu/catalog/degree',
      name: '1EdTech University Degree',
    });
  });

  it('names no skill for an alignment without a URL or recognisable code', () => {
    expect(skillFromAlignment({ targetName: 'Teamwork' })).toBeUndefined();
    expect(skillFromAlignment('ONET:15-2051.00')).toBeUndefined();
  });
});

describe('normalizeSkillKey', () => {
  it.each([
    ['ONET:15-2051.00', 'ONET:15-2051.00'],
    ['onet:15-2051.00', 'ONET:15-2051.00'],
    ['O*NET-SOC:15-2051', 'ONET:15-2051.00'],
    ['https://www.onetonline.org/link/summary/15-2051.00', 'ONET:15-2051.00'],
    ['esco:598DE5B0-5B58-4EA7-8058-A4BC4D18C742', SQL_ESCO],
    ['http://data.europa.eu/esco/skill/598de5b0-5b58-4ea7-8058-a4bc4d18c742', SQL_ESCO],
    ['URL:https://1edtech.edu/catalog/degree', 'URL:https://1edtech.edu/catalog/degree'],
  ])('reads %s as %s', (input, key) => {
    expect(normalizeSkillKey(input)).toBe(key);
  });

  it.each(['SQL', 'ONET:2051', 'XYZ:1', 'ESCO:', 'URL:not a url', ':15-2051.00'])(
    'refuses %s',
    (input) => {
      expect(normalizeSkillKey(input)).toBeUndefined();
    },
  );
});

describe('the crosswalk', () => {
  it('covers every O*NET and ESCO alignment of the demo catalogue and its stacks', () => {
    const keys = [...DEMO_ACHIEVEMENTS, ...Object.values(DEMO_STACK_ACHIEVEMENTS)].flatMap(
      (achievement) =>
        (achievement.alignment ?? []).map((alignment) => skillFromAlignment(alignment)?.key),
    );
    expect(keys).toHaveLength(13);
    for (const key of keys) expect(crosswalkConcept(key ?? '')).toBeDefined();
  });

  it('only relates concepts it holds, O*NET to ESCO', () => {
    const known = new Set(CROSSWALK_CONCEPTS.map((c) => `${c.framework}:${c.code}`));
    for (const { onet, esco } of CROSSWALK_EQUIVALENCES) {
      expect(known.has(`ONET:${onet}`)).toBe(true);
      expect(known.has(`ESCO:${esco}`)).toBe(true);
    }
  });

  it('maps both ways, one hop only', () => {
    expect(equivalentSkills('ONET:15-2051.00')).toEqual([
      { key: DATA_SCIENTIST_ESCO, source: 'title-2019' },
    ]);
    expect(equivalentSkills(DATA_SCIENTIST_ESCO)).toEqual([
      { key: 'ONET:15-2051.00', source: 'title-2019' },
    ]);
    // statistician and demographer share an O*NET occupation but are not made equivalent.
    expect(equivalentSkills('ESCO:ac8b3cd1-a127-4e6a-8208-5cfcf7111955').map((e) => e.key)).toEqual(
      ['ONET:15-2041.00'],
    );
    expect(equivalentSkills(SQL_ESCO)).toEqual([]);
  });

  it('adds equivalents marked with the skill the badge names', () => {
    const expanded = expandSkills([
      { key: 'ONET:15-2051.00', framework: 'ONET', code: '15-2051.00', name: 'Data Scientists' },
      { key: SQL_ESCO, framework: 'ESCO', code: '598de5b0-5b58-4ea7-8058-a4bc4d18c742' },
    ]);
    expect(expanded).toEqual([
      { key: 'ONET:15-2051.00', framework: 'ONET', code: '15-2051.00', name: 'Data Scientists' },
      { key: SQL_ESCO, framework: 'ESCO', code: '598de5b0-5b58-4ea7-8058-a4bc4d18c742' },
      {
        key: DATA_SCIENTIST_ESCO,
        framework: 'ESCO',
        code: '258e46f9-0075-4a2e-adae-1ff0477e0f30',
        name: 'data scientist',
        via: 'ONET:15-2051.00',
      },
    ]);
  });

  it('does not add an equivalent the badge already names itself', () => {
    const expanded = expandSkills([
      { key: 'ONET:15-2051.00', framework: 'ONET', code: '15-2051.00' },
      { key: DATA_SCIENTIST_ESCO, framework: 'ESCO', code: '258e46f9-0075-4a2e-adae-1ff0477e0f30' },
      { key: 'ONET:15-2051.00', framework: 'ONET', code: '15-2051.00' },
    ]);
    expect(expanded.map((s) => [s.key, s.via])).toEqual([
      ['ONET:15-2051.00', undefined],
      [DATA_SCIENTIST_ESCO, undefined],
    ]);
  });
});
