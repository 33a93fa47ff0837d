import {
  CROSSWALK_CONCEPTS,
  CROSSWALK_EQUIVALENCES,
  type CrosswalkConcept,
  type CrosswalkSource,
} from './crosswalk-data.ts';
import type { IndexedSkill, SkillKey } from './search-index.ts';

/**
 * Skill keys and the O*NET ↔ ESCO crosswalk. An alignment names a framework concept in many
 * spellings (an O*NET OnLine link, an ESCO concept URI, a bare code); the index and every
 * query speak one: `<framework>:<code>` — `ONET:15-2051.00`, `ESCO:<uuid>`, `CASE:<item URI>`,
 * and `URL:<targetUrl>` for any other framework, whose alignments are identified by their URL.
 */

const ONET_CODE = /^\d{2}-\d{4}\.\d{2}$/;
const ONET_BARE_CODE = /^\d{2}-\d{4}$/;
const ONET_URL = /^https?:\/\/(?:www\.)?(?:onetonline|onetcenter)\.org\/.*?(\d{2}-\d{4}\.\d{2})\b/i;
const ESCO_URI = /^https?:\/\/data\.europa\.eu\/esco\/[a-z-]+\/([A-Za-z0-9.-]+)$/;
const ESCO_CODE = /^[A-Za-z0-9.-]{1,100}$/;
const ONET_FRAMEWORK_NAME = /^o\*?net(?:[- ]?soc)?(?:[- ]?\d{4})?$/i;
const FRAMEWORK_ALIASES: Readonly<Record<string, string>> = {
  esco: 'ESCO',
  case: 'CASE',
  url: 'URL',
};

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
 * The key of a framework concept.
 *
 * @example
 * skillKey('ONET', '15-2051.00'); // 'ONET:15-2051.00'
 */
export function skillKey(framework: string, code: string): SkillKey {
  return `${framework}:${code}`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function onetCode(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (ONET_CODE.test(value)) return value;
  return ONET_BARE_CODE.test(value) ? `${value}.00` : undefined;
}

function escoCode(value: string): string {
  // ESCO URIs carry lower-case UUIDs; a code typed in capitals names the same concept.
  return /^[0-9A-Fa-f-]{36}$/.test(value) ? value.toLowerCase() : value;
}

/**
 * The indexed skill an OB 3.0 `Alignment` names, or undefined when it names none (no URL).
 * O*NET is recognised by its framework name or an O*NET OnLine link, ESCO by its concept URI
 * (or framework name and code), CASE by `targetType: CFItem`; anything else is keyed by URL.
 *
 * @example
 * skillFromAlignment(onetAlignment('15-2051.00', 'Data Scientists'));
 * // { key: 'ONET:15-2051.00', framework: 'ONET', code: '15-2051.00', name: 'Data Scientists' }
 */
export function skillFromAlignment(alignment: unknown): IndexedSkill | undefined {
  if (!isObject(alignment)) return undefined;
  const url = text(alignment.targetUrl);
  const code = text(alignment.targetCode);
  const framework = text(alignment.targetFramework);
  const name = text(alignment.targetName);
  const make = (fw: string, id: string): IndexedSkill => ({
    key: skillKey(fw, id),
    framework: fw,
    code: id,
    ...(name === undefined ? {} : { name }),
  });
  const escoFromUrl = url === undefined ? undefined : ESCO_URI.exec(url)?.[1];
  if (escoFromUrl !== undefined) return make('ESCO', escoCode(escoFromUrl));
  const onetFromUrl = url === undefined ? undefined : ONET_URL.exec(url)?.[1];
  if (framework !== undefined && ONET_FRAMEWORK_NAME.test(framework)) {
    const soc = onetCode(code) ?? onetFromUrl;
    if (soc !== undefined) return make('ONET', soc);
  } else if (onetFromUrl !== undefined) {
    return make('ONET', onetFromUrl);
  }
  if (framework?.toUpperCase() === 'ESCO' && code !== undefined && ESCO_CODE.test(code))
    return make('ESCO', escoCode(code));
  if (url === undefined) return undefined;
  if (alignment.targetType === 'CFItem') return make('CASE', url);
  return make('URL', url);
}

/**
 * A skill as a query names it, in canonical key form; undefined when the text is not a skill
 * key. Accepts keys in any case of framework (`onet:15-2051.00`, `O*NET-SOC:15-2051.00`), bare
 * SOC codes without the suffix, ESCO concept URIs and O*NET OnLine links.
 *
 * @example
 * normalizeSkillKey('http://data.europa.eu/esco/skill/598de5b0-5b58-4ea7-8058-a4bc4d18c742');
 * // 'ESCO:598de5b0-5b58-4ea7-8058-a4bc4d18c742'
 */
export function normalizeSkillKey(input: string): SkillKey | undefined {
  const value = input.trim();
  const escoFromUrl = ESCO_URI.exec(value)?.[1];
  if (escoFromUrl !== undefined) return skillKey('ESCO', escoCode(escoFromUrl));
  const onetFromUrl = ONET_URL.exec(value)?.[1];
  if (onetFromUrl !== undefined) return skillKey('ONET', onetFromUrl);
  const colon = value.indexOf(':');
  if (colon <= 0) return undefined;
  const prefix = value.slice(0, colon);
  const code = value.slice(colon + 1).trim();
  if (code === '') return undefined;
  if (ONET_FRAMEWORK_NAME.test(prefix)) {
    const soc = onetCode(code);
    return soc === undefined ? undefined : skillKey('ONET', soc);
  }
  const framework = FRAMEWORK_ALIASES[prefix.toLowerCase()];
  if (framework === 'ESCO')
    return ESCO_CODE.test(code) ? skillKey('ESCO', escoCode(code)) : undefined;
  if (framework === 'CASE' || framework === 'URL')
    return /^[A-Za-z][A-Za-z0-9+.-]*:\S+$/.test(code) ? skillKey(framework, code) : undefined;
  return undefined;
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
