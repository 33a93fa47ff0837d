/**
 * LinkedIn's add-to-profile link for a badge: the certification form opens filled in with the
 * badge's name, the issuing organisation, the issue (and expiry) month and year, the public
 * verification page as the credential URL and the credential id. Kept free of the DOM so the
 * unit tier checks it.
 */

export interface LinkedInBadge {
  readonly name: string;
  readonly organisation: string;
  /** ISO 8601 instant the badge was issued. */
  readonly issuedAt: string;
  /** ISO 8601 instant it stops being valid, when it does. */
  readonly validUntil?: string;
  /** The public page anyone can open to check the badge. */
  readonly url: string;
  readonly id: string;
}

const monthYear = (iso: string): [year: string, month: string] | undefined => {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return undefined;
  return [String(at.getUTCFullYear()), String(at.getUTCMonth() + 1)];
};

/**
 * @example
 * linkedInUrl({ name: 'SQL', organisation: 'Northfield', issuedAt: '2026-03-01T00:00:00Z', url, id });
 * // 'https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME&name=SQL&…'
 */
export function linkedInUrl(badge: LinkedInBadge): string {
  const params = new URLSearchParams({
    startTask: 'CERTIFICATION_NAME',
    name: badge.name,
    organizationName: badge.organisation,
  });
  const issued = monthYear(badge.issuedAt);
  if (issued) {
    params.set('issueYear', issued[0]);
    params.set('issueMonth', issued[1]);
  }
  const expires = badge.validUntil === undefined ? undefined : monthYear(badge.validUntil);
  if (expires) {
    params.set('expirationYear', expires[0]);
    params.set('expirationMonth', expires[1]);
  }
  params.set('certUrl', badge.url);
  params.set('certId', badge.id);
  return `https://www.linkedin.com/profile/add?${params}`;
}
