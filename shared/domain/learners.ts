import { credentialJson } from './issuance.ts';
import { type ServiceContext, urls } from './ports/service-context.ts';
import { type Principal, requireLearnerScope } from './principal.ts';
import type {
  CredentialRecord,
  CredentialState,
  PathwayAward,
  ProofFormat,
} from './records/records.ts';

/**
 * A learner's wallet on the service: the credentials awarded to their account (all of them at
 * once as a signed CLR 2.0 ClrCredential: learner-clr.ts).
 */

/** A credential as its learner's list shows it. */
export interface LearnerCredentialView {
  readonly id: string;
  readonly issuer: { readonly id: string; readonly did: string; readonly name?: string };
  readonly achievement: { readonly id: string; readonly name?: string };
  readonly issuedAt: string;
  readonly validUntil?: string;
  readonly state: CredentialState;
  readonly proofFormat: ProofFormat;
  /** Present on a pathway (or milestone) credential the service awarded: what it completed. */
  readonly award?: PathwayAward;
  readonly links: {
    readonly json: string;
    readonly jwt?: string;
    readonly verify: string;
    readonly png: string;
    readonly svg: string;
  };
}

export interface LearnerCredentialPage {
  readonly items: readonly LearnerCredentialView[];
  readonly cursor?: string;
}

export function objectOrEmpty(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function stringOr(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function firstSubject(credential: Record<string, unknown>): Record<string, unknown> {
  const subject = credential.credentialSubject;
  return objectOrEmpty(Array.isArray(subject) ? subject[0] : subject);
}

function credentialView(ctx: ServiceContext, record: CredentialRecord): LearnerCredentialView {
  const credential = credentialJson(record);
  const issuer = objectOrEmpty(credential.issuer);
  const achievement = objectOrEmpty(firstSubject(credential).achievement);
  const issuerName = stringOr(issuer.name);
  const achievementName = stringOr(achievement.name);
  const base = urls.credential(ctx.baseUrl, record.id);
  return {
    id: record.id,
    issuer: {
      id: record.issuerId,
      did: stringOr(issuer.id) ?? stringOr(credential.issuer) ?? '',
      ...(issuerName === undefined ? {} : { name: issuerName }),
    },
    achievement: {
      id:
        stringOr(achievement.id) ??
        urls.achievement(ctx.baseUrl, record.issuerId, record.achievementId),
      ...(achievementName === undefined ? {} : { name: achievementName }),
    },
    issuedAt: record.issuedAt,
    ...(record.validUntil === undefined ? {} : { validUntil: record.validUntil }),
    state: record.state,
    proofFormat: record.proofFormat,
    ...(record.award === undefined ? {} : { award: record.award }),
    links: {
      json: base,
      ...(record.proofFormat === 'vc-jwt' ? { jwt: `${base}/credential.jwt` } : {}),
      verify: `${base}/verify`,
      png: `${base}/badge.png`,
      svg: `${base}/badge.svg`,
    },
  };
}

/**
 * A page of the learner's credentials, newest first. A learner sees only their own; a
 * platform admin sees anyone's.
 *
 * @example
 * const { items, cursor } = await listLearnerCredentials(ctx, principal, 'ada');
 */
export async function listLearnerCredentials(
  ctx: ServiceContext,
  principal: Principal,
  learnerId: string,
  cursor?: string,
): Promise<LearnerCredentialPage> {
  requireLearnerScope(principal, learnerId);
  const page = await ctx.credentials.listByLearner(learnerId, cursor);
  return {
    items: page.items.map((record) => credentialView(ctx, record)),
    ...(page.cursor === undefined ? {} : { cursor: page.cursor }),
  };
}
