import { skillKey } from '#shared/credentials/skills/skill-id.ts';
import type { IndexedSkill, SkillKey } from '#shared/domain/ports/search-index.ts';
import {
  CROSSWALK_CONCEPTS,
  CROSSWALK_EQUIVALENCES,
  type CrosswalkConcept,
  type CrosswalkSource,
} from './crosswalk-data.ts';

// The one normalisation of skill identifiers lives in shared/credentials/skills; search reads it from here.
export {
  normalizeSkillKey,
  skillFromAlignment,
  skillKey,
} from '#shared/credentials/skills/skill-id.ts';

/**
 * The O*NET ↔ ESCO crosswalk over skill keys (`<framework>:<code>`, as shared/credentials/skills/skill-id.ts
 * normalises them): concepts, their names and their equivalents.
 */

const conceptsByKey = new Map<SkillKey, CrosswalkConcept>(
  CROSSWALK_CONCEPTS.map((concept) => [skillKey(concept.framework, concept.code), concept]),
);

const equivalents = new Map<SkillKey, { key: SkillKey; source: CrosswalkSource }[]>();
for (const { onet, esco, source } of CROSSWALK_EQUIVALENCES) {
  const a = skillKey('ONET', onet);
  const b = skillKey('ESCO', esco);
  equivalents.set(a, [...(equivalents.get(a) ?? []), { key: b, source }]);
  equivalents.set(b, [...(equivalents.get(b) ?? []), { key: a, source }]);
}

/**
 * The bundled concept a key names, if the subset has it.
 *
 * @example
 * crosswalkConcept('ONET:15-2041.00')?.name; // 'Statisticians'
 */
export function crosswalkConcept(key: SkillKey): CrosswalkConcept | undefined {
  return conceptsByKey.get(key);
}

/**
 * The concepts of the other framework the subset holds equivalent to `key` (one hop), with the
 * source of each equivalence; empty when the subset knows none.
 *
 * @example
 * equivalentSkills('ONET:15-2051.00'); // [{ key: 'ESCO:258e46f9-…', source: 'title-2019' }]
 */
export function equivalentSkills(
  key: SkillKey,
): readonly { readonly key: SkillKey; readonly source: CrosswalkSource }[] {
  return equivalents.get(key) ?? [];
}

/**
 * The skill with its crosswalk equivalents added, each marked `via` the skill the badge really
 * names (and named from the subset). Skills the badge names itself are never duplicated.
 *
 * @example
 * expandSkills([{ key: 'ONET:15-2051.00', framework: 'ONET', code: '15-2051.00' }]);
 * // [the O*NET skill, { key: 'ESCO:258e46f9-…', framework: 'ESCO', …, name: 'data scientist', via: 'ONET:15-2051.00' }]
 */
export function expandSkills(skills: readonly IndexedSkill[]): IndexedSkill[] {
  const own = new Map<SkillKey, IndexedSkill>();
  for (const skill of skills) if (!own.has(skill.key)) own.set(skill.key, skill);
  const added = new Map<SkillKey, IndexedSkill>();
  for (const skill of own.values()) {
    for (const { key } of equivalentSkills(skill.key)) {
      if (own.has(key) || added.has(key)) continue;
      const concept = conceptsByKey.get(key);
      if (concept === undefined) continue;
      added.set(key, {
        key,
        framework: concept.framework,
        code: concept.code,
        name: concept.name,
        via: skill.key,
      });
    }
  }
  return [...own.values(), ...added.values()];
}
