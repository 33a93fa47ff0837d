import { describe, expect, it } from 'vitest';
import { giveConsent, withdrawConsent } from '#shared/domain/consent.ts';
import {
  consentReceipt,
  getConsentReceipt,
  receiptFileName,
} from '#shared/domain/consent-receipt.ts';
import type { Principal } from '#shared/domain/principal.ts';
import { memoryService, useVaultDir } from '#test/support/memory-service.ts';

const vaultDir = useVaultDir();
const ADA: Principal = { subject: 'ada', roles: ['learner'], learnerId: 'ada' };
const BO: Principal = { subject: 'bo', roles: ['learner'], learnerId: 'bo' };

/** The receipt a learner downloads after each consent change (shared/domain/consent-receipt.ts). */
describe('the consent receipt', () => {
  const given = {
    tenantId: 'default',
    state: 'given' as const,
    displayName: 'Ada L.',
    employers: ['acme-analytics', 'globex'],
    until: '2027-06-30T23:59:59.000Z',
    givenAt: '2026-12-01T10:00:00.000Z',
    updatedAt: '2026-12-01T10:00:00.000Z',
  };

  it('records who, for what, with which employers, from and until when', () => {
    const receipt = consentReceipt('ada', given, 'https://credstack.example');

    expect(receipt).toMatchObject({
      event: 'given',
      dataSubject: { learnerId: 'ada', shownAs: 'Ada L.' },
      controller: { service: 'https://credstack.example', tenant: 'default' },
      recipients: { employers: ['acme-analytics', 'globex'] },
      legalBasis: 'consent',
      validity: {
        from: '2026-12-01T10:00:00.000Z',
        until: '2027-06-30T23:59:59.000Z',
        withdrawnAt: null,
      },
    });
    expect(receipt.purpose.description).toMatch(/candidate search/);
  });

  it('records a withdrawal with its moment and no employer left', () => {
    const withdrawn = { ...given, state: 'withdrawn' as const, updatedAt: '2026-12-07T12:00:00Z' };

    const receipt = consentReceipt('ada', withdrawn, 'https://credstack.example');

    expect(receipt.event).toBe('withdrawn');
    expect(receipt.validity.withdrawnAt).toBe('2026-12-07T12:00:00Z');
    expect(receipt.recipients.employers).toEqual([]);
    expect(receipt.receiptId).not.toBe(
      consentReceipt('ada', given, 'https://credstack.example').receiptId,
    );
    expect(receiptFileName('ada', withdrawn)).toBe(
      'consent-receipt-ada-withdrawn-20261207T120000Z.json',
    );
  });

  it('says "until further notice" as null, never as a made-up date', () => {
    const { until: _until, ...open } = given;

    expect(consentReceipt('ada', { ...open, employers: 'all' }, 'x').validity.until).toBeNull();
  });

  it('is made by the service from what it stored, after each change; never for another learner', async () => {
    const ctx = memoryService(vaultDir());
    await expect(getConsentReceipt(ctx, ADA, 'ada')).rejects.toMatchObject({ code: 'NOT_FOUND' });

    await giveConsent(ctx, ADA, 'ada', { displayName: ' Ada L. ', employers: ['acme'] });
    const given = await getConsentReceipt(ctx, ADA, 'ada');
    await withdrawConsent(ctx, ADA, 'ada');
    const withdrawn = await getConsentReceipt(ctx, ADA, 'ada');

    expect(given).toMatchObject({
      event: 'given',
      dataSubject: { learnerId: 'ada', shownAs: 'Ada L.' },
      controller: { service: ctx.baseUrl },
      recipients: { employers: ['acme'] },
      validity: { withdrawnAt: null },
    });
    expect(withdrawn.event).toBe('withdrawn');
    expect(withdrawn.validity.from).toBe(given.validity.from);
    expect(withdrawn.validity.withdrawnAt).toBe(withdrawn.issuedAt);
    await expect(getConsentReceipt(ctx, BO, 'ada')).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });
});
