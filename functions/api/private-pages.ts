import type { ServiceContext } from '#shared/domain/ports/service-context.ts';
import type { Principal, Role } from '#shared/domain/principal.ts';
import type { HttpRequest, HttpResult } from '../http/route.ts';

/** A response only its caller may see: never cached by the browser or anything between. */
export const PRIVATE_NO_STORE = { 'cache-control': 'private, no-store' } as const;

/** The query of a paged list: the opaque cursor of the previous page's `next`. */
export const CURSOR_QUERY = {
  type: 'object',
  properties: { cursor: { type: 'string', maxLength: 2000 } },
} as const;

/** A use case that reads one page of an owner's records, scoped to the caller. */
export type OwnerPageRead = (
  ctx: ServiceContext,
  principal: Principal,
  ownerId: string,
  cursor: string | undefined,
) => Promise<unknown>;

/**
 * The handler of a private list route: the owner named by the path parameter `ownerParam`,
 * the page by the `cursor` query parameter ({@link CURSOR_QUERY}), the answer 200 and never
 * cached ({@link PRIVATE_NO_STORE}).
 *
 * @example
 * defineRoute({ method: 'GET', path: '/learners/{learnerId}/imports', query: CURSOR_QUERY, handle: privatePageHandler(ctx, listImports, 'learnerId'), … });
 */
export function privatePageHandler<const OwnerParam extends string>(
  ctx: ServiceContext,
  read: OwnerPageRead,
  ownerParam: OwnerParam,
): (
  request: HttpRequest<{ readonly [Name in OwnerParam]: string }, unknown, readonly Role[]>,
) => Promise<HttpResult> {
  return async (request) => ({
    status: 200,
    headers: PRIVATE_NO_STORE,
    body: await read(
      ctx,
      request.principal,
      request.pathParams[ownerParam],
      request.query.cursor as string | undefined,
    ),
  });
}
