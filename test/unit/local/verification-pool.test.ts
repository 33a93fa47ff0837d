import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createVerifierPool, type VerifierPool } from '#local/verification-pool.ts';
import { StaticFetcher } from '#shared/adapters/https/static-fetcher.ts';
import { fixedClock } from '#shared/core/clock.ts';
import { CredstackError } from '#shared/core/errors.ts';
import type { Fetcher, FetchOptions } from '#shared/credentials/fetch/fetcher.ts';
import { issueCredential } from '#shared/domain/issuance.ts';
import { selfFetcher } from '#shared/domain/self-fetcher.ts';
import { changeStatus } from '#shared/domain/status.ts';
import { startFakeDynamoDb } from '#test/support/fake-dynamodb.ts';
import {
  createIssuerFixture,
  FIXTURE_VALID_FROM,
  fixtureClock,
  type IssuerFixture,
  serveIssuers,
} from '#test/support/issuer-fixture.ts';
import { ADMIN, memoryService, seedIssuer, useVaultDir } from '#test/support/memory-service.ts';

/**
 * The local runtime's verifier pool: verification in worker threads, fetches answered by the
 * main thread, and a worker that does not answer in time replaced, its request answered with
 * a failed check.
 */

let college: IssuerFixture;
let pool: VerifierPool | undefined;

beforeAll(async () => {
  college = await createIssuerFixture({ domain: 'college.example' });
});

afterEach(async () => {
  await pool?.close();
  pool = undefined;
});

function recording(inner: Fetcher): { fetcher: Fetcher; urls: string[] } {
  const urls: string[] = [];
  return {
    urls,
    fetcher: {
      fetch(url, options) {
        urls.push(url);
        return inner.fetch(url, options);
      },
    },
  };
}

