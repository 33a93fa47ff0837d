import { decodeProtectedHeader } from 'jose';
import { describe, expect, it } from 'vitest';
import type { Clock } from '#shared/core/clock.ts';
import { issueCredential } from '#shared/domain/issuance.ts';
import {
  didDocument,
  jwks,
  listIssuers,
  onboardIssuer,
  rotateKey,
} from '#shared/domain/issuers.ts';
import type { Principal } from '#shared/domain/principal.ts';
import { ADMIN, memoryService, seedIssuer, useVaultDir } from '#test/support/memory-service.ts';

const vaultDir = useVaultDir();

/** A clock the test moves: key ids and retirement times follow it. */
function steppingClock(start: string): Clock & { advance(ms: number): void } {
  let at = Date.parse(start);
  return {
    now: () => new Date(at),
    advance: (ms) => {
      at += ms;
    },
  };
}

describe('onboardIssuer on memory', () => {
  it('gives the issuer a did:web and one active key per algorithm, published', async () => {
    const ctx = memoryService(vaultDir());

    const view = await onboardIssuer(ctx, ADMIN, { id: 'northfield', name: 'Northfield' });

    expect(view).toMatchObject({
      id: 'northfield',
      did: 'did:web:issuer.example:issuers:northfield',
      didDocument: 'https://issuer.example/issuers/northfield/did.json',
    });
    expect(view.keys.map((key) => [key.algorithm, key.status])).toEqual([
      ['ES256', 'active'],
      ['RS256', 'active'],
      ['EdDSA', 'active'],
    ]);
    const document = await didDocument(ctx, 'northfield');
    expect([...(document.assertionMethod as string[])].sort()).toEqual(
      view.keys.map((key) => key.id).sort(),
    );
    expect((await jwks(ctx, 'northfield')).keys.map((key) => key.alg).sort()).toEqual(
      ['ES256', 'EdDSA', 'RS256'].sort(),
    );
  });

  it('refuses a taken id with CONFLICT, a bad slug with VALIDATION, a non-admin with FORBIDDEN', async () => {
    const ctx = memoryService(vaultDir());
    await onboardIssuer(ctx, ADMIN, { id: 'northfield', name: 'Northfield' });
    const issuerAdmin: Principal = { subject: 'i', roles: ['issuer-admin'], issuerId: 'x' };

    await expect(
      onboardIssuer(ctx, ADMIN, { id: 'northfield', name: 'Again' }),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(onboardIssuer(ctx, ADMIN, { id: 'Bad Id', name: 'Bad' })).rejects.toMatchObject({
      code: 'VALIDATION',
      fields: [{ pointer: '/id' }],
    });
    await expect(
      onboardIssuer(ctx, issuerAdmin, { id: 'mine', name: 'Mine' }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect((await ctx.issuers.list()).items.map((issuer) => issuer.profile.name)).toEqual([
      'Northfield',
    ]);
  });
});

describe('listIssuers on memory', () => {
  it('lists every issuer a page at a time for a platform admin, and refuses anyone else', async () => {
    const ctx = memoryService(vaultDir());
    expect(await listIssuers(ctx, ADMIN)).toEqual({ items: [] });
    for (const id of ['northfield', 'ashby', 'kestrel'])
      await onboardIssuer(ctx, ADMIN, { id, name: `${id} College` });

    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await listIssuers(ctx, ADMIN, cursor);
      seen.push(...page.items.map((issuer) => issuer.id));
      cursor = page.cursor;
    } while (cursor);
    expect(seen.sort()).toEqual(['ashby', 'kestrel', 'northfield']);
    const first = (await listIssuers(ctx, ADMIN)).items.find((item) => item.id === 'ashby');
    expect(first).toMatchObject({
      did: 'did:web:issuer.example:issuers:ashby',
      name: 'ashby College',
      didDocument: 'https://issuer.example/issuers/ashby/did.json',
    });

    const issuerAdmin: Principal = { subject: 'i', roles: ['issuer-admin'], issuerId: 'ashby' };
    await expect(listIssuers(ctx, issuerAdmin)).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });
});

describe('rotateKey on memory', () => {
  it('retires the old key, keeps it published, and signs new credentials with the new one', async () => {
    const clock = steppingClock('2026-03-01T12:00:00.000Z');
    const ctx = memoryService(vaultDir(), { clock });
    const ids = await seedIssuer(ctx, 'northfield', ['SQL']);
    const issue = async () =>
      (
        await issueCredential(ctx, ADMIN, {
          issuerId: 'northfield',
          achievementId: ids.SQL as string,
          recipient: { id: 'did:example:ada' },
        })
      ).record.signed;
    const before = decodeProtectedHeader(await issue()).kid;
    clock.advance(60_000);

    const view = await rotateKey(ctx, ADMIN, 'northfield', 'ES256');
    const after = decodeProtectedHeader(await issue()).kid;

    const es256 = view.keys.filter((key) => key.algorithm === 'ES256');
    expect(es256.map((key) => key.status).sort()).toEqual(['active', 'retired']);
    expect(es256.find((key) => key.status === 'retired')?.id).toBe(before);
    expect(es256.find((key) => key.status === 'active')?.id).toBe(after);
    expect(after).not.toBe(before);
    const published = (await didDocument(ctx, 'northfield')).assertionMethod;
    expect(published).toEqual(expect.arrayContaining([before, after]));
    const retired = (await ctx.issuers.listKeys('northfield')).find(
      (key) => `${'did:web:issuer.example:issuers:northfield'}#${key.keyId}` === before,
    );
    expect(retired?.retiredAt).toBe('2026-03-01T12:01:00.000Z');
  });

  it('refuses an unknown issuer with NOT_FOUND', async () => {
    const ctx = memoryService(vaultDir());

    await expect(rotateKey(ctx, ADMIN, 'nobody', 'ES256')).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });
});
