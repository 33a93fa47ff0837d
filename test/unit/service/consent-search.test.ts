import { describe, expect, it } from 'vitest';
import { recordIssuedCredential } from '#shared/domain/candidate-index.ts';
import { getConsent, giveConsent, withdrawConsent } from '#shared/domain/consent.ts';
import { issueCredential } from '#shared/domain/issuance.ts';
import type { Principal } from '#shared/domain/principal.ts';
import { searchCandidates } from '#shared/domain/search.ts';
import { ADMIN, memoryService, seedIssuer, useVaultDir } from '#test/support/memory-service.ts';

const vaultDir = useVaultDir();
const ADA: Principal = { subject: 'ada', roles: ['learner'], learnerId: 'ada' };
const ACME: Principal = { subject: 'recruiter', roles: ['employer'], employerId: 'acme' };

/** Ada holds an SQL badge, copied to her partition as the stream indexer would. */
async function service() {
  const ctx = memoryService(vaultDir());
  const ids = await seedIssuer(ctx, 'northfield', ['Advanced SQL']);
  const { record } = await issueCredential(ctx, ADMIN, {
    issuerId: 'northfield',
    achievementId: ids['Advanced SQL'] as string,
    recipient: { id: 'did:example:ada' },
    learnerId: 'ada',
  });
  await recordIssuedCredential(ctx, record, '1', false);
  return ctx;
}

const found = async (ctx: Awaited<ReturnType<typeof service>>) =>
  (await searchCandidates(ctx, ACME, { text: 'sql' })).hits.map((hit) => hit.learnerId);

describe('consent and search on memory', () => {
  it('makes a learner findable once she consents, and unfindable at once when she withdraws', async () => {
    const ctx = await service();
    const before = await found(ctx);

    const given = await giveConsent(ctx, ADA, 'ada', { displayName: ' Ada L. ', employers: 'all' });
    const during = await found(ctx);
    const withdrawn = await withdrawConsent(ctx, ADA, 'ada');
    const after = await found(ctx);

    expect(before).toEqual([]);
    expect(given).toMatchObject({ state: 'given', displayName: 'Ada L.', discoverable: true });
    expect(during).toEqual(['ada']);
    expect(withdrawn).toMatchObject({ state: 'withdrawn', discoverable: false });
    expect(after).toEqual([]);
    expect(await getConsent(ctx, ADA, 'ada')).toMatchObject({ state: 'withdrawn' });
  });

  it('shows a learner only to the employers she named', async () => {
    const ctx = await service();
    await giveConsent(ctx, ADA, 'ada', { displayName: 'Ada', employers: ['globex'] });

    const globex: Principal = { ...ACME, employerId: 'globex' };

    expect(await found(ctx)).toEqual([]);
    expect(
      (await searchCandidates(ctx, globex, { text: 'sql' })).hits.map((h) => h.learnerId),
    ).toEqual(['ada']);
  });

  it('refuses consent given for someone else, or with a past date, storing nothing', async () => {
    const ctx = await service();

    await expect(
      giveConsent(ctx, ADMIN, 'ada', { displayName: 'Ada', employers: 'all' }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(
      giveConsent(ctx, ADA, 'ada', {
        displayName: 'Ada',
        employers: 'all',
        until: '2020-01-01T00:00:00Z',
      }),
    ).rejects.toMatchObject({ code: 'VALIDATION', fields: [{ pointer: '/until' }] });
    await expect(getConsent(ctx, ADA, 'ada')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await found(ctx)).toEqual([]);
  });
});
