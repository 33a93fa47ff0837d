import { CredstackError, describeError } from '#shared/core/errors.ts';

/**
 * Transport failures as the credential core reports them. The client (./client.ts) rejects
 * with errors named `ResponseError` (with the cluster's status and body), `ConnectionError`,
 * `TimeoutError` or `DeserializationError`; they are recognised by name, not by class, so any
 * transport that names its failures so (a test double among them) maps the same way.
 */

interface ErrorBody {
  readonly error?: { readonly type?: string; readonly reason?: string } | string;
}

interface TransportError {
  readonly name?: string;
  readonly statusCode?: number;
  readonly body?: ErrorBody;
}

/**
 * The CredstackError for a failed call: `FETCH_TIMEOUT` for a timeout, `FETCH_FAILED` for
 * anything else, naming the action and the cluster's error type and reason when it sent one.
 *
 * @example
 * throw transportFailure('search', error); // FETCH_FAILED "search index: search failed with status 400: …"
 */
export function transportFailure(action: string, error: unknown): CredstackError {
  const e = (typeof error === 'object' && error !== null ? error : {}) as TransportError;
  if (e.name === 'TimeoutError')
    return new CredstackError('FETCH_TIMEOUT', `search index: ${action} timed out`, {
      cause: error,
    });
  if (e.name === 'ResponseError') {
    const reason = typeof e.body?.error === 'object' ? e.body.error : undefined;
    const type = reason?.type ? `: ${reason.type}` : '';
    const because = reason?.reason ? ` (${reason.reason})` : '';
    return new CredstackError(
      'FETCH_FAILED',
      `search index: ${action} failed with status ${e.statusCode}${type}${because}`,
      { cause: error },
    );
  }
  return new CredstackError(
    'FETCH_FAILED',
    `search index: ${action} failed: ${describeError(error)}`,
    {
      cause: error,
    },
  );
}

/**
 * The error of a response the transport resolved although its status is a failure (a status
 * the caller asked it to ignore, e.g. 404 for an absent index rather than an absent document).
 *
 * @example
 * if (response.statusCode === 404 && !found) throw responseFailure('get', response);
 */
export function responseFailure(
  action: string,
  response: { readonly statusCode: number | null; readonly body: unknown },
): CredstackError {
  return transportFailure(action, {
    name: 'ResponseError',
    statusCode: response.statusCode ?? undefined,
    body: response.body as ErrorBody,
  });
}
