import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import { decodeBitstring, getBit } from '#shared/credentials/status/bitstring.ts';
import { issueCredential } from '#shared/domain/issuance.ts';
import type { Principal } from '#shared/domain/principal.ts';
import { changeStatus, statusListCredential } from '#shared/domain/status.ts';
import { ADMIN, memoryService, seedIssuer, useVaultDir } from '#test/support/memory-service.ts';

const vaultDir = useVaultDir();
let issuers = 0;

/**
 * A fresh context and issuer per test. Each issuer has its own id: signed status lists are
 * cached per list id and revision in the process, so two tests must not share a list id.
 */
async function issued(purpose: 'revocation' | 'suspension' = 'revocation') {
  const ctx = memoryService(vaultDir());
  issuers += 1;
  const issuerId = `status-${issuers}`;
  const ids = await seedIssuer(ctx, issuerId, ['SQL'], { statusPurpose: purpose });
  const { record } = await issueCredential(ctx, ADMIN, {
    issuerId,
    achievementId: ids.SQL as string,
    recipient: { id: 'did:example:ada' },
  });
  const bit = () => ctx.statusLists.getBit(record.status, purpose);
  const revision = async () =>
    (await ctx.statusLists.read(record.status.listId, purpose))?.revision;
  return { ctx, record, issuerId, bit, revision };
}

describe('changeStatus on memory', () => {
  it('revokes an active credential: state, reason and bit together', async () => {
    const { ctx, record, bit, revision } = await issued();

    const changed = await changeStatus(ctx, ADMIN, record.id, 'revoked', { reason: 'superseded' });

    expect(changed).toMatchObject({ state: 'revoked', stateReason: 'superseded' });
    expect(await ctx.credentials.get(record.id)).toEqual(changed);
    expect(await bit()).toBe(true);
    expect(await revision()).toBe(1);
  });

  it('suspends, reinstates and then revokes a suspendable credential', async () => {
    const { ctx, record, bit } = await issued('suspension');
    const seen: [string, boolean][] = [];

    for (const to of ['suspended', 'active', 'revoked'] as const) {
      const changed = await changeStatus(ctx, ADMIN, record.id, to);
      seen.push([changed.state, await bit()]);
    }

    expect(seen).toEqual([
      ['suspended', true],
      ['active', false],
      ['revoked', true],
    ]);
  });

  it('refuses to suspend a revocable credential, and to bring back a revoked one', async () => {
    const { ctx, record, bit } = await issued();

    await expect(changeStatus(ctx, ADMIN, record.id, 'suspended')).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    await changeStatus(ctx, ADMIN, record.id, 'revoked');
    await expect(changeStatus(ctx, ADMIN, record.id, 'active')).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    expect((await ctx.credentials.get(record.id))?.state).toBe('revoked');
    expect(await bit()).toBe(true);
  });

  it('writes nothing for a change to the state the credential is already in', async () => {
    const { ctx, record, revision } = await issued();
    await changeStatus(ctx, ADMIN, record.id, 'revoked');

    const again = await changeStatus(ctx, ADMIN, record.id, 'revoked');
    const stillActive = await issued();
    await changeStatus(stillActive.ctx, ADMIN, stillActive.record.id, 'active');

    expect(again.state).toBe('revoked');
    expect(await revision()).toBe(1);
    expect(await stillActive.revision()).toBe(0);
  });

  it('repairs a bit that disagrees with the state, conditional on the state', async () => {
    const { ctx, record, bit, revision } = await issued();
    // A bit set on its own, as a change made before state and bit moved together could leave.
    await ctx.statusLists.setBit(record.status, 'revocation', true);

    const result = await changeStatus(ctx, ADMIN, record.id, 'active');

    expect(result.state).toBe('active');
    expect(await bit()).toBe(false);
    expect(await revision()).toBe(2);
  });

  it('lets two concurrent revocations both succeed with one write: the loser finds it done', async () => {
    const { ctx, record, revision } = await issued();

    const results = await Promise.all([
      changeStatus(ctx, ADMIN, record.id, 'revoked'),
      changeStatus(ctx, ADMIN, record.id, 'revoked'),
    ]);

    expect(results.map((r) => r.state)).toEqual(['revoked', 'revoked']);
    expect(await revision()).toBe(1);
  });

  it('refuses an unknown credential with NOT_FOUND and another issuer admin with FORBIDDEN', async () => {
    const { ctx, record } = await issued();
    const other: Principal = { subject: 'o', roles: ['issuer-admin'], issuerId: 'elsewhere' };

    await expect(changeStatus(ctx, ADMIN, 'urn:uuid:missing', 'revoked')).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(changeStatus(ctx, other, record.id, 'revoked')).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    expect((await ctx.credentials.get(record.id))?.state).toBe('active');
  });
});

describe('statusListCredential on memory', () => {
  it('publishes the bits as a signed list, re-signed once the list changes', async () => {
    const { ctx, record } = await issued();
    const { listId, index } = record.status;
    const listed = (jwt: string) => {
      const { vc } = decodeJwt(jwt) as { vc?: unknown };
      const subject = ((vc ?? decodeJwt(jwt)) as { credentialSubject: { encodedList: string } })
        .credentialSubject;
      return getBit(decodeBitstring(subject.encodedList), index);
    };

    const before = await statusListCredential(ctx, listId, 'revocation');
    const cached = await statusListCredential(ctx, listId, 'revocation');
    await changeStatus(ctx, ADMIN, record.id, 'revoked');
    const after = await statusListCredential(ctx, listId, 'revocation');

    expect(cached).toBe(before);
    expect(listed(before)).toBe(false);
    expect(listed(after)).toBe(true);
    await expect(statusListCredential(ctx, 'nobody.1', 'revocation')).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });
});
