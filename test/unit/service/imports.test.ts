import { describe, expect, it } from 'vitest';
import { serviceVerifier } from '#functions/service-context.ts';
import { StaticFetcher } from '#shared/adapters/https/static-fetcher.ts';
import {
  importCredential,
  listImports,
  previewImport,
  removeImport,
  reverifyImport,
} from '#shared/domain/imports.ts';
import { issueCredential } from '#shared/domain/issuance.ts';
import type { Principal } from '#shared/domain/principal.ts';
import { changeStatus } from '#shared/domain/status.ts';
import { ADMIN, memoryService, seedIssuer, useVaultDir } from '#test/support/memory-service.ts';

const vaultDir = useVaultDir();
const ADA: Principal = {
  subject: 'ada',
  roles: ['learner'],
  learnerId: 'ada',
  dids: ['did:example:ada'],
};
let issuers = 0;

/**
 * A credential issued to Ada by an issuer of this service, verified against the service's own
 * DID documents and status lists (nothing reaches a network). Each test has its own issuer id:
 * signed status lists are cached per list id and revision in the process.
 */
async function service() {
  const ctx = memoryService(vaultDir());
  issuers += 1;
  const issuerId = `imports-${issuers}`;
  const ids = await seedIssuer(ctx, issuerId, ['SQL']);
  const { record } = await issueCredential(ctx, ADMIN, {
    issuerId,
    achievementId: ids.SQL as string,
    recipient: { id: 'did:example:ada' },
  });
  const verifier = serviceVerifier(ctx, new StaticFetcher({}));
  return { ctx, record, verifier };
}

describe('imports on memory', () => {
  it("verifies a credential into the learner's wallet once", async () => {
    const { ctx, record, verifier } = await service();

    const imported = await importCredential(ctx, { verifier }, ADA, 'ada', {
      credential: record.signed,
    });
    const again = importCredential(ctx, { verifier }, ADA, 'ada', { credential: record.signed });

    expect(imported).toMatchObject({ credentialId: record.id, state: 'verified' });
    await expect(again).rejects.toMatchObject({ code: 'CONFLICT' });
    expect((await listImports(ctx, ADA, 'ada')).items.map((item) => item.id)).toEqual([
      imported.id,
    ]);
  });

  it("refuses a credential whose subject is not the learner's, storing nothing", async () => {
    const { ctx, record, verifier } = await service();
    const bo: Principal = { subject: 'bo', roles: ['learner'], learnerId: 'bo', dids: [] };

    const attempt = importCredential(ctx, { verifier }, bo, 'bo', { credential: record.signed });

    await expect(attempt).rejects.toMatchObject({ code: 'VALIDATION' });
    expect((await listImports(ctx, bo, 'bo')).items).toEqual([]);
  });

  it('marks an import invalid once its issuer revokes it, and removes it on request', async () => {
    const { ctx, record, verifier } = await service();
    const imported = await importCredential(ctx, { verifier }, ADA, 'ada', {
      credential: record.signed,
    });

    await changeStatus(ctx, ADMIN, record.id, 'revoked');
    const reverified = await reverifyImport(ctx, verifier, ADA, 'ada', imported.id);
    await removeImport(ctx, ADA, 'ada', imported.id);

    expect(reverified.state).toBe('invalid');
    expect((await listImports(ctx, ADA, 'ada')).items).toEqual([]);
    await expect(removeImport(ctx, ADA, 'ada', imported.id)).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  it('previews an import with its report and stores nothing, then says it is already kept', async () => {
    const { ctx, record, verifier } = await service();
    const file = Buffer.from(record.signed).toString('base64');

    const before = await previewImport(ctx, { verifier }, ADA, 'ada', { file });
    const listed = await listImports(ctx, ADA, 'ada');
    await importCredential(ctx, { verifier }, ADA, 'ada', { file });
    const after = await previewImport(ctx, { verifier }, ADA, 'ada', { file });

    expect(before).toMatchObject({
      accepted: true,
      alreadyImported: false,
      format: 'jwt',
      credentialId: record.id,
      achievement: { name: 'SQL' },
    });
    expect(before.refusal).toBeUndefined();
    expect(before.report.verdict).toBe('valid');
    expect(listed.items).toEqual([]);
    expect(after).toMatchObject({ accepted: false, alreadyImported: true });
  });

  it('previews a refusal with its reason, as the import would refuse it', async () => {
    const { ctx, record, verifier } = await service();
    const bo: Principal = { subject: 'bo', roles: ['learner'], learnerId: 'bo', dids: [] };

    const notTheirs = await previewImport(ctx, { verifier }, bo, 'bo', {
      credential: record.signed,
    });
    await changeStatus(ctx, ADMIN, record.id, 'revoked');
    const revoked = await previewImport(ctx, { verifier }, ADA, 'ada', {
      credential: record.signed,
    });

    expect(notTheirs.accepted).toBe(false);
    expect(notTheirs.refusal).toMatch(/"subject" check failed/);
    expect(revoked.accepted).toBe(false);
    expect(revoked.report.verdict).not.toBe('valid');
    expect(revoked.refusal).toMatch(/did not verify/);
    await expect(
      previewImport(ctx, { verifier }, ADA, 'ada', { file: 'bm90IGEgYmFkZ2U=' }),
    ).rejects.toMatchObject({ code: 'VALIDATION' });
    expect((await listImports(ctx, ADA, 'ada')).items).toEqual([]);
  });
});
