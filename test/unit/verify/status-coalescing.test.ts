import { describe, expect, it } from 'vitest';
import { StaticFetcher } from '#shared/adapters/https/static-fetcher.ts';
import { createVerifier } from '#shared/credentials/verify/verifier.ts';
import { issueCredential } from '#shared/domain/issuance.ts';
import { selfFetcher } from '#shared/domain/self-fetcher.ts';
import { changeStatus } from '#shared/domain/status.ts';
import { ADMIN, memoryService, seedIssuer, useVaultDir } from '#test/support/memory-service.ts';

/**
 * Concurrent verifications of one issuer's credentials share reads of the status list's
 * revision, and still each sees every change committed before it arrived: a verification
 * that arrives while a read is in flight waits for the next read, never the one in flight.
 * The table is the in-memory store behind a gate the test opens read by read; each read takes
 * the revision at the moment it is sent, as a strongly consistent read does.
 */

const vaultDir = useVaultDir();
let issuers = 0;

async function gatedService(purpose: 'revocation' | 'suspension' = 'revocation') {
  const ctx = memoryService(vaultDir());
  issuers += 1;
  const issuerId = `gated-${issuers}`;
  const ids = await seedIssuer(ctx, issuerId, ['SQL'], { statusPurpose: purpose });
  const { record } = await issueCredential(ctx, ADMIN, {
    issuerId,
    achievementId: ids.SQL as string,
    recipient: { email: 'ada@mail.example' },
  });
  const fetcher = selfFetcher(ctx, new StaticFetcher({}));
  const verifier = createVerifier({ fetcher, clock: ctx.clock });
  const verify = async () => {
    const report = await verifier.verify(record.signed);
    const status = report.checks.filter((check) => check.id === 'status');
    return {
      verdict: report.verdict,
      status: status.map((check) => check.outcome),
      reason: status.map((check) => check.reason).join('; '),
    };
  };
  // The list is signed on the first verification; from then on each one reads its revision.
  expect((await verify()).verdict).toBe('valid');

  const gate: { release: () => void; fail: (error: Error) => void }[] = [];
  const revision = ctx.statusLists.revision.bind(ctx.statusLists);
  ctx.statusLists.revision = (listId) => {
    const sent = revision(listId);
    return new Promise((resolve, reject) => {
      gate.push({ release: () => sent.then(resolve, reject), fail: reject });
    });
  };
  /** Lets promise reactions and timers run until `reads` reads have been sent. */
  const readsSent = async (reads: number) => {
    for (let turn = 0; turn < 200 && gate.length < reads; turn += 1)
      await new Promise((resolve) => setImmediate(resolve));
    return gate.length;
  };
  return { ctx, record, fetcher, verify, gate, readsSent };
}

describe('status revision reads, coalesced per list', () => {
  it('sees a revocation committed while a read was in flight, before the verification came', async () => {
    const { ctx, record, verify, gate, readsSent } = await gatedService();
    const early = verify();
    expect(await readsSent(1)).toBe(1);

    // The read in flight already took the revision from before the revocation.
    await changeStatus(ctx, ADMIN, record.id, 'revoked');
    const late = verify();
    const alsoLate = verify();
    // Neither joins the read in flight; no second read is sent while it is.
    expect(await readsSent(2)).toBe(1);

    gate[0]!.release();
    expect(await early).toMatchObject({ verdict: 'valid', status: ['passed'] });
    // One next read, sent after both arrived, answers both.
    expect(await readsSent(2)).toBe(2);
    gate[1]!.release();
    expect(await late).toMatchObject({ verdict: 'invalid', status: ['failed'] });
    expect(await alsoLate).toMatchObject({ verdict: 'invalid', status: ['failed'] });
    expect(gate).toHaveLength(2);
  });

  it('follows a reinstatement the same way', async () => {
    const { ctx, record, verify, gate, readsSent } = await gatedService('suspension');
    await changeStatus(ctx, ADMIN, record.id, 'suspended');
    // Signs the suspended list (the read of its new revision is let through at once).
    const signing = verify();
    expect(await readsSent(1)).toBe(1);
    gate.shift()!.release();
    expect((await signing).verdict).toBe('invalid');

    const suspended = verify();
    expect(await readsSent(1)).toBe(1);
    await changeStatus(ctx, ADMIN, record.id, 'active');
    const reinstated = verify();

    gate[0]!.release();
    expect((await suspended).verdict).toBe('invalid');
    expect(await readsSent(2)).toBe(2);
    gate[1]!.release();
    expect((await reinstated).verdict).toBe('valid');
  });

  it('fails only the verifications waiting on a failed read, with a named status check', async () => {
    const { verify, gate, readsSent } = await gatedService();
    const unlucky = verify();
    expect(await readsSent(1)).toBe(1);
    const queued = verify();

    gate[0]!.fail(new Error('the table did not answer'));
    const failed = await unlucky;
    expect(failed.verdict).not.toBe('valid');
    expect(failed.status).toEqual(['failed']);
    expect(failed.reason).toMatch(/status list/i);

    // The verification queued behind it gets a read of its own, and its answer.
    expect(await readsSent(2)).toBe(2);
    gate[1]!.release();
    expect(await queued).toMatchObject({ verdict: 'valid', status: ['passed'] });
  });

  it('lets a fetch for a verification that arrived earlier share a read sent since', async () => {
    const { record, fetcher, gate, readsSent } = await gatedService();
    const url = JSON.parse(Buffer.from(record.signed.split('.')[1]!, 'base64url').toString('utf8'))
      .credentialStatus.statusListCredential as string;
    const arrived = performance.now();
    const first = fetcher.fetch(url);
    expect(await readsSent(1)).toBe(1);
    // Arrived before the read in flight was sent: that read answers it.
    const second = fetcher.fetch(url, { freshSince: arrived });
    // Arrived now, after it was sent: it waits for the next.
    const third = fetcher.fetch(url, { freshSince: performance.now() });
    gate[0]!.release();
    const [a, b] = await Promise.all([first, second]);
    expect(new TextDecoder().decode(b.body)).toBe(new TextDecoder().decode(a.body));
    expect(await readsSent(2)).toBe(2);
    gate[1]!.release();
    await third;
    expect(gate).toHaveLength(2);
  });
});
