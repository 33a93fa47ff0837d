import type { IndexedBadge, MatchedBadge, SkillKey } from '#shared/domain/ports/search-index.ts';

/**
 * How a hit cites a badge: what the employer sees of it and where to re-verify it, and `via`
 * when the skill matched through the crosswalk. Both engines cite badges this one way.
 *
 * @example
 * matchedBadge(badge, 'ONET:15-2051.00');
 */
export function matchedBadge(badge: IndexedBadge, via: SkillKey | undefined): MatchedBadge {
  return {
    credentialId: badge.credentialId,
    verifyUrl: badge.verifyUrl,
    issuerId: badge.issuerId,
    issuerName: badge.issuerName,
    achievementName: badge.achievementName,
    issuedAt: badge.issuedAt,
    ...(badge.result ? { result: badge.result.value } : {}),
    ...(via === undefined ? {} : { via }),
  };
}
