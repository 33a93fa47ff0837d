import { reindexLearner } from './candidate-index.ts';
import { isDiscoverable } from './discoverability.ts';
import { ServiceError } from './errors.ts';
import type { Page } from './ports/repositories.ts';
import type { ServiceContext } from './ports/service-context.ts';
import { type Principal, requireLearnerScope, requireSelf } from './principal.ts';
import type { ConsentRecord, SeenRecord } from './records/search-records.ts';

export { isDiscoverable } from './discoverability.ts';

/**
 * Consent to be found. Discoverability is off until the learner turns it on — for every
 * verified employer of their tenant or for named ones, optionally until a date — and off again
 * at once when they withdraw: the use case re-indexes the learner before it answers, so the
 * index no longer holds them when the learner sees the withdrawal confirmed (the stream
 * indexer then does the same again, harmlessly).
 */

/** The tenant of a principal without a tenant claim (a single-tenant deployment). */
export const DEFAULT_TENANT = 'default';

export const CONSENT_LIMITS = {
  maxDisplayName: 120,
  maxEmployers: 100,
  maxEmployerId: 200,
} as const;

/**
 * The tenant a principal acts in.
 *
 * @example
 * tenantOf({ subject: 'u', roles: ['employer'], employerId: 'acme' }); // 'default'
 */
export function tenantOf(principal: Principal): string {
  return principal.tenantId ?? DEFAULT_TENANT;
}

export interface ConsentInput {
  readonly displayName: string;
  readonly employers: 'all' | readonly string[];
  readonly until?: string;
}

/** Consent as its learner sees it. */
export interface ConsentView {
  readonly tenantId: string;
  readonly state: 'given' | 'withdrawn';
  readonly displayName: string;
  readonly employers: 'all' | readonly string[];
  readonly until?: string;
  readonly givenAt: string;
  readonly updatedAt: string;
  /** Whether employers can find the learner now (given, and `until` not passed). */
  readonly discoverable: boolean;
}

function invalid(pointer: string, detail: string): never {
  throw new ServiceError('VALIDATION', `consent: ${detail}`, { fields: [{ pointer, detail }] });
}

function checkInput(input: ConsentInput, now: Date): ConsentInput {
  const displayName = typeof input.displayName === 'string' ? input.displayName.trim() : '';
  if (displayName === '' || displayName.length > CONSENT_LIMITS.maxDisplayName)
    invalid('/displayName', `a name of 1 to ${CONSENT_LIMITS.maxDisplayName} characters`);
  let employers: ConsentInput['employers'] = 'all';
  if (input.employers !== 'all') {
    if (!Array.isArray(input.employers) || input.employers.length === 0)
      invalid('/employers', '"all", or a list of the employers who may find you');
    if (input.employers.length > CONSENT_LIMITS.maxEmployers)
      invalid('/employers', `at most ${CONSENT_LIMITS.maxEmployers} employers`);
    for (const [index, id] of input.employers.entries()) {
      if (typeof id !== 'string' || id === '' || id.length > CONSENT_LIMITS.maxEmployerId)
        invalid(`/employers/${index}`, 'an employer id');
    }
    employers = [...new Set(input.employers)];
  }
  if (input.until !== undefined) {
    const until = Date.parse(input.until);
    if (Number.isNaN(until)) invalid('/until', 'an ISO-8601 date-time');
    if (until <= now.getTime()) invalid('/until', 'a date-time in the future');
  }
  return {
    displayName,
    employers,
    ...(input.until === undefined ? {} : { until: new Date(input.until).toISOString() }),
  };
}

/**
 * Whether `employerId` may find the learner under this consent at `now`.
 *
 * @example
 * visibleTo(consent, 'acme', new Date());
 */
export function visibleTo(consent: ConsentRecord, employerId: string, now: Date): boolean {
  return (
    isDiscoverable(consent, now) &&
    (consent.employers === 'all' || consent.employers.includes(employerId))
  );
}

function view(consent: ConsentRecord, now: Date): ConsentView {
  return {
    tenantId: consent.tenantId,
    state: consent.state,
    displayName: consent.displayName,
    employers: consent.employers,
    ...(consent.until === undefined ? {} : { until: consent.until }),
    givenAt: consent.givenAt,
    updatedAt: consent.updatedAt,
    discoverable: isDiscoverable(consent, now),
  };
}

