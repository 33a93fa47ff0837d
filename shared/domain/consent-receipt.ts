import { type ConsentView, getConsent } from './consent.ts';
import type { ServiceContext } from './ports/service-context.ts';
import type { Principal } from './principal.ts';

/**
 * A consent receipt the learner can keep, in the spirit of ISO/IEC TS 27560 (consent record
 * information structure): who consented, to whom, for what purpose, from when, until when,
 * and when it was withdrawn. Built by the service from the consent it stored — right after a
 * change, that change — never from what a form held, so the receipt says what the service will
 * act on.
 */

/** The stored consent a receipt is made from (the consent view, without its derived state). */
export type StoredConsent = Omit<ConsentView, 'discoverable'>;

export interface ConsentReceipt {
  readonly schema: 'credstack-consent-receipt/1';
  /** Unique per receipt; repeated downloads of one change give the same id. */
  readonly receiptId: string;
  readonly issuedAt: string;
  /** What this receipt records: the consent being given (or changed), or withdrawn. */
  readonly event: 'given' | 'withdrawn';
  readonly dataSubject: { readonly learnerId: string; readonly shownAs: string };
  readonly controller: { readonly service: string; readonly tenant: string };
  readonly purpose: {
    readonly description: string;
    readonly processing: readonly string[];
    readonly personalData: readonly string[];
  };
  readonly recipients: { readonly employers: 'all' | readonly string[] };
  readonly legalBasis: 'consent';
  readonly validity: {
    readonly from: string;
    readonly until: string | null;
    readonly withdrawnAt: string | null;
  };
  readonly howToWithdraw: string;
}

const PURPOSE =
  'Let employers find me in candidate search by the skills my verified badges show, and see my profile.';

/**
 * @example
 * consentReceipt('ada', stored, 'https://credstack.example').validity.withdrawnAt; // null while given
 */
export function consentReceipt(
  learnerId: string,
  consent: StoredConsent,
  service: string,
): ConsentReceipt {
  const withdrawn = consent.state === 'withdrawn';
  return {
    schema: 'credstack-consent-receipt/1',
    // The stored change is named by who, where and when: the same change, the same id.
    receiptId: `${consent.tenantId}:${learnerId}:${consent.updatedAt}:${consent.state}`,
    issuedAt: consent.updatedAt,
    event: withdrawn ? 'withdrawn' : 'given',
    dataSubject: { learnerId, shownAs: consent.displayName },
    controller: { service, tenant: consent.tenantId },
    purpose: {
      description: PURPOSE,
      processing: ['candidate search', 'profile view', 'shortlist export'],
      personalData: [
        'the name shown to employers',
        'the skills, achievements and issuers of verified badges',
      ],
    },
    recipients: { employers: withdrawn ? [] : consent.employers },
    legalBasis: 'consent',
    validity: {
      from: consent.givenAt,
      until: consent.until ?? null,
      withdrawnAt: withdrawn ? consent.updatedAt : null,
    },
    howToWithdraw: `${service}/app/privacy — "Withdraw consent" (or DELETE ${service}/learners/${learnerId}/consent); it takes effect at once.`,
  };
}

/**
 * The receipt for the learner's consent as stored now: 404 when they never gave one.
 *
 * @example
 * const receipt = await getConsentReceipt(ctx, principal, 'ada');
 */
export async function getConsentReceipt(
  ctx: ServiceContext,
  principal: Principal,
  learnerId: string,
): Promise<ConsentReceipt> {
  const { discoverable: _derived, ...stored } = await getConsent(ctx, principal, learnerId);
  return consentReceipt(learnerId, stored, ctx.baseUrl);
}

/** The receipt's file name: the learner and the moment of the change. */
export function receiptFileName(
  learnerId: string,
  consent: Pick<StoredConsent, 'state' | 'updatedAt'>,
): string {
  const at = consent.updatedAt.replace(/[^0-9TZ]/g, '');
  return `consent-receipt-${learnerId}-${consent.state}-${at}.json`;
}
