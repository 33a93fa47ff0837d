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

function contains(sorted: Int32Array, value: number): boolean {
  let low = 0;
  let high = sorted.length - 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    const at = sorted[mid]!;
    if (at === value) return true;
    if (at < value) low = mid + 1;
    else high = mid - 1;
  }
  return false;
}

/**
 * The reasons for one hit, read from the stored document: for every queried skill the counting
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
  const document = partition.documents[slot]!;
  const lists = (keys: readonly SkillKey[]) =>
    new Map(keys.map((key) => [key, [] as MatchedBadge[]]));
  const must = lists(query.mustHave);
  const nice = lists(query.niceToHave);
  const atLeast = lists(query.atLeast?.of ?? []);
  const text: MatchedBadge[] = [];
  const end = partition.badgeEnd[slot]!;
  for (let b = partition.badgeStart[slot]!; b < end; b += 1) {
    if (!compiled.counts(b)) continue;
    const badge = document.badges[partition.ordinal[b]!]!;
    const seen = new Set<SkillKey>();
    for (const skill of badge.skills) {
      if (seen.has(skill.key)) continue;
      seen.add(skill.key);
      for (const list of [must, nice, atLeast])
        list.get(skill.key)?.push(matchedBadge(badge, skill.via));
    }
    if (compiled.textBadges && contains(compiled.textBadges, b))
      text.push(matchedBadge(badge, undefined));
  }
  const matches = (list: Map<SkillKey, MatchedBadge[]>): SkillMatch[] =>
    [...list]
      .filter(([, badges]) => badges.length > 0)
      .map(([skill, badges]) => ({ skill, badges: badges.sort(newestFirst) }));
  const missing = (list: Map<SkillKey, MatchedBadge[]>): SkillKey[] =>
    [...list].filter(([, badges]) => badges.length === 0).map(([skill]) => skill);
  return {
    learnerId: document.learnerId,
    displayName: document.displayName,
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
