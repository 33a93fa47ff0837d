import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import { fixedClock } from '#shared/core/clock.ts';
import { issueCredential, requireCredential } from '#shared/domain/issuance.ts';
import type { Principal } from '#shared/domain/principal.ts';
import {
  ADMIN,
  BASE_URL,
  MEMORY_NOW,
  memoryService,
  seedIssuer,
  useVaultDir,
} from '#test/support/memory-service.ts';

const vaultDir = useVaultDir();

async function service() {
  const ctx = memoryService(vaultDir());
  const ids = await seedIssuer(ctx, 'northfield', ['SQL']);
  return { ctx, achievementId: ids.SQL as string };
}

describe('issueCredential on memory', () => {
  it('signs a VC-JWT with a status entry in the issuer list, and stores it active', async () => {
    const { ctx, achievementId } = await service();

    const { record, credential } = await issueCredential(ctx, ADMIN, {
      issuerId: 'northfield',
      achievementId,
      recipient: { id: 'did:example:ada' },
      learnerId: 'ada',
    });

    expect(record).toMatchObject({
      issuerId: 'northfield',
      achievementId,
      learnerId: 'ada',
      proofFormat: 'vc-jwt',
      state: 'active',
      // Credentials carry whole seconds.
      issuedAt: MEMORY_NOW.replace('.000Z', 'Z'),
      status: { listId: 'northfield.1' },
    });
    expect(await ctx.credentials.get(record.id)).toEqual(record);
    expect(credential).toMatchObject({
      id: record.id,
      issuer: { id: 'did:web:issuer.example:issuers:northfield' },
      credentialSubject: { id: 'did:example:ada' },
      credentialStatus: {
        statusPurpose: 'revocation',
        statusListIndex: String(record.status.index),
        statusListCredential: `${BASE_URL}/status/northfield.1/revocation`,
      },
    });
    expect(decodeJwt(record.signed)).toMatchObject({
      jti: record.id,
      iss: 'did:web:issuer.example:issuers:northfield',
    });
    expect(await ctx.statusLists.getBit(record.status, 'revocation')).toBe(false);
    expect((await ctx.credentials.listByLearner('ada')).items.map((c) => c.id)).toEqual([
      record.id,
    ]);
  });

  it('keeps an email recipient only as a salted hash', async () => {
    const { ctx, achievementId } = await service();

    const { record, credential } = await issueCredential(ctx, ADMIN, {
      issuerId: 'northfield',
      achievementId,
      recipient: { email: 'ada@example.org' },
    });

    expect(JSON.stringify(record)).not.toContain('ada@example.org');
    expect(JSON.stringify(credential)).not.toContain('ada@example.org');
    expect(credential.credentialSubject).toMatchObject({
      identifier: [{ identityType: 'emailAddress', hashed: true }],
    });
  });

  it('gives each credential its own status index', async () => {
    const { ctx, achievementId } = await service();
    const input = { issuerId: 'northfield', achievementId, recipient: { id: 'did:example:a' } };

    const issued = await Promise.all(
      Array.from({ length: 20 }, () => issueCredential(ctx, ADMIN, input)),
    );

    const indexes = new Set(issued.map(({ record }) => record.status.index));
    expect(indexes.size).toBe(20);
  });

  it('refuses a recipient with neither or both of id and email, writing nothing', async () => {
    const { ctx, achievementId } = await service();

    for (const recipient of [{}, { id: 'did:example:a', email: 'a@example.org' }]) {
      await expect(
        issueCredential(ctx, ADMIN, { issuerId: 'northfield', achievementId, recipient }),
      ).rejects.toMatchObject({ code: 'VALIDATION', fields: [{ pointer: '/recipient' }] });
    }
    expect((await ctx.credentials.listByIssuer('northfield')).items).toEqual([]);
  });

  it('refuses a validUntil already past or before validFrom', async () => {
    const { ctx, achievementId } = await service();
    const base = { issuerId: 'northfield', achievementId, recipient: { id: 'did:example:a' } };

    await expect(
      issueCredential(ctx, ADMIN, { ...base, validUntil: '2026-01-01T00:00:00Z' }),
    ).rejects.toMatchObject({ code: 'VALIDATION', fields: [{ pointer: '/validUntil' }] });
    await expect(
      issueCredential(ctx, ADMIN, {
        ...base,
        validFrom: '2027-06-01T00:00:00Z',
        validUntil: '2027-01-01T00:00:00Z',
      }),
    ).rejects.toMatchObject({ code: 'VALIDATION', fields: [{ pointer: '/validUntil' }] });
    expect((await ctx.credentials.listByIssuer('northfield')).items).toEqual([]);
  });

  it('refuses an unknown achievement with NOT_FOUND and another issuer admin with FORBIDDEN', async () => {
    const { ctx, achievementId } = await service();
    const other: Principal = { subject: 'o', roles: ['issuer-admin'], issuerId: 'elsewhere' };
    const recipient = { id: 'did:example:a' };

    await expect(
      issueCredential(ctx, ADMIN, { issuerId: 'northfield', achievementId: 'nope', recipient }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(
      issueCredential(ctx, other, { issuerId: 'northfield', achievementId, recipient }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(requireCredential(ctx, 'urn:uuid:missing')).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  it('refuses a caller-chosen credential id already taken with CONFLICT, keeping the first', async () => {
    const { ctx, achievementId } = await service();
    const input = {
      issuerId: 'northfield',
      achievementId,
      recipient: { id: 'did:example:a' },
      credentialId: 'urn:uuid:11111111-1111-4111-8111-111111111111',
    };
    const first = await issueCredential(ctx, ADMIN, input);

    await expect(
      issueCredential(ctx, ADMIN, { ...input, recipient: { id: 'did:example:b' } }),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(await ctx.credentials.get(input.credentialId)).toEqual(first.record);
  });

  it('dates the credential by the injected clock', async () => {
    const ctx = memoryService(vaultDir(), { clock: fixedClock('2030-05-05T05:05:05.000Z') });
    const ids = await seedIssuer(ctx, 'later', ['X']);

    const { record, credential } = await issueCredential(ctx, ADMIN, {
      issuerId: 'later',
      achievementId: ids.X as string,
      recipient: { id: 'did:example:a' },
    });

    expect(record.issuedAt).toBe('2030-05-05T05:05:05Z');
    expect(credential.validFrom).toBe('2030-05-05T05:05:05Z');
  });
});
