import { createHash, randomUUID } from 'node:crypto';
import { ServiceError } from '#shared/domain/errors.ts';
import type { ServiceContext } from '#shared/domain/ports/service-context.ts';
import type { HttpRequest, HttpResult } from '../http/route.ts';

const KEY = /^[A-Za-z0-9._:-]{1,200}$/;

/**
 * Runs `work` at most once per `Idempotency-Key`: a retried request with the same key and body
 * gets the first response again; the same key with another body is refused (422); a key whose
 * first request is still running answers 409. Without the header, `work` simply runs.
 *
 * A request that dies holding the key (a crash, a timeout) holds it only for the claim's short
 * lease; a retry after it runs `work` again. So that this second run cannot repeat what the
 * first did before dying, `work` gets a `seed` that is the same for every request with this
 * key and body: it derives its ids from it (the credential, the batch job) and finds, rather
 * than repeats, what the dead request already stored.
 *
 * @example
 * return idempotent(ctx, request, 'issue', (seed) => issue(request, seed));
 */
export async function idempotent(
  ctx: ServiceContext,
  request: HttpRequest,
  operation: string,
  work: (seed?: string) => Promise<HttpResult>,
): Promise<HttpResult> {
  const key = request.headers['idempotency-key'];
  if (key === undefined) return work();
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
  const claim = randomUUID();
  const existing = await ctx.idempotency.begin(scope, key, requestHash, claim);
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
        'a request with this Idempotency-Key is still being processed; retry in a minute',
      );
    }
    return {
      status: existing.response.statusCode,
      body: JSON.parse(existing.response.body),
      headers: { 'idempotent-replayed': 'true' },
    };
  }
  const seed = createHash('sha256')
    .update(`${scope}\u0000${key}\u0000${requestHash}`)
    .digest('hex');
  let result: HttpResult;
  try {
    result = await work(seed);
  } catch (error) {
    await ctx.idempotency.release(scope, key, claim);
    throw error;
  }
  await ctx.idempotency.complete(
    scope,
    key,
    { statusCode: result.status, body: JSON.stringify(result.body ?? null) },
    claim,
  );
  return result;
}
