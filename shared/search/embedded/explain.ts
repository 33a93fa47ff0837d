import type {
  MatchedBadge,
  SearchHit,
  SearchQuery,
  SkillKey,
  SkillMatch,
} from '#shared/domain/ports/search-index.ts';
import { matchedBadge } from '../matched-badge.ts';
import type { CompiledQuery } from './compiled-query.ts';
import type { Partition } from './partition.ts';

const newestFirst = (a: MatchedBadge, b: MatchedBadge): number =>
  Date.parse(b.issuedAt) - Date.parse(a.issuedAt) ||
  (a.credentialId < b.credentialId ? -1 : a.credentialId > b.credentialId ? 1 : 0);

/** Whether badge `b` is aligned to a skill the query names (so a hit cites it). */
function citesSkill(partition: Partition, compiled: CompiledQuery, b: number): boolean {
  const { skillStart, skillPool } = partition.shapes;
  const shape = partition.shape[b]!;
  for (let i = skillStart[shape]!; i < skillStart[shape + 1]!; i += 1)
    if (compiled.queried[skillPool.data[i]!] === 1) return true;
  return false;
}

/**
 * The reasons for one hit, read from the partition: for every queried skill the counting
 * badges aligned to it (newest first, with issuer, date, result, verification link and any
 * crosswalk), the badges matching the text, and what is missing.
 *
 * @example
 * const hit = explainHit(partition, compiled, query, slot, score);
 */
export function explainHit(
  partition: Partition,
  compiled: CompiledQuery,
  query: SearchQuery,
  slot: number,
  score: number,
): SearchHit {
  const { displayName, badge: badgeAt } = partition.reader(slot);
  const lists = (keys: readonly SkillKey[]) =>
    new Map(keys.map((key) => [key, [] as MatchedBadge[]]));
  const must = lists(query.mustHave);
  const nice = lists(query.niceToHave);
  const atLeast = lists(query.atLeast?.of ?? []);
  const text: MatchedBadge[] = [];
  const end = partition.badgeEnd[slot]!;
  const { textMask } = compiled;
  for (let b = partition.badgeStart[slot]!; b < end; b += 1) {
    if (!compiled.counts(b)) continue;
    const cited = textMask !== undefined && textMask[partition.shape[b]!] === 1;
    if (!cited && !citesSkill(partition, compiled, b)) continue;
    const badge = badgeAt(b);
    const seen = new Set<SkillKey>();
    for (const skill of badge.skills) {
      if (seen.has(skill.key)) continue;
      seen.add(skill.key);
      for (const list of [must, nice, atLeast])
        list.get(skill.key)?.push(matchedBadge(badge, skill.via));
    }
    if (cited) text.push(matchedBadge(badge, undefined));
  }
  const matches = (list: Map<SkillKey, MatchedBadge[]>): SkillMatch[] =>
    [...list]
      .filter(([, badges]) => badges.length > 0)
      .map(([skill, badges]) => ({ skill, badges: badges.sort(newestFirst) }));
  const missing = (list: Map<SkillKey, MatchedBadge[]>): SkillKey[] =>
    [...list].filter(([, badges]) => badges.length === 0).map(([skill]) => skill);
  return {
    learnerId: partition.learnerIds[slot]!,
    displayName,
    score,
    matched: {
      mustHave: matches(must),
      niceToHave: matches(nice),
      atLeast: matches(atLeast),
      text: text.sort(newestFirst),
    },
    missing: { niceToHave: missing(nice), atLeast: missing(atLeast) },
  };
}
