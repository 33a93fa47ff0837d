import { describe, expect, it } from 'vitest';
import { StaticFetcher } from '#shared/adapters/https/static-fetcher.ts';
import type { Fetcher } from '#shared/credentials/fetch/fetcher.ts';
import { createVerifier } from '#shared/credentials/verify/verifier.ts';
import { issueCredential } from '#shared/domain/issuance.ts';
import { revisionOfTag, revisionTag, selfFetcher } from '#shared/domain/self-fetcher.ts';
import { changeStatus } from '#shared/domain/status.ts';
import { revalidatingStatusFetcher } from '#shared/domain/status-revalidation.ts';
import { ADMIN, memoryService, seedIssuer, useVaultDir } from '#test/support/memory-service.ts';

/**
 * Own status lists kept where verification runs (the local runtime's workers) and revalidated
 * with a revision read of their own: an unchanged list is answered without asking the thread
 * that signs, and every change committed before a verification arrived is still seen, as
 * with the service's own fetcher. The verifier here stands for a worker; the "main thread" is
 * the service's fetcher, counted.
 */

const vaultDir = useVaultDir();
let issuers = 0;

async function keptLists(purpose: 'revocation' | 'suspension' = 'revocation') {
  const ctx = memoryService(vaultDir());
  issuers += 1;
  const issuerId = `kept-${issuers}`;
  const ids = await seedIssuer(ctx, issuerId, ['SQL'], { statusPurpose: purpose });
  const { record } = await issueCredential(ctx, ADMIN, {
    issuerId,
    achievementId: ids.SQL as string,
    recipient: { email: 'ada@mail.example' },
  });
  const main = selfFetcher(ctx, new StaticFetcher({}));
  const asked: string[] = [];
  const mainThread: Fetcher = {
    fetch(url, options) {
      asked.push(url);
      return main.fetch(url, options);
    },
  };
  // The worker's own reads: every call counted, each gated until the test lets it answer.
  const gate: { release: () => void; fail: (error: Error) => void }[] = [];
  let gated = false;
  const revision = ctx.statusLists.revision.bind(ctx.statusLists);
  const workerLists = Object.create(ctx.statusLists) as typeof ctx.statusLists;
  let workerReads = 0;
  workerLists.revision = (listId) => {
    workerReads += 1;
    const sent = revision(listId);
    if (!gated) return sent;
    return new Promise((resolve, reject) => {
      gate.push({ release: () => sent.then(resolve, reject), fail: reject });
    });
  };
  let arrived: number | undefined;
  const waits: number[] = [];
  let waiting = 0;
  const fetcher = revalidatingStatusFetcher({
    baseUrl: ctx.baseUrl,
    statusLists: workerLists,
    inner: mainThread,
    arrivedAt: () => arrived,
    onWait: (change) => {
      waiting += change;
      waits.push(waiting);
    },
  });
  const verifier = createVerifier({ fetcher, clock: ctx.clock });
  const verify = async () => {
    const report = await verifier.verify(record.signed);
    return {
      verdict: report.verdict,
      status: report.checks.filter((check) => check.id === 'status').map((c) => c.outcome),
    };
  };
  const statusUrl = JSON.parse(
    Buffer.from(record.signed.split('.')[1]!, 'base64url').toString('utf8'),
  ).credentialStatus.statusListCredential as string;
  /** Lets promise reactions and timers run until `reads` gated reads have been sent. */
  const readsSent = async (reads: number) => {
    for (let turn = 0; turn < 200 && gate.length < reads; turn += 1)
      await new Promise((resolve) => setImmediate(resolve));
    return gate.length;
  };
  return {
    ctx,
    record,
    verify,
    asked: () => asked.filter((url) => url === statusUrl).length,
    workerReads: () => workerReads,
    gate,
    gateReads: () => {
      gated = true;
    },
    readsSent,
    arriveNow: () => {
      arrived = performance.now();
    },
    waits,
  };
}

describe('revisionTag', () => {
  it('names a revision as a weak ETag and reads it back, and nothing else', () => {
    expect(revisionTag(0)).toBe('W/"0"');
    expect(revisionOfTag(revisionTag(42))).toBe(42);
    for (const other of [undefined, '"42"', 'W/"-1"', 'W/"01"', 'W/"4 2"', 'W/"1e3"'])
      expect(revisionOfTag(other)).toBeUndefined();
  });
});

