import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createVerifierPool, type VerifierPool } from '#local/verification-pool.ts';
import type { Fetcher, FetchOptions } from '#shared/credentials/fetch/fetcher.ts';
import {
  createIssuerFixture,
  fixtureClock,
  type IssuerFixture,
  serveIssuers,
} from '#test/support/issuer-fixture.ts';

/**
 * The pool hands its fetcher the moment each job arrived (FetchOptions.freshSince, on the main
 * thread's clock), so the service's own documents are answered as fresh as that moment.
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