describe('createVerifierPool', () => {
  it('verifies in a worker, fetching through the main thread', async () => {
    const { fetcher, urls } = recording(serveIssuers([college]));
    pool = createVerifierPool({ fetcher, clock: fixtureClock, workers: 1 });

    const [jwt, dataIntegrity] = await Promise.all([
      pool.verify(await college.issueJwt(college.build())),
      pool.verify(await college.issueDataIntegrity(college.build())),
    ]);

    expect(jwt.verdict).toBe('valid');
    expect(dataIntegrity.verdict).toBe('valid');
    expect(jwt.issuerBinding.bound).toBe(true);
    expect(urls).toContain('https://college.example/.well-known/did.json');
  }, 60_000);

  it('follows the service clock, not the wall clock', async () => {
    // A month before the credential's validFrom: only the service clock makes it "not yet".
    pool = createVerifierPool({
      fetcher: serveIssuers([college]),
      clock: fixedClock('2026-04-01T00:00:00Z'),
      workers: 1,
    });

    const report = await pool.verify(await college.issueJwt(college.build()));

    expect(report.decidingCheck).toBe('issued');
    expect(report.checks.find((check) => check.id === 'issued')?.reason).toBe(
      `validFrom ${FIXTURE_VALID_FROM} is in the future`,
    );
  }, 60_000);

  it('hands a fetch failure to the worker as the same CredstackError', async () => {
    const failing: Fetcher = {
      fetch: async (url) => {
        throw new CredstackError('FETCH_FAILED', `cannot reach ${url}`);
      },
    };
    pool = createVerifierPool({ fetcher: failing, clock: fixtureClock, workers: 1 });

    const report = await pool.verify(await college.issueJwt(college.build()));

    expect(report.decidingCheck).toBe('key');
    expect(report.checks.find((check) => check.outcome === 'failed')?.reason).toContain(
      'the key could not be fetched',
    );
  }, 60_000);

  it('replaces a worker that does not answer in time, answering with a failed input check', async () => {
    pool = createVerifierPool({
      fetcher: serveIssuers([college]),
      clock: fixtureClock,
      workers: 1,
      // The worker's own budget never fires here: only the pool can stop it.
      limits: {
        timeBudgetMs: 600_000,
        maxValues: 10_000_000,
        maxObjects: 1_000_000,
        maxArrayEntries: 1_000_000,
      },
      hardTimeoutMs: 3_000,
    });
    // Warm: the first verification loads the schema; it must not count against the next.
    expect((await pool.verify(await college.issueJwt(college.build()))).verdict).toBe('valid');
    // Seconds of JSON-LD work before the signature is even looked at.
    const signed = await college.issueDataIntegrity(college.build());
    const heavy = structuredClone(signed);
    (heavy.credentialSubject as { achievement: Record<string, unknown> }).achievement.alignment =
      Array.from({ length: 60_000 }, (_, i) => ({
        type: ['Alignment'],
        targetName: `Skill ${i}`,
        targetUrl: `https://skills.example/s/${i}`,
      }));

    const started = performance.now();
    const stopped = await pool.verify(heavy);

    expect(performance.now() - started).toBeLessThan(30_000);
    expect(stopped.verdict).toBe('unusable');
    expect(stopped.checks).toEqual([
      {
        id: 'input',
        outcome: 'failed',
        reason:
          'verification stopped: it did not finish within 3000 ms, the most one verification may take',
      },
    ]);
    // A fresh worker took its place.
    expect((await pool.verify(signed)).verdict).toBe('valid');
  }, 120_000);

  it('gives a worker another credential while the one it holds waits for a fetch', async () => {
    // Two issuers, so that the second credential's key is a fetch of its own.
    const other = await createIssuerFixture({ domain: 'other.example' });
    const served = serveIssuers([college, other]);
    // The first verification's key fetch is held until a second fetch arrives: with one
    // worker, that can only happen if the worker took the second credential meanwhile.
    let release: (() => void) | undefined;
    const secondFetch = new Promise<void>((resolve) => {
      release = resolve;
    });
    let fetches = 0;
    pool = createVerifierPool({
      fetcher: {
        async fetch(url, options) {
          fetches += 1;
          if (fetches === 1) await secondFetch;
          else release?.();
          return served.fetch(url, options);
        },
      },
      clock: fixtureClock,
      workers: 1,
    });
    const first = await college.issueJwt(college.build());
    const second = await other.issueJwt(other.build());

    const reports = await Promise.all([pool.verify(first), pool.verify(second)]);

    expect(reports.map((report) => report.verdict)).toEqual(['valid', 'valid']);
    expect(fetches).toBeGreaterThanOrEqual(2);
  }, 60_000);

  it('verifies afresh a credential held by a worker stopped for another one', async () => {
    const served = serveIssuers([college]);
    let fetches = 0;
    pool = createVerifierPool({
      // Each fetch answers after 300 ms: the light credential waits, so the worker takes the
      // heavy one, whose JSON-LD work then keeps the thread busy past the hard timeout.
      fetcher: {
        async fetch(url, options) {
          fetches += 1;
          await new Promise((resolve) => setTimeout(resolve, 300));
          return served.fetch(url, options);
        },
      },
      clock: fixtureClock,
      workers: 1,
      limits: {
        timeBudgetMs: 600_000,
        maxValues: 10_000_000,
        maxObjects: 1_000_000,
        maxArrayEntries: 1_000_000,
      },
      hardTimeoutMs: 3_000,
    });
    const heavy = await college.issueDataIntegrity(college.build());
    (heavy.credentialSubject as { achievement: Record<string, unknown> }).achievement.alignment =
      Array.from({ length: 60_000 }, (_, i) => ({
        type: ['Alignment'],
        targetName: `Skill ${i}`,
        targetUrl: `https://skills.example/s/${i}`,
      }));
    const another = await college.issueJwt(college.build({ name: 'Another badge' }));

    const lightReport = pool.verify(another);
    const heavyReport = pool.verify(heavy);

    expect((await heavyReport).checks[0]).toMatchObject({ id: 'input', outcome: 'failed' });
    expect((await lightReport).verdict).toBe('valid');
    // Its key was fetched by the stopped worker and again by the fresh one: it was held by the
    // worker the heavy credential stopped, and verified afresh rather than failed with it.
    expect(fetches).toBe(2);
  }, 120_000);

  it('answers 503 once every worker is busy and the queue is full', async () => {
    pool = createVerifierPool({
      fetcher: serveIssuers([college]),
      clock: fixtureClock,
      workers: 1,
      maxQueued: 1,
    });
    const token = await college.issueJwt(college.build());
    // The worker is still loading (it cannot be ready before this task ends): the first
    // request waits in the queue, which is then full.
    const first = pool.verify(token);
    const second = pool.verify(token);

    await expect(second).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      message: 'every verifier is busy; retry in a few seconds',
    });
    expect((await first).verdict).toBe('valid');
    // Once the queue has drained, the pool takes requests again.
    expect((await pool.verify(token)).verdict).toBe('valid');
  }, 60_000);
});

