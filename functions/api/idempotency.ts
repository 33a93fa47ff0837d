import { createHash } from 'node:crypto';
import type { ServiceContext } from '#shared/service/context.ts';
import { ServiceError } from '#shared/service/errors.ts';
import type { HttpRequest, HttpResult } from '../http/route.ts';

const KEY = /^[A-Za-z0-9._:-]{1,200}$/;

/**
 * Runs `work` at most once per `Idempotency-Key`: a retried request with the same key and body
 * gets the first response again; the same key with another body is refused (422); a key whose
 * first request is still running answers 409 (until its lease ends: a request that died
 * holding the key, as in an outage, does not block it). Without the header, `work` simply runs.
 *
 * `work` gets a seed unique to the scope, key and request, for work that must itself happen
 * once: a retry that takes over a lapsed claim re-runs `work`, which may find its first run's
 * result already stored (its completion was lost) and must then answer with that.
 *
 * @example
 * return idempotent(ctx, request, 'issue', () => issue(request));
 */
export async function idempotent(
  ctx: ServiceContext,
  request: HttpRequest,
  operation: string,
  work: (seed: string | undefined) => Promise<HttpResult>,
): Promise<HttpResult> {
  const key = request.headers['idempotency-key'];
  if (key === undefined) return work(undefined);
  if (!KEY.test(key)) {
    throw new ServiceError(
      'VALIDATION',
      'Idempotency-Key must be 1–200 characters of letters, digits and . _ : -',
      {
        fields: [{ pointer: '/headers/idempotency-key', detail: 'malformed' }],
      },
    );
  }
  const scope = `${request.principal?.subject ?? 'anonymous'}:${operation}`;
  const requestHash = createHash('sha256')
    .update(request.rawBody ?? JSON.stringify(request.body ?? null))
    .digest('hex');
  const existing = await ctx.idempotency.begin(scope, key, requestHash);
  if (existing !== undefined) {
    if (existing.requestHash !== requestHash) {
      throw new ServiceError(
        'IDEMPOTENCY_MISMATCH',
        'this Idempotency-Key was used with a different request',
      );
    }
    if (existing.status !== 'done' || existing.response === undefined) {
      throw new ServiceError(
        'CONFLICT',
        'a request with this Idempotency-Key is still being processed',
      );
    }
    return {
      status: existing.response.statusCode,
      body: JSON.parse(existing.response.body),
      headers: { 'idempotent-replayed': 'true' },
    };
  }
  let result: HttpResult;
  try {
    result = await work(`${scope}\u0000${key}\u0000${requestHash}`);
  } catch (error) {
    await ctx.idempotency.release(scope, key);
    throw error;
  }
  await ctx.idempotency.complete(scope, key, {
    statusCode: result.status,
    body: JSON.stringify(result.body ?? null),
  });
  return result;
}