/**
 * Those of `learnerIds` whose consent, as the table holds it now, lets `employerId` find them:
 * the guard that keeps a withdrawn learner out of a page even while the index still holds
 * them (a failed in-request re-index, an index refresh not yet done). One batch read per page.
 *
 * @example
 * const allowed = await consentingLearners(ctx, 'default', 'acme', ['ada', 'grace']);
 */
export async function consentingLearners(
  ctx: ServiceContext,
  tenantId: string,
  employerId: string,
  learnerIds: readonly string[],
): Promise<ReadonlySet<string>> {
  const distinct = [...new Set(learnerIds)];
  if (distinct.length === 0) return new Set();
  const consents = await ctx.consents.getMany(tenantId, distinct);
  const now = ctx.clock.now();
  return new Set(
    consents
      .filter((consent) => consent.tenantId === tenantId && visibleTo(consent, employerId, now))
      .map((consent) => consent.learnerId),
  );
}

/**
 * Gives or changes the learner's consent in their tenant, and re-indexes them. Only the
 * learner may give it: nobody else, a platform admin included, can make them findable.
 *
 * @example
 * await giveConsent(ctx, principal, 'ada', { displayName: 'Ada L.', employers: 'all' });
 */
export async function giveConsent(
  ctx: ServiceContext,
  principal: Principal,
  learnerId: string,
  input: ConsentInput,
): Promise<ConsentView> {
  requireSelf(principal, learnerId);
  const now = ctx.clock.now();
  const checked = checkInput(input, now);
  const tenantId = tenantOf(principal);
  const previous = await ctx.consents.get(learnerId, tenantId);
  const at = now.toISOString();
  const record: ConsentRecord = {
    learnerId,
    tenantId,
    state: 'given',
    displayName: checked.displayName,
    employers: checked.employers,
    ...(checked.until === undefined ? {} : { until: checked.until }),
    givenAt: previous?.state === 'given' ? previous.givenAt : at,
    updatedAt: at,
  };
  await ctx.consents.put(record);
  await reindexLearner(ctx, learnerId);
  return view(record, now);
}

/**
 * The learner's consent in their tenant; NOT_FOUND when they never gave one.
 *
 * @example
 * const consent = await getConsent(ctx, principal, 'ada');
 */
export async function getConsent(
  ctx: ServiceContext,
  principal: Principal,
  learnerId: string,
): Promise<ConsentView> {
  requireLearnerScope(principal, learnerId);
  const consent = await ctx.consents.get(learnerId, tenantOf(principal));
  if (consent === undefined)
    throw new ServiceError('NOT_FOUND', `learner ${learnerId} has not given consent to be found`);
  return view(consent, ctx.clock.now());
}

/**
 * Withdraws the learner's consent (the learner, or a platform admin): they leave the index
 * before this returns.
 *
 * @example
 * await withdrawConsent(ctx, principal, 'ada');
 */
export async function withdrawConsent(
  ctx: ServiceContext,
  principal: Principal,
  learnerId: string,
): Promise<ConsentView> {
  requireLearnerScope(principal, learnerId);
  const tenantId = tenantOf(principal);
  const previous = await ctx.consents.get(learnerId, tenantId);
  if (previous === undefined)
    throw new ServiceError('NOT_FOUND', `learner ${learnerId} has not given consent to be found`);
  const now = ctx.clock.now();
  const record: ConsentRecord = { ...previous, state: 'withdrawn', updatedAt: now.toISOString() };
  await ctx.consents.put(record);
  await reindexLearner(ctx, learnerId);
  return view(record, now);
}

/** One time an employer found or viewed the learner. */
export interface SeenView {
  readonly at: string;
  readonly kind: SeenRecord['kind'];
  readonly tenantId: string;
  readonly employerId: string;
  readonly skills: readonly string[];
}

/**
 * Who found or viewed the learner, newest first.
 *
 * @example
 * const { items } = await learnerSearchActivity(ctx, principal, 'ada');
 */
export async function learnerSearchActivity(
  ctx: ServiceContext,
  principal: Principal,
  learnerId: string,
  cursor?: string,
): Promise<Page<SeenView>> {
  requireLearnerScope(principal, learnerId);
  const page = await ctx.searchAudit.listSeen(learnerId, cursor);
  return {
    items: page.items.map(({ at, kind, tenantId, employerId, skills }) => ({
      at,
      kind,
      tenantId,
      employerId,
      skills,
    })),
    ...(page.cursor === undefined ? {} : { cursor: page.cursor }),
  };
}
