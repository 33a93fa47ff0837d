import { describe, expect, it } from 'vitest';
import { lookupSkills } from '#functions/api/skill-routes.ts';
import { crosswalkText } from '../../../web/src/skill-crosswalk.ts';

/** The crosswalk line under each skill suggestion of the employer search (web/src/skill-crosswalk.ts). */
describe('a skill suggestion’s crosswalk text', () => {
  const suggestion = (q: string, key: string) => {
    const found = lookupSkills(q).find((s) => s.key === key);
    if (found === undefined) throw new Error(`GET /skills?q=${q} has no ${key}`);
    return found;
  };

  it('shows framework, kind and code, and names the equivalent a pick also matches', () => {
    expect(crosswalkText(suggestion('data scientists', 'ONET:15-2051.00'))).toBe(
      'O*NET occupation 15-2051.00 · ESCO: data scientist (also matched)',
    );
    expect(
      crosswalkText(suggestion('data scientist', 'ESCO:258e46f9-0075-4a2e-adae-1ff0477e0f30')),
    ).toBe(
      'ESCO occupation 258e46f9-0075-4a2e-adae-1ff0477e0f30 · O*NET: Data Scientists (also matched)',
    );
    expect(crosswalkText(suggestion('statisticians', 'ONET:15-2041.00'))).toBe(
      'O*NET occupation 15-2041.00 · ESCO: statistician, demographer (also matched)',
    );
  });

  it('says so when the crosswalk has no equivalent', () => {
    expect(crosswalkText(suggestion('sql', 'ESCO:598de5b0-5b58-4ea7-8058-a4bc4d18c742'))).toBe(
      'ESCO skill 598de5b0-5b58-4ea7-8058-a4bc4d18c742 · no O*NET equivalent in the crosswalk',
    );
  });

  it('counts the equivalents the response leaves unnamed', () => {
    const many = {
      ...suggestion('statisticians', 'ONET:15-2041.00'),
      crosswalk: ['ESCO:a', 'ESCO:b', 'ESCO:c', 'ESCO:d', 'ESCO:e'],
      equivalents: [
        { key: 'ESCO:a', label: 'a' },
        { key: 'ESCO:b', label: 'b' },
        { key: 'ESCO:c', label: 'c' },
      ],
    };
    expect(crosswalkText(many)).toBe(
      'O*NET occupation 15-2041.00 · ESCO: a, b, c +2 more (also matched)',
    );
  });
});