// The pool hands its fetcher the moment each job arrived (FetchOptions.freshSince, on the main
// thread's clock), so the service's own documents are answered as fresh as that moment.
describe('verifier pool fetch freshness', () => {
  it('passes each fetch the main-thread moment its job arrived', async () => {
    const seen: (FetchOptions | undefined)[] = [];
    const inner = serveIssuers([college]);
    const fetcher: Fetcher = {
      fetch(url, options) {
        seen.push(options);
        return inner.fetch(url, options);
      },
    };
    pool = createVerifierPool({ fetcher, clock: fixtureClock, workers: 1 });
    const jwt = await college.issueJwt(college.build());

    const before = performance.now();
    const report = await pool.verify(jwt);
    const after = performance.now();

    expect(report.verdict).toBe('valid');
    expect(seen.length).toBeGreaterThan(0);
    for (const options of seen) {
      expect(options?.freshSince).toBeGreaterThanOrEqual(before);
      expect(options?.freshSince).toBeLessThanOrEqual(after);
    }
    // Fetches of one job carry the same moment: its arrival, not the moment of each fetch.
    expect(new Set(seen.map((options) => options?.freshSince)).size).toBe(1);
  }, 60_000);
});

// With `statusReads`, a worker keeps the own status lists it was sent and reads their
// revision itself (here from a scripted DynamoDB endpoint that mirrors the service's table):
// the main thread is asked for a list only when its revision has changed.
describe('verifier pool with its own status reads', () => {
  const vaultDir = useVaultDir();

  it('answers an unchanged own list in the worker and fetches a changed one', async () => {
    const ctx = memoryService(vaultDir());
    const ids = await seedIssuer(ctx, 'pooled', ['SQL']);
    const { record } = await issueCredential(ctx, ADMIN, {
      issuerId: 'pooled',
      achievementId: ids.SQL as string,
      recipient: { email: 'ada@mail.example' },
    });
    const table = await startFakeDynamoDb();
    const listId = record.status.listId;
    /** The table's answer to the worker's next revision read: the service's revision now. */
    const mirror = async () =>
      table.answer('GetItem', {
        body: {
          Item: {
            PK: { S: `STATUS#${listId}` },
            revision: { N: String(await ctx.statusLists.revision(listId)) },
          },
        },
      });
    const { fetcher, urls } = recording(selfFetcher(ctx, new StaticFetcher({})));
    const statusFetches = () => urls.filter((url) => url.includes('/status/')).length;
    try {
      pool = createVerifierPool({
        fetcher,
        clock: ctx.clock,
        workers: 1,
        statusReads: {
          baseUrl: ctx.baseUrl,
          tableName: 'pooled',
          client: {
            endpoint: table.endpoint,
            region: 'local',
            credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
            maxAttempts: 1,
          },
        },
      });
      const verdict = async () => (await pool!.verify(record.signed)).verdict;

      expect(await verdict()).toBe('valid');
      expect([statusFetches(), table.requests.length]).toEqual([1, 0]);
      await mirror();
      expect(await verdict()).toBe('valid');
      expect([statusFetches(), table.requests.length]).toEqual([1, 1]);
      expect(table.requests[0]).toMatchObject({
        operation: 'GetItem',
        body: {
          TableName: 'pooled',
          Key: { PK: { S: `STATUS#${listId}` }, SK: { S: 'META' } },
          ConsistentRead: true,
        },
      });

      await changeStatus(ctx, ADMIN, record.id, 'revoked');
      await mirror();
      expect(await verdict()).toBe('invalid');
      // The changed list came from the main thread, and the worker counted its two reads.
      expect([statusFetches(), table.requests.length]).toEqual([2, 2]);
      expect(pool.tableReads()).toBe(2);
    } finally {
      await table.close();
    }
  }, 60_000);
});
