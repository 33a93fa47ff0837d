import { ServiceError } from './errors.ts';

/** Roles a bearer token can carry. */
export const ROLES = ['platform-admin', 'issuer-admin', 'learner', 'employer'] as const;
export type Role = (typeof ROLES)[number];

/**
 * Who is calling, taken from a verified bearer token. An issuer admin is scoped to one issuer
 * (`issuerId`), a learner to themself (`learnerId`), an employer to its organisation.
 */
export interface Principal {
  readonly subject: string;
  readonly roles: readonly Role[];
  readonly issuerId?: string;
  readonly learnerId?: string;
  readonly employerId?: string;
  /**
   * The tenant (marketplace) the caller belongs to: employers search, and learners consent to
   * be found, within one tenant. Absent in single-tenant deployments (the default tenant).
   */
  readonly tenantId?: string;
  /**
   * The caller's email, present only when the identity provider vouches that it was verified
   * (`email_verified`): an import addressed to a hash of it belongs to the caller.
   */
  readonly verifiedEmail?: string;
  /** DIDs (or URLs) the identity provider has linked to the account (`credstack:dids`). */
  readonly dids?: readonly string[];
}

/**
 * Throws FORBIDDEN unless the principal has one of `roles`.
 *
 * @example
 * requireRole(principal, ['platform-admin']);
 */
export function requireRole(principal: Principal, roles: readonly Role[]): void {
  if (!principal.roles.some((role) => roles.includes(role))) {
    throw new ServiceError('FORBIDDEN', `this needs one of the roles ${roles.join(', ')}`);
  }
}

/**
 * Throws FORBIDDEN unless the principal may act for `issuerId`: a platform admin, or that
 * issuer's own admin.
 *
 * @example
 * requireIssuerScope(principal, 'northfield');
 */
export function requireIssuerScope(principal: Principal, issuerId: string): void {
  if (principal.roles.includes('platform-admin')) return;
  if (principal.roles.includes('issuer-admin') && principal.issuerId === issuerId) return;
  throw new ServiceError('FORBIDDEN', `you may not act for issuer ${issuerId}`);
}

/**
 * Throws FORBIDDEN unless the principal may read learner `learnerId`'s data: a platform admin,
 * or that learner.
 *
 * @example
 * requireLearnerScope(principal, learnerId);
 */
export function requireLearnerScope(principal: Principal, learnerId: string): void {
  if (principal.roles.includes('platform-admin')) return;
  if (principal.roles.includes('learner') && principal.learnerId === learnerId) return;
  throw new ServiceError('FORBIDDEN', `you may not read learner ${learnerId}`);
}

/**
 * Throws FORBIDDEN unless the principal is learner `learnerId` themself: for what only the
 * learner may decide (giving consent to be found), where a platform admin may not stand in.
 *
 * @example
 * requireSelf(principal, learnerId);
 */
export function requireSelf(principal: Principal, learnerId: string): void {
  if (principal.roles.includes('learner') && principal.learnerId === learnerId) return;
  throw new ServiceError('FORBIDDEN', `only learner ${learnerId} may do this`);
}
