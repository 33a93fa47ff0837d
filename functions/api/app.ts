import { onFirstNeed } from '#shared/core/first-need.ts';
import type { Fetcher } from '#shared/credentials/fetch/fetcher.ts';
import { buildOpenApi } from '../http/openapi.ts';
import type { RouteDefinition } from '../http/route.ts';
import { type HealthReport, systemRoutes } from '../http/system-routes.ts';
import { consoleRoutes } from './console-routes.ts';
import { credentialRoutes } from './credential-routes.ts';
import type { ApiDeps } from './deps.ts';
import { employerRoutes } from './employer-routes.ts';
import { importRoutes } from './import-routes.ts';
import { issuerRoutes } from './issuer-routes.ts';
import { learnerClrRoutes } from './learner-clr-routes.ts';
import { learnerRoutes } from './learner-routes.ts';
import { pathwayRoutes } from './pathway-routes.ts';
import { publicRoutes } from './public-routes.ts';
import { apiRoutes } from './routes.ts';
import { searchRoutes } from './search-routes.ts';
import { skillRoutes } from './skill-routes.ts';
import { verifyRoutes } from './verify-routes.ts';

/** The subtitle of the API reference: what the service does, all of it. */
export const API_DESCRIPTION =
  'Issue, verify, revoke and bake Open Badges 3.0 credentials signed with issuer keys; stack them into pathways that award themselves and show each learner their progress; let learners import badges from any issuer, export a signed CLR 2.0 and choose which employers may find them; let employers search candidates by verified skills.';

// Only the OpenAPI document shows the response schemas: routes name them, and the system
// function loads them when /openapi.json or /docs is first asked for.
const responseSchemas = onFirstNeed(
  'the OpenAPI response schemas',
  () => import('./response-schemas.ts'),
);

/** What the full route table is built with, besides the dependencies of its routes. */
export interface AppOptions {
  readonly health: () => Promise<HealthReport>;
  readonly version?: string;
  /** Where credentials imported by URL are fetched (the SSRF-safe fetcher). */
  readonly network?: Fetcher;
}

/**
 * The full route table: the API plus /openapi.json, /docs and /health. The OpenAPI document is
 * generated from the same table (and the same schemas that validate requests).
 *
 * @example
 * const routes = appRoutes({ ctx, verifier }, { health: async () => ({ ok: true }) });
 */
export function appRoutes(deps: ApiDeps, options: AppOptions): RouteDefinition[] {
  return appTable(deps, options).routes;
}

/**
 * The OpenAPI document of the full route table, as its /openapi.json serves it.
 *
 * @example
 * const document = await appDocument({ ctx, verifier }, { health: async () => ({ ok: true }) });
 */
export function appDocument(deps: ApiDeps, options: AppOptions): Promise<object> {
  return appTable(deps, options).openApi();
}

function appTable(
  deps: ApiDeps,
  options: AppOptions,
): { readonly routes: RouteDefinition[]; readonly openApi: () => Promise<object> } {
  const api = [
    ...apiRoutes(deps),
    ...searchRoutes(deps),
    ...employerRoutes(deps),
    ...importRoutes({ ...deps, ...(options.network ? { network: options.network } : {}) }),
  ];
  let document: object | undefined;
  const openApi = async (): Promise<object> => {
    const named = await responseSchemas();
    document ??= buildOpenApi(
      [...api, ...system],
      {
        title: 'credstack',
        version: options.version ?? '0.1.0',
        serverUrl: deps.ctx.baseUrl,
        description: API_DESCRIPTION,
      },
      named,
    );
    return document;
  };
  const system = systemRoutes({ openApi, health: options.health });
  return {
    routes: [
      ...api,
      ...system.map((route) => ({ ...route, group: 'system' satisfies RouteGroup })),
    ],
    openApi,
  };
}

/**
 * The API's route groups: one Lambda function each. Each function imports only the route
 * tables its operations come from, so its bundle holds only their code, and its role only
 * their permissions: `issuer-admin` creates KMS keys, `issuance` signs with them, the others
 * never touch KMS. Each route names its group (`group` in its definition); the groups'
 * operations are derived from the routes, never listed again, and a test checks that every
 * route of {@link appRoutes} names exactly one of these groups.
 */
