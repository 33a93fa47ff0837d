import type { RouteDefinition } from '../http/route.ts';
import { consoleRoutes } from './console-routes.ts';
import { credentialRoutes } from './credential-routes.ts';
import type { ApiDeps } from './deps.ts';
import { issuerRoutes } from './issuer-routes.ts';
import { learnerClrRoutes } from './learner-clr-routes.ts';
import { learnerRoutes } from './learner-routes.ts';
import { pathwayRoutes } from './pathway-routes.ts';
import { publicRoutes } from './public-routes.ts';
import { skillRoutes } from './skill-routes.ts';

/**
 * The whole API as one route table: the Lambda entry, the local server and /openapi.json are
 * all built from it.
 *
 * @example
 * const handler = createHttpHandler(apiRoutes({ ctx, verifier }), { tokenVerifier });
 */
export function apiRoutes(deps: ApiDeps): RouteDefinition[] {
  return [
    ...issuerRoutes(deps),
    ...consoleRoutes(deps),
    ...credentialRoutes(deps),
    ...publicRoutes(deps),
    ...learnerRoutes(deps),
    ...learnerClrRoutes(deps),
    ...pathwayRoutes(deps),
    ...skillRoutes(),
  ];
}
