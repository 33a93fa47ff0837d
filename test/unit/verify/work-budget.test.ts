import { beforeAll, describe, expect, it } from 'vitest';
import { isCredstackError } from '#shared/core/errors.ts';
import type { VerificationReport } from '#shared/credentials/verify/report.ts';
import { createVerifier } from '#shared/credentials/verify/verifier.ts';
import {
  assertWithinWorkLimits,
  DEFAULT_WORK_LIMITS,
  TimeBudget,
} from '#shared/credentials/verify/work-budget.ts';
import {
  createIssuerFixture,
  fixtureClock,
  type IssuerFixture,
  serveIssuers,
} from '#test/support/issuer-fixture.ts';

/**
 * Verification cost is bounded: a credential past the work limits is refused before any
 * JSON-LD work with a failed `input` check naming the limit, a credential within them gets
 * its true verdict, and a spent time budget stops the pipeline with a failed check.
 */

let college: IssuerFixture;

beforeAll(async () => {
  college = await createIssuerFixture({ domain: 'college.example' });
});

function withTags(count: number): Record<string, unknown> {
  const credential = college.build();
  const subject = credential.credentialSubject as { achievement: Record<string, unknown> };
  subject.achievement.tag = Array.from({ length: count }, (_, i) => `tag-${i}`);
  return credential;
}

function failed(report: VerificationReport) {
  return report.checks.filter((check) => check.outcome === 'failed');
}

function limitError(run: () => void): string {
  try {
    run();
  } catch (error) {
    expect(isCredstackError(error, 'WORK_BUDGET_EXCEEDED')).toBe(true);
    return (error as Error).message;
  }
  throw new Error('expected WORK_BUDGET_EXCEEDED');
}

describe('assertWithinWorkLimits', () => {
  const limits = { maxValues: 50, maxObjects: 20, maxArrayEntries: 10, maxTerms: 5 };

  it('accepts a document at every limit', () => {
    expect(() =>
      assertWithinWorkLimits({ a: Array.from({ length: 10 }, () => 1), b: 1, c: 2 }, limits),
    ).not.toThrow();
  });

  it('names the array past the entry limit by its JSON pointer', () => {
    const message = limitError(() =>
      assertWithinWorkLimits({ a: { 'b/c': Array.from({ length: 11 }, () => 1) } }, limits),
    );
    expect(message).toBe('the array at /a/b~1c has 11 entries, more than the limit of 10');
  });

  it('counts values across arrays and objects', () => {
    const wide = Object.fromEntries(
      ['a', 'b', 'c', 'd', 'e'].map((key) => [key, Array.from({ length: 10 }, () => 0)]),
    );
    expect(limitError(() => assertWithinWorkLimits(wide, limits))).toBe(
      'the credential holds more than 50 values, the most one verification handles',
    );
  });

  it('counts objects, which cost the most, against their own limit', () => {
    const nested = {
      a: Array.from({ length: 10 }, () => ({})),
      b: Array.from({ length: 10 }, () => ({})),
    };
    expect(limitError(() => assertWithinWorkLimits(nested, limits))).toBe(
      'the credential holds more than 20 objects, the most one verification handles',
    );
  });

  it('counts distinct property names, not their uses, and not @context', () => {
    const repeated = {
      '@context': 'x',
      a: [
        { a: 1, b: 2 },
        { a: 1, b: 2 },
      ],
      b: 1,
      c: 1,
    };
    expect(() => assertWithinWorkLimits(repeated, limits)).not.toThrow();
    expect(
      limitError(() => assertWithinWorkLimits({ a: 1, b: 1, c: 1, d: 1, e: 1, f: 1 }, limits)),
    ).toBe(
      'the credential uses more than 5 distinct property names, the most one verification handles',
    );
  });
});

describe('TimeBudget', () => {
  it('is spent at its deadline and its signal fires', async () => {
    let now = 1000;
    const budget = new TimeBudget(50, () => now);
    expect(budget.spent()).toBe(false);
    now = 1050;
    expect(budget.spent()).toBe(true);
    expect(budget.reason('the term check')).toBe(
      'verification stopped before the term check: it used its time budget of 50 ms',
    );
    const fast = new TimeBudget(1);
    await new Promise((resolve) => fast.signal.addEventListener('abort', resolve));
    expect(fast.signal.aborted).toBe(true);
  });
});

describe('verify: work limits', () => {
  it('refuses the 16,000-tag Data Integrity credential with a failed input check, before any JSON-LD work', async () => {
    const verifier = createVerifier({ fetcher: serveIssuers([college]), clock: fixtureClock });
    const signed = await college.issueDataIntegrity(withTags(DEFAULT_WORK_LIMITS.maxArrayEntries));
    const tags = (signed.credentialSubject as { achievement: { tag: string[] } }).achievement.tag;
    tags.push(...Array.from({ length: 6_000 }, (_, i) => `more-${i}`));

    const report = await verifier.verify(JSON.stringify(signed));

    expect(report.verdict).toBe('unusable');
    expect(report.decidingCheck).toBe('input');
    expect(failed(report).map((check) => check.reason)).toEqual([
      'the credential cannot be verified: the array at /credentialSubject/achievement/tag has 16000 entries, more than the limit of 10000',
    ]);
    expect(report.checks.some((check) => check.id === 'terms' || check.id === 'proof')).toBe(false);
  });

  it('gives the true verdict for a signed credential with an array at the limit', async () => {
    const verifier = createVerifier({ fetcher: serveIssuers([college]), clock: fixtureClock });
    const signed = await college.issueDataIntegrity(withTags(DEFAULT_WORK_LIMITS.maxArrayEntries));

    const report = await verifier.verify(signed);

    expect(failed(report)).toEqual([]);
    expect(report.verdict).toBe('valid');
    expect(report.input.proof).toBe('eddsa-rdfc-2022');
  });

  it('holds a VC-JWT credential to the same limits', async () => {
    const verifier = createVerifier({
      fetcher: serveIssuers([college]),
      clock: fixtureClock,
      limits: { maxArrayEntries: 100 },
    });
    const token = await college.issueJwt(withTags(101));

    const report = await verifier.verify(token);

    expect(report.decidingCheck).toBe('input');
    expect(failed(report)[0]?.reason).toContain('has 101 entries, more than the limit of 100');
  });

  it('stops with a failed check naming the time budget once it is spent', async () => {
    const verifier = createVerifier({
      fetcher: serveIssuers([college]),
      clock: fixtureClock,
      limits: { timeBudgetMs: 0 },
    });

    const report = await verifier.verify(await college.issueDataIntegrity(college.build()));

    expect(report.verdict).toBe('invalid');
    expect(report.decidingCheck).toBe('terms');
    expect(failed(report)).toEqual([
      {
        id: 'terms',
        outcome: 'failed',
        reason: 'verification stopped before the term check: it used its time budget of 0 ms',
      },
    ]);
  });
});
