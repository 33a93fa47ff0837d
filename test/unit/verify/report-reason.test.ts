import { describe, expect, it } from 'vitest';
import { withDiagnostics } from '#shared/core/diagnostics.ts';
import { CredstackError, reportReason } from '#shared/core/errors.ts';
import { ServiceError } from '#shared/domain/errors.ts';

const detailed = (message: string) => `the signing key could not be obtained: ${message}`;

describe('reportReason', () => {
  it.each([
    [
      'a refused connection',
      new CredstackError(
        'FETCH_FAILED',
        'fetching https://keys.example/jwks failed: connect ECONNREFUSED 10.0.0.7:443',
      ),
      'the key could not be fetched',
    ],
    [
      'an HTTP error answer',
      new CredstackError('FETCH_FAILED', 'https://keys.example/jwks answered HTTP 404', {
        httpStatus: 404,
      }),
      'the key could not be fetched (HTTP 404)',
    ],
    [
      'a timeout',
      new CredstackError('FETCH_TIMEOUT', 'fetching https://keys.example took longer than 5000 ms'),
      'the key could not be fetched (it took too long)',
    ],
    [
      'a refused address',
      new CredstackError('FETCH_REFUSED', 'keys.example resolves to 10.0.0.7, which is not public'),
      'the key could not be fetched (its address is not one this verifier may reach)',
    ],
    [
      "the service's own store out of reach",
      new ServiceError('UNAVAILABLE', 'the data store is unavailable', {
        cause: new Error('connect ECONNREFUSED 127.0.0.1:8000'),
      }),
      'the key could not be fetched',
    ],
    [
      'a bug',
      new TypeError("Cannot read properties of undefined (reading 'x')"),
      'the key could not be fetched',
    ],
  ])('says only that the key could not be fetched for %s', (_, error, expected) => {
    expect(reportReason(error, 'the key', detailed)).toBe(expected);
  });

  it("describes a fetched document's own fault with the core's message", () => {
    const error = new CredstackError('KEY_NOT_FOUND', 'no key #k2 in the DID document');

    expect(reportReason(error, 'the key', detailed)).toBe(
      'the signing key could not be obtained: no key #k2 in the DID document',
    );
  });

  it('logs the hidden detail with the correlation id of the scope', () => {
    const entries: Record<string, unknown>[] = [];
    const error = new CredstackError(
      'FETCH_FAILED',
      'fetching x failed: connect ECONNREFUSED 10.0.0.7:443',
    );

    withDiagnostics({ correlationId: 'c-1', log: (entry) => entries.push(entry) }, () =>
      reportReason(error, 'the key', detailed),
    );
    reportReason(error, 'the key', detailed); // outside a scope: nowhere to log

    expect(entries).toEqual([
      {
        level: 'warn',
        message: 'the key could not be fetched',
        correlationId: 'c-1',
        error: { name: 'CredstackError', message: error.message, code: 'FETCH_FAILED' },
      },
    ]);
  });
});
