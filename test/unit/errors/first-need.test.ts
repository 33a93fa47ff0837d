import { describe, expect, it } from 'vitest';
import { problemFor } from '#functions/http/problem.ts';
import { CredstackError } from '#shared/core/errors.ts';
import { isPartUnavailable, onFirstNeed } from '#shared/core/first-need.ts';

describe('onFirstNeed', () => {
  it('loads once, on the first call, and hands every caller the same module', async () => {
    let loads = 0;
    const part = onFirstNeed('a part', async () => {
      loads += 1;
      return { answer: 42 };
    });

    expect(loads).toBe(0);
    const [first, second] = await Promise.all([part(), part()]);
    const third = await part();

    expect(loads).toBe(1);
    expect(first).toBe(second);
    expect(third).toBe(first);
  });

  it('turns a failed load into PART_UNAVAILABLE naming the part, and loads again next time', async () => {
    let loads = 0;
    const cause = new Error("Cannot find module './chunks/term-check-X.mjs'");
    const part = onFirstNeed('the JSON-LD term check', async () => {
      loads += 1;
      if (loads === 1) throw cause;
      return 'loaded';
    });

    const failed = await part().catch((error: unknown) => error);

    expect(failed).toBeInstanceOf(CredstackError);
    expect((failed as CredstackError).code).toBe('PART_UNAVAILABLE');
    expect((failed as Error).message).toBe('the JSON-LD term check could not be loaded');
    expect((failed as Error).cause).toBe(cause);
    expect(isPartUnavailable(failed)).toBe(true);
    expect(await part()).toBe('loaded');
    expect(loads).toBe(2);
  });

  it('answers a part that could not be loaded with a 503 problem that says to retry', async () => {
    const part = onFirstNeed('the KMS key vault', () => Promise.reject(new Error('EIO')));
    const failed = await part().catch((error: unknown) => error);

    const mapped = problemFor(failed, { instance: '/issuers/x/credentials' });

    expect(mapped.status).toBe(503);
    expect(mapped.headers['retry-after']).toBeDefined();
    expect(mapped.body.type).toBe('urn:credstack:problem:part-unavailable');
    // The cause (a file name, a read error) stays in the log, out of the answer.
    expect(mapped.body.detail).not.toContain('EIO');
    expect(mapped.logCause).toBe(true);
  });

  it('tells other errors apart', () => {
    expect(isPartUnavailable(new CredstackError('FETCH_FAILED', 'x'))).toBe(false);
    expect(isPartUnavailable(new Error('x'))).toBe(false);
  });
});