describe('own status lists kept and revalidated', () => {
  it('asks the signing thread once, then only reads the revision while the list is unchanged', async () => {
    const lists = await keptLists();
    expect(await lists.verify()).toEqual({ verdict: 'valid', status: ['passed'] });
    expect([lists.asked(), lists.workerReads()]).toEqual([1, 0]);

    expect(await lists.verify()).toEqual({ verdict: 'valid', status: ['passed'] });
    expect(await lists.verify()).toEqual({ verdict: 'valid', status: ['passed'] });

    expect([lists.asked(), lists.workerReads()]).toEqual([1, 2]);
    // Each wait for a read was told, and its end.
    expect(lists.waits).toEqual([1, 0, 1, 0]);
  });

  it('sees a revocation on the very next verification', async () => {
    const { ctx, record, verify, asked } = await keptLists();
    expect((await verify()).verdict).toBe('valid');
    expect((await verify()).verdict).toBe('valid');

    await changeStatus(ctx, ADMIN, record.id, 'revoked');

    expect(await verify()).toEqual({ verdict: 'invalid', status: ['failed'] });
    // The changed list came from the signing thread; it is kept in its turn.
    expect(asked()).toBe(2);
    expect(await verify()).toEqual({ verdict: 'invalid', status: ['failed'] });
    expect(asked()).toBe(2);
  });

  it('follows suspension and reinstatement each at once, both ways', async () => {
    const { ctx, record, verify } = await keptLists('suspension');
    const seen: string[] = [(await verify()).verdict];

    for (const to of ['suspended', 'active', 'suspended', 'active'] as const) {
      await changeStatus(ctx, ADMIN, record.id, to);
      seen.push((await verify()).verdict);
      seen.push((await verify()).verdict);
    }

    expect(seen).toEqual([
      'valid',
      'invalid',
      'invalid',
      'valid',
      'valid',
      'invalid',
      'invalid',
      'valid',
      'valid',
    ]);
  });

  it('sees a revocation committed while a read was in flight, before the verification came', async () => {
    const lists = await keptLists();
    expect((await lists.verify()).verdict).toBe('valid');
    lists.gateReads();
    lists.arriveNow();
    const early = lists.verify();
    expect(await lists.readsSent(1)).toBe(1);

    // The read in flight already took the revision from before the revocation.
    await changeStatus(lists.ctx, ADMIN, lists.record.id, 'revoked');
    lists.arriveNow();
    const late = lists.verify();
    // It does not join the read in flight: it waits for the next one.
    expect(await lists.readsSent(2)).toBe(1);

    lists.gate[0]!.release();
    expect(await early).toEqual({ verdict: 'valid', status: ['passed'] });
    expect(await lists.readsSent(2)).toBe(2);
    lists.gate[1]!.release();
    expect(await late).toEqual({ verdict: 'invalid', status: ['failed'] });
  });

  it('lets a verification that arrived before a read was sent share it', async () => {
    const lists = await keptLists();
    expect((await lists.verify()).verdict).toBe('valid');
    lists.gateReads();
    lists.arriveNow();
    const first = lists.verify();
    const second = lists.verify();
    expect(await lists.readsSent(1)).toBe(1);

    lists.gate[0]!.release();

    expect(await first).toEqual({ verdict: 'valid', status: ['passed'] });
    expect(await second).toEqual({ verdict: 'valid', status: ['passed'] });
    expect(lists.workerReads()).toBe(1);
  });

  it('fails a verification whose read failed with a named status check, and keeps the list', async () => {
    const lists = await keptLists();
    expect((await lists.verify()).verdict).toBe('valid');
    lists.gateReads();
    lists.arriveNow();
    const unlucky = lists.verify();
    expect(await lists.readsSent(1)).toBe(1);

    lists.gate[0]!.fail(new Error('the table did not answer'));

    const failed = await unlucky;
    expect(failed.verdict).not.toBe('valid');
    expect(failed.status).toEqual(['failed']);
    lists.arriveNow();
    const next = lists.verify();
    expect(await lists.readsSent(2)).toBe(2);
    lists.gate[1]!.release();
    expect(await next).toEqual({ verdict: 'valid', status: ['passed'] });
    expect(lists.asked()).toBe(1);
  });

  it('hands every other URL to the inner fetcher as it is', async () => {
    const { ctx } = await keptLists();
    const urls: string[] = [];
    const fetcher = revalidatingStatusFetcher({
      baseUrl: ctx.baseUrl,
      statusLists: ctx.statusLists,
      inner: {
        fetch: async (url) => {
          urls.push(url);
          return { url, status: 200, contentType: 'application/json', body: new Uint8Array() };
        },
      },
      arrivedAt: () => undefined,
    });
    for (const url of [
      'https://elsewhere.example/status/kept-1.1/revocation',
      `${ctx.baseUrl}/issuers/kept-1/did.json`,
      `${ctx.baseUrl}/status/kept-1.1/other`,
      'not a url',
    ])
      await fetcher.fetch(url);
    expect(urls).toHaveLength(4);
  });
});
