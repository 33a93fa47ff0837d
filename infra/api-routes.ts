import {
  appRoutes,
  issuanceRoutes,
  issuerAdminRoutes,
  learnerReadRoutes,
  publicReadRoutes,
  type RouteGroup,
  searchRouteGroup,
  verificationRoutes,
} from '#functions/api/app.ts';
import type { ApiDeps } from '#functions/api/deps.ts';
import { systemRouteGroup } from '#functions/api/system-group.ts';
import type { RouteDefinition } from '#functions/http/route.ts';
import type { Verifier } from '#shared/credentials/verify/verifier.ts';
import type { ServiceContext } from '#shared/domain/ports/service-context.ts';

/**
 * The API's routes as the infrastructure sees them, read from the very route tables the
 * functions serve: API Gateway gets one route per operation, with the JWT authorizer exactly
 * on the operations that are not public. The tables are built with inert dependencies; no
 * handler runs.
 */

export interface ApiRoute {
  readonly method: RouteDefinition['method'];
  /** API Gateway path template (the same `{param}` syntax as the route tables). */
  readonly path: string;
  readonly operationId: string;
  readonly isPublic: boolean;
}

const INERT: ApiDeps = {
  ctx: { baseUrl: 'https://api.invalid' } as ServiceContext,
  verifier: {} as Verifier,
};

const GROUPS: Readonly<Record<RouteGroup, (deps: ApiDeps) => RouteDefinition[]>> = {
  'issuer-admin': issuerAdminRoutes,
  issuance: issuanceRoutes,
  verification: verificationRoutes,
  'public-read': publicReadRoutes,
  learners: learnerReadRoutes,
  system: (deps) => systemRouteGroup(deps, { health: async () => ({ ok: true }) }),
  search: (deps) => searchRouteGroup(deps),
};

function toApiRoute(route: RouteDefinition): ApiRoute {
  return {
    method: route.method,
    path: route.path,
    operationId: route.operationId,
    isPublic: route.auth === 'public',
  };
}

/**
 * The routes one group's function serves.
 *
 * @example
 * routesOfGroup('learners').map((route) => `${route.method} ${route.path}`);
 */
export function routesOfGroup(group: RouteGroup): readonly ApiRoute[] {
  return GROUPS[group](INERT).map(toApiRoute);
}

/**
 * The route definitions one group's function serves, schemas included (no handler may run).
 *
 * @example
 * routeTableOfGroup('issuance').filter((route) => route.body !== undefined);
 */
export function routeTableOfGroup(group: RouteGroup): readonly RouteDefinition[] {
  return GROUPS[group](INERT);
}

/**
 * Every route of the full table (what `/openapi.json` documents).
 *
 * @example
 * allApiRoutes().filter((route) => !route.isPublic);
 */
export function allApiRoutes(): readonly ApiRoute[] {
  return appRouteTable().map(toApiRoute);
}

/**
 * The full route table itself, built with inert dependencies (no handler may run).
 *
 * @example
 * operationsByGroup(appRouteTable()).verification; // ['verifyCredential', …]
 */
export function appRouteTable(): readonly RouteDefinition[] {
  return appRoutes(INERT, { health: async () => ({ ok: true }) });
}
