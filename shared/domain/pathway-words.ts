import type { CompiledNode } from '#pathways/compile.ts';
import type { LeafConstraints } from '#pathways/rule-types.ts';
import { skillKey } from '#shared/credentials/skills/skill-id.ts';
import { crosswalkConcept } from '#shared/search/crosswalk.ts';

/**
 * Pathway requirements in people's words, for evidence, explanations and next steps: a node's
 * `title` when the rule gives one, otherwise built from what it asks for — achievement names,
 * skill names (from the crosswalk, else the code), sub-pathway names, credit sums — never a
 * JSON pointer.
 */

/** Names the words are built from. */
export interface RequirementNames {
  /** An achievement's name by its id. */
  achievement(id: string): string | undefined;
  /** A pathway's name by its id (the rule's issuer). */
  pathway(id: string): string | undefined;
}

const FRAMEWORK_NAMES: Readonly<Record<string, string>> = { ONET: 'O*NET', ESCO: 'ESCO' };

/**
 * A skill in people's words: its crosswalk name with the framework and code.
 *
 * @example
 * skillWords('ONET', '15-2041.00'); // 'Statisticians (O*NET 15-2041.00)'
 */
export function skillWords(framework: string, code: string): string {
  const name = crosswalkConcept(skillKey(framework, code))?.name;
  const where = `${FRAMEWORK_NAMES[framework] ?? framework} ${code}`;
  return name === undefined ? where : `${name} (${where})`;
}

const UNITS: readonly [RegExp, string][] = [
  [/(\d+)Y/, 'year'],
  [/(\d+)M(?=.*T|[^T]*$)/, 'month'],
  [/(\d+)W/, 'week'],
  [/(\d+)D/, 'day'],
];

/**
 * An ISO-8601 duration as a phrase.
 *
 * @example
 * durationWords('P2Y'); // '2 years'
 */
export function durationWords(duration: string): string {
  const date = duration.split('T')[0] ?? '';
  const parts: string[] = [];
  for (const [pattern, unit] of UNITS) {
    const n = pattern.exec(date)?.[1];
    if (n !== undefined) parts.push(`${n} ${unit}${n === '1' ? '' : 's'}`);
  }
  return parts.length > 0 ? parts.join(' ') : duration;
}

function constraintWords(c: LeafConstraints): string {
  const out: string[] = [];
  if (c.minResult) out.push(`with a result of at least ${c.minResult.atLeast}`);
  if (c.within) out.push(`earned in the last ${durationWords(c.within)}`);
  if (c.issuers && 'anyOf' in c.issuers) out.push(`from ${c.issuers.anyOf.join(' or ')}`);
  if (c.issuers && 'trustList' in c.issuers) out.push(`from an issuer on ${c.issuers.trustList}`);
  if (c.before) out.push(`earned before "${c.before}"`);
  return out.length === 0 ? '' : ` ${out.join(', ')}`;
}

function list(items: readonly string[], conjunction: 'and' | 'or'): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} ${conjunction} ${items.at(-1)}`;
}

/**
 * What a requirement asks for, in people's words.
 *
 * @example
 * requirementWords(compiled.nodes[2]!, names); // 'SQL Querying Fundamentals'
 */
export function requirementWords(node: CompiledNode, names: RequirementNames): string {
  if (node.title !== undefined) return node.title;
  const own = constraintWords(node.constraints);
  switch (node.kind) {
    case 'achievement': {
      const ids = node.acceptList ?? [];
      return `${list(
        ids.map((id) => names.achievement(id) ?? 'an achievement of this issuer'),
        'or',
      )}${own}`;
    }
    case 'skill':
      return node.skill
        ? `a badge in ${skillWords(node.skill.framework, node.skill.code)}${own}`
        : `a skill${own}`;
    case 'pathway':
      return `the ${names.pathway(node.ref ?? '') ?? 'required'} pathway${own}`;
    case 'credits': {
      const from = node.children[0];
      const sources = from ? ` from ${poolWords(from, names)}` : '';
      return `at least ${node.creditsNeeded ?? 0} credits${sources}${own}`;
    }
    case 'anyOf':
      return `one of: ${list(
        node.children.map((c) => requirementWords(c, names)),
        'or',
      )}`;
    case 'nOf':
      return `${node.need} of: ${list(
        node.children.map((c) => requirementWords(c, names)),
        'and',
      )}`;
    default:
      return list(
        node.children.map((c) => requirementWords(c, names)),
        'and',
      );
  }
}

/** The sources of a credit pool, shortly: "badges in A, B or C". */
function poolWords(node: CompiledNode, names: RequirementNames): string {
  if (node.title !== undefined) return node.title;
  const leaves: CompiledNode[] = [];
  const visit = (n: CompiledNode) => {
    if (n.children.length === 0) leaves.push(n);
    else n.children.forEach(visit);
  };
  visit(node);
  const skills = leaves.filter((l) => l.kind === 'skill' && l.skill);
  const rest = leaves.filter((l) => !(l.kind === 'skill' && l.skill));
  const parts: string[] = [];
  if (skills.length > 0) {
    parts.push(
      `badges in ${list(
        skills.map((l) => skillWords(l.skill!.framework, l.skill!.code)),
        'or',
      )}`,
    );
  }
  for (const leaf of rest) parts.push(requirementWords(leaf, names));
  return list(parts, 'or');
}
