import type { Fetcher } from '#shared/credentials/fetch/fetcher.ts';
import type { Verifier } from '#shared/credentials/verify/verifier.ts';
import type { ServiceContext } from '#shared/domain/ports/service-context.ts';

/** What the API routes need: the service context and a verifier over the service's fetcher. */
export interface ApiDeps {
  readonly ctx: ServiceContext;
  readonly verifier: Verifier;
  /**
   * Where the service reaches documents that are not its own beyond verification: the badge
   * images issuers host (the verification page's image). Absent: such images are drawn.
   */
  readonly network?: Fetcher;
}

/** The `urn:uuid:` credential id named by a path parameter (the UUID alone, or the full URN). */
export function credentialIdParam(value: string): string {
  const decoded = decodeURIComponent(value);
  return decoded.startsWith('urn:') ? decoded : `urn:uuid:${decoded}`;
}

/**
 * The request's principal; routes that are not public always have one. A route made with
 * defineRoute reads `request.principal` directly (typed non-optional when its auth is not
 * `public`); this stays for handlers typed against the loose request.
 */
export function principalOf<T extends { principal?: unknown }>(
  request: T,
): NonNullable<T['principal']> {
  if (request.principal === undefined || request.principal === null)
    throw new Error('route without a principal: check its auth');
  return request.principal as NonNullable<T['principal']>;
}
