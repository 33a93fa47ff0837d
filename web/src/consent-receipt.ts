/**
 * A consent receipt the learner can keep, in the spirit of ISO/IEC TS 27560 (consent record
 * information structure): who consented, to whom, for what purpose, from when, until when,
 * and when it was withdrawn — built from the consent as the service stored it (the answer to
 * the change itself), never from what the form held. Kept free of the DOM so the unit tier
 * checks it.
 */

/** The consent as the API answers it (GET, PUT and DELETE /learners/{learnerId}/consent). */
export interface StoredConsent {
  readonly tenantId: string;
  readonly state: 'given' | 'withdrawn';
  readonly displayName: string;
  readonly employers: 'all' | readonly string[];
  readonly until?: string;
  readonly givenAt: string;
  readonly updatedAt: string;
}

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
 * download('receipt.json', 'application/json', JSON.stringify(consentReceipt('ada', stored, origin)));
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
    howToWithdraw: `${service}/app/privacy — "Withdraw consent"; it takes effect at once.`,
  };
}

/** The receipt's file name: the learner and the moment of the change. */
export function receiptFileName(learnerId: string, consent: StoredConsent): string {
  const at = consent.updatedAt.replace(/[^0-9TZ]/g, '');
  return `consent-receipt-${learnerId}-${consent.state}-${at}.json`;
}
