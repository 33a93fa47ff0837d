import { PROBLEM_CONTENT_TYPE, PROBLEM_SCHEMA } from './problem.ts';
import {
  type JsonSchema,
  pathParamNames,
  type ResponseSpec,
  type RouteDefinition,
} from './route.ts';

/**
 * The OpenAPI 3.1 document of a route table, generated from the same definitions the router
 * serves, so the contract cannot drift from the code. Besides each route's own responses it
 * documents the problem responses the HTTP layer itself can give (400, 401, 403, 413, 415).
 */

export interface OpenApiInfo {
  readonly title: string;
  readonly version: string;
  /** Base URL of the API, e.g. `https://api.example.org`. */
  readonly serverUrl: string;
  readonly description?: string;
}

type Json = Record<string, unknown>;

const PROBLEM_REF = { $ref: '#/components/schemas/Problem' } as const;

/** Problem responses of the HTTP layer, shared through `components.responses`. */
const LAYER_RESPONSES = {
  400: ['BadRequest', 'The request does not match the schema; `errors` lists each field.'],
  401: ['Unauthenticated', 'No bearer token, or one that does not verify.'],
  403: ['Forbidden', 'The token lacks a role or scope this operation needs.'],
  413: ['PayloadTooLarge', 'The request body is larger than the limit.'],
  415: ['UnsupportedMediaType', 'The request body is not application/json.'],
} as const;

type LayerStatus = keyof typeof LAYER_RESPONSES;

function problemContent(): Json {
  return { [PROBLEM_CONTENT_TYPE]: { schema: PROBLEM_REF } };
}

function layerStatuses(route: RouteDefinition): LayerStatus[] {
  const statuses: LayerStatus[] = [];
  if (route.body !== undefined || route.query !== undefined) statuses.push(400);
  if (route.auth !== 'public') statuses.push(401, 403);
  if (route.body !== undefined) statuses.push(413, 415);
  return statuses;
}

function response(status: number, spec: ResponseSpec): Json {
  if (spec.schema === undefined && spec.contentType === undefined) {
    // An error response documented without a schema is still a problem document.
    return status >= 400
      ? { description: spec.description, content: problemContent() }
      : { description: spec.description };
  }
  const contentType = spec.contentType ?? 'application/json';
  const media = spec.schema === undefined ? {} : { schema: structuredClone(spec.schema) };
  return { description: spec.description, content: { [contentType]: media } };
}

function parameters(route: RouteDefinition): Json[] {
  const path = pathParamNames(route.path).map((name) => ({
    name,
    in: 'path',
    required: true,
    schema: { type: 'string' },
  }));
  const query = route.query;
  if (query === undefined) return path;
  const required = new Set(Array.isArray(query.required) ? (query.required as string[]) : []);
  const properties = query.properties as Record<string, JsonSchema>;
  const fromQuery = Object.entries(properties).map(([name, schema]) => ({
    name,
    in: 'query',
    required: required.has(name),
    ...(typeof schema.description === 'string' ? { description: schema.description } : {}),
    schema: structuredClone(schema),
  }));
  return [...path, ...fromQuery];
}

function operation(route: RouteDefinition): Json {
  const responses: Json = {};
  for (const [status, spec] of Object.entries(route.responses))
    responses[status] = response(Number(status), spec);
  for (const status of layerStatuses(route))
    responses[status] ??= { $ref: `#/components/responses/${LAYER_RESPONSES[status][0]}` };
  const params = parameters(route);
  return {
    operationId: route.operationId,
    summary: route.summary,
    ...(route.description === undefined ? {} : { description: route.description }),
    ...(route.tags === undefined || route.tags.length === 0 ? {} : { tags: [...route.tags] }),
    ...(params.length === 0 ? {} : { parameters: params }),
    ...(route.body === undefined
      ? {}
      : {
          requestBody: {
            required: true,
            content: { 'application/json': { schema: structuredClone(route.body) } },
          },
        }),
    responses,
    // OpenAPI 3.1 lets a non-OAuth scheme list role names in the requirement.
    ...(route.auth !== 'public'
      ? { security: [{ bearerAuth: [...route.auth] }] }
      : route.identifiesCaller === true
        ? // Anonymous, or with a token that shows the caller more.
          { security: [{}, { bearerAuth: [] }] }
        : {}),
  };
}

/**
 * Builds the OpenAPI 3.1 document of a route table.
 *
 * @example
 * const document = buildOpenApi(routes, { title: 'credstack', version: '0.1.0', serverUrl: baseUrl });
 */
export function buildOpenApi(routes: readonly RouteDefinition[], info: OpenApiInfo): Json {
  const paths: Record<string, Json> = {};
  const tags = new Set<string>();
  for (const route of routes) {
    paths[route.path] = { ...paths[route.path], [route.method.toLowerCase()]: operation(route) };
    for (const tag of route.tags ?? []) tags.add(tag);
  }
  const components: Record<string, Json> = {
    schemas: { Problem: structuredClone(PROBLEM_SCHEMA) as Json },
    responses: Object.fromEntries(
      Object.values(LAYER_RESPONSES).map(([name, description]) => [
        name,
        { description, content: problemContent() },
      ]),
    ),
    securitySchemes: {
      bearerAuth: {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'JWT',
        description: 'An access token of the identity provider, carrying credstack roles.',
      },
    },
  };
  return {
    openapi: '3.1.0',
    info: {
      title: info.title,
      version: info.version,
      ...(info.description === undefined ? {} : { description: info.description }),
    },
    servers: [{ url: info.serverUrl }],
    ...(tags.size === 0 ? {} : { tags: [...tags].sort().map((name) => ({ name })) }),
    paths,
    components,
  };
}
