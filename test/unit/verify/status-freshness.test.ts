import { describe, expect, it } from 'vitest';
import { StaticFetcher } from '#shared/adapters/https/static-fetcher.ts';
import { fixedClock } from '#shared/core/clock.ts';
import type { FetchedResource, Fetcher } from '#shared/credentials/fetch/fetcher.ts';
import { createVerifier } from '#shared/credentials/verify/verifier.ts';
import { issueCredential } from '#shared/domain/issuance.ts';
import { selfFetcher } from '#shared/domain/self-fetcher.ts';
import { changeStatus } from '#shared/domain/status.ts';
import {
  ADMIN,
  MEMORY_NOW,
  memoryService,
  seedIssuer,
  useVaultDir,
} from '#test/support/memory-service.ts';

/**
 * The service's verifier remembers status lists by content (parsed document, verdict on its
 * signature, decoded bits) and signs its own lists once per revision. None of that may ever
 * let a revoked or suspended credential verify: each request reads the list's revision, a
 * change is a new list text, and a new text is verified and read afresh.
 */

const vaultDir = useVaultDir();
let issuers = 0;

/** Counts the status list reads that reach the table. */
function countingReads(ctx: ReturnType<typeof memoryService>) {
  const counts = { revision: 0, read: 0 };
  const revision = ctx.statusLists.revision.bind(ctx.statusLists);
  const read = ctx.statusLists.read.bind(ctx.statusLists);
  ctx.statusLists.revision = (listId) => {
    counts.revision += 1;
    return revision(listId);
  };
  ctx.statusLists.read = (listId, purpose) => {
    counts.read += 1;
    return read(listId, purpose);
  };
  return counts;
}

async function ownCredential(purpose: 'revocation' | 'suspension') {
  const ctx = memoryService(vaultDir());
  issuers += 1;
  const issuerId = `fresh-${issuers}`;
  const ids = await seedIssuer(ctx, issuerId, ['SQL'], { statusPurpose: purpose });
  const { record } = await issueCredential(ctx, ADMIN, {
    issuerId,
    achievementId: ids.SQL as string,
    recipient: { email: 'ada@mail.example' },
  });
  const verifier = createVerifier({
    fetcher: selfFetcher(ctx, new StaticFetcher({})),
    clock: ctx.clock,
  });
  const statusOf = async () => {
    const report = await verifier.verify(record.signed);
    return {
      verdict: report.verdict,
      status: report.checks.filter((check) => check.id === 'status').map((c) => c.outcome),
    };
  };
  return { ctx, record, statusOf };
}

describe('own status lists, remembered by content', () => {
  it('sees a revocation on the very next verification', async () => {
    const { ctx, record, statusOf } = await ownCredential('revocation');
    expect(await statusOf()).toEqual({ verdict: 'valid', status: ['passed'] });
    expect(await statusOf()).toEqual({ verdict: 'valid', status: ['passed'] });

    await changeStatus(ctx, ADMIN, record.id, 'revoked');

    expect(await statusOf()).toEqual({ verdict: 'invalid', status: ['failed'] });
  });

  it('follows suspension and reinstatement each at once, both ways', async () => {
    const { ctx, record, statusOf } = await ownCredential('suspension');
    const seen: string[] = [(await statusOf()).verdict];

    for (const to of ['suspended', 'active', 'suspended', 'active'] as const) {
      await changeStatus(ctx, ADMIN, record.id, to);
      seen.push((await statusOf()).verdict);
    }

    expect(seen).toEqual(['valid', 'invalid', 'valid', 'invalid', 'valid']);
  });

  it('reads only the revision while the list is unchanged, and the bits once it changes', async () => {
    const { ctx, record, statusOf } = await ownCredential('revocation');
    await statusOf();
    const counts = countingReads(ctx);

    await statusOf();
    await statusOf();
    expect(counts).toEqual({ revision: 2, read: 0 });

    await changeStatus(ctx, ADMIN, record.id, 'revoked');
    expect((await statusOf()).verdict).toBe('invalid');
    expect(counts.read).toBe(1);
  });
});

describe('status list verdicts remembered by text', () => {
  /** Serves the service's real list for `record`, or the text `override` returns. */
  function listServer(inner: Fetcher, override: (jwt: string) => string): Fetcher {
    return {
      async fetch(url, options): Promise<FetchedResource> {
        const resource = await inner.fetch(url, options);
        if (!url.includes('/status/')) return resource;
        const text = override(new TextDecoder().decode(resource.body));
        return { ...resource, body: new TextEncoder().encode(text) };
      },
    };
  }

  it('never lends a verified list its verdict to a different text', async () => {
    const { ctx, record } = await ownCredential('revocation');
    let tamper = false;
    const fetcher = listServer(selfFetcher(ctx, new StaticFetcher({})), (jwt) => {
      if (!tamper) return jwt;
      // The same list with one character of its signature changed.
      const last = jwt.at(-1) === 'A' ? 'B' : 'A';
      return `${jwt.slice(0, -1)}${last}`;
    });
    const verifier = createVerifier({ fetcher, clock: fixedClock(MEMORY_NOW) });
    expect((await verifier.verify(record.signed)).verdict).toBe('valid');

    tamper = true;
    const report = await verifier.verify(record.signed);

    expect(report.verdict).toBe('invalid');
    expect(report.checks.find((check) => check.id === 'status')?.reason).toContain(
      'failed verification',
    );
  });
});
