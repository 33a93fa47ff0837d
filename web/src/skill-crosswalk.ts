import type { paths } from './api/schema.d.ts';

/** One suggestion of `GET /skills`. */
export type SkillSuggestion =
  paths['/skills']['get']['responses'][200]['content']['application/json']['items'][number];

const FRAMEWORK_NAMES: Record<SkillSuggestion['framework'], string> = {
  ONET: 'O*NET',
  ESCO: 'ESCO',
};

/**
 * The framework a skill key belongs to, as people name it ("O*NET", "ESCO"), or undefined for
 * a key of neither. Facets list both sides of a crosswalk ("Data Scientists", "data
 * scientist"); naming the framework shows they are two vocabularies, not a duplicate.
 */
export function frameworkOf(key: string): string | undefined {
  const prefix = key.slice(0, key.indexOf(':')).toUpperCase();
  return prefix === 'ONET' || prefix === 'ESCO' ? FRAMEWORK_NAMES[prefix] : undefined;
}

/**
 * What a suggestion is and what it stands for in the other framework, e.g.
 * "O*NET occupation 15-2051.00 · ESCO: data scientist (also matched)". Search indexes each
 * badge's skills with their crosswalk equivalents (one hop), so picking a skill also matches
 * badges aligned to the equivalents named here. The response names the first few equivalents;
 * "+N more" counts the rest so the text never understates what a pick matches.
 */
export function crosswalkText(s: SkillSuggestion): string {
  const code = s.key.slice(s.key.indexOf(':') + 1);
  const other = FRAMEWORK_NAMES[s.framework === 'ONET' ? 'ESCO' : 'ONET'];
  const named = s.equivalents.map((e) => e.label).join(', ');
  const more = s.crosswalk.length - s.equivalents.length;
  const equivalents =
    s.crosswalk.length === 0
      ? `no ${other} equivalent in the crosswalk`
      : `${other}: ${named}${more > 0 ? ` +${more} more` : ''} (also matched)`;
  return `${FRAMEWORK_NAMES[s.framework]} ${s.kind} ${code} · ${equivalents}`;
}