export const ROUTE_GROUP_NAMES = [
  'issuer-admin',
  'issuance',
  'verification',
  'public-read',
  'learners',
  'system',
  'search',
] as const;

export type RouteGroup = (typeof ROUTE_GROUP_NAMES)[number];

/**
 * The operationIds of each group, derived from the routes' own `group`.
 *
 * @example
 * operationsByGroup(appRoutes(deps, { health })).verification; // ['verifyCredential', …]
 */
export function operationsByGroup(
  routes: readonly RouteDefinition[],
): Readonly<Record<RouteGroup, readonly string[]>> {
  const groups = Object.fromEntries(ROUTE_GROUP_NAMES.map((name) => [name, [] as string[]]));
  for (const route of routes)
    if (route.group !== undefined) groups[route.group]?.push(route.operationId);
  return groups as Record<RouteGroup, string[]>;
}

/** The routes of `group` among `routes`: those whose definition names it. */
function routesOf(group: RouteGroup, routes: readonly RouteDefinition[]): RouteDefinition[] {
  return routes.filter((route) => route.group === group);
}

/**
 * Issuer administration: onboarding and key rotation (KMS key creation), achievements, pathways.
 *
 * @example
 * export const handler = createHttpHandler(issuerAdminRoutes({ ctx, verifier }), { tokenVerifier });
 */
export function issuerAdminRoutes(deps: ApiDeps): RouteDefinition[] {
  return routesOf('issuer-admin', [
    ...issuerRoutes(deps),
    ...pathwayRoutes(deps),
    ...consoleRoutes(deps),
  ]);
}

/**
 * Everything that signs with an issuer key: issuance, status changes and the signed status
 * lists, batch awards, the learner's signed CLR.
 *
 * @example
 * export const handler = createHttpHandler(issuanceRoutes({ ctx, verifier }), { tokenVerifier });
 */
export function issuanceRoutes(deps: ApiDeps): RouteDefinition[] {
  return routesOf('issuance', [
    ...credentialRoutes(deps),
    ...publicRoutes(deps),
    ...learnerClrRoutes(deps),
  ]);
}

/**
 * Verification for anyone: the VC-API verifier and the HTML verification pages.
 *
 * @example
 * export const handler = createHttpHandler(verificationRoutes({ ctx, verifier }), { tokenVerifier });
 */
export function verificationRoutes(deps: ApiDeps): RouteDefinition[] {
  return routesOf('verification', [...verifyRoutes(deps), ...publicRoutes(deps)]);
}

/**
 * Public documents read from the table: DIDs, key sets, achievements, credentials and their
 * baked images, published pathways.
 *
 * @example
 * export const handler = createHttpHandler(publicReadRoutes({ ctx, verifier }), { tokenVerifier });
 */
export function publicReadRoutes(deps: ApiDeps): RouteDefinition[] {
  return routesOf('public-read', [
    ...publicRoutes(deps),
    ...issuerRoutes(deps),
    ...pathwayRoutes(deps),
    ...skillRoutes(),
    ...consoleRoutes(deps),
  ]);
}

/**
 * A learner's own reads: their credentials and their pathway progress.
 *
 * @example
 * export const handler = createHttpHandler(learnerReadRoutes({ ctx, verifier }), { tokenVerifier });
 */
export function learnerReadRoutes(deps: ApiDeps): RouteDefinition[] {
  return routesOf('learners', [...learnerRoutes(deps), ...pathwayRoutes(deps)]);
}

/**
 * Employer search, consent, the audit trail and imports: the routes that reach the candidate
 * index (and, for imports, the verifier and the network fetcher); no KMS access.
 *
 * @example
 * export const handler = createHttpHandler(searchRouteGroup({ ctx, verifier }, { network }), { tokenVerifier });
 */
export function searchRouteGroup(
  deps: ApiDeps,
  options: { readonly network?: Fetcher } = {},
): RouteDefinition[] {
  return routesOf('search', [
    ...searchRoutes(deps),
    ...employerRoutes(deps),
    ...importRoutes({ ...deps, ...(options.network ? { network: options.network } : {}) }),
  ]);
}
