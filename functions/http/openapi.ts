import { ID_SCHEMA } from '#shared/domain/ids.ts';
import { PROBLEM_CONTENT_TYPE, PROBLEM_SCHEMA } from './problem.ts';
import {
  type JsonSchema,
  pathParamNames,
  type ResponseSchema,
  type ResponseSpec,
  type RouteDefinition,
  SchemaName,
} from './route.ts';

/**
 * The OpenAPI 3.1 document of a route table, generated from the same definitions the router
 * serves, so the contract cannot drift from the code. Besides each route's own responses it
 * documents the problem responses the HTTP layer itself can give (400, 401, 403, 404, 413, 415,
 * 503).
 */

export interface OpenApiInfo {
  readonly title: string;
  readonly version: string;
  /** Base URL of the API, e.g. `https://api.example.org`. */
  readonly serverUrl: string;
  readonly description?: string;
}

type Json = Record<string, unknown>;

/** The response schemas routes give by name ({@link SchemaName}), keyed by that name. */
export type NamedSchemas = Readonly<Record<string, JsonSchema>>;

const PROBLEM_REF = { $ref: '#/components/schemas/Problem' } as const;

/** Problem responses of the HTTP layer, shared through `components.responses`. */
const LAYER_RESPONSES = {
  400: ['BadRequest', 'The request does not match the schema; `errors` lists each field.'],
  401: ['Unauthenticated', 'No bearer token, or one that does not verify.'],
  403: ['Forbidden', 'The token lacks a role or scope this operation needs.'],
  404: ['NotFound', 'Nothing is found under an identifier the path (or the body) names.'],
  413: ['PayloadTooLarge', 'The request body is larger than the limit.'],
  415: ['UnsupportedMediaType', 'The request body is not application/json.'],
  503: ['Unavailable', 'A dependency (the database, the key service) is unavailable; retry later.'],
} as const;

type LayerStatus = keyof typeof LAYER_RESPONSES;

const PROBLEM_EXAMPLE = {
  type: 'urn:credstack:problem:validation',
  title: 'Invalid request',
  status: 400,
  detail: 'the request body is invalid',
  instance: '/issuers/northfield/achievements',
  errors: [{ pointer: '/definition/name', detail: 'is required' }],
};

/**
 * What the path parameters name, with an example each (the demo tenant's ids where there is
 * one), so every operation of the reference can be read and tried without guessing.
 */
const PATH_PARAMETERS: Readonly<Record<string, { description: string; example: string }>> = {
  issuerId: { description: "The issuer's id (a lower-case slug).", example: 'northfield' },
  achievementId: {
    description: 'The achievement id (a UUID).',
    example: '0b7f6c1e-3d0a-4a36-9d0e-5f6c2b1a8e41',
  },
  algorithm: { description: 'A signing algorithm of the issuer.', example: 'ES256' },
  credentialId: {
    description: 'The credential id: a UUID, or its `urn:uuid:` form.',
    example: '8e0f3b57-6d2c-4d8e-a1b9-2f4c6a7d9e10',
  },
  jobId: { description: 'The job id (a UUID).', example: '5b1e2c7a-0f3d-4c1e-9a2b-7d6e5f4c3b2a' },
  listId: { description: 'A status list: `<issuerId>.<n>`.', example: 'northfield.1' },
  purpose: { description: '`revocation` or `suspension`.', example: 'revocation' },
  learnerId: { description: "The learner's id.", example: 'ada' },
  pathwayId: { description: 'The pathway id.', example: 'data-analyst-foundations' },
  version: { description: 'A version number of the pathway (1, 2, …).', example: '1' },
  importId: { description: 'The id of an imported badge.', example: 'imp-3f2a' },
  employerId: { description: "The employer's id.", example: 'acme-analytics' },
  tenantId: { description: 'The tenant id.', example: 'default' },
  searchId: {
    description: "The id of an employer's saved search (a UUID).",
    example: '4b1d9c1e-6f0a-4c8e-9a3b-2d7e5f1c0a92',
  },
  imageName: {
    description: 'The name of an image the service draws for its issuer.',
    example: 'sql-querying-fundamentals.svg',
  },
  uploadName: {
    description: 'The name of an uploaded badge image: the SHA-256 of its bytes and its type.',
    example: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08.svg',
  },
};

function problemContent(): Json {
  return { [PROBLEM_CONTENT_TYPE]: { schema: PROBLEM_REF } };
}

function layerStatuses(route: RouteDefinition): LayerStatus[] {
  const statuses: LayerStatus[] = [];
  const hasParams = pathParamNames(route.path).length > 0;
  // Path parameters are identifiers: one in a form no record can have is refused (400), one
  // in the right form may name nothing (404).
  if (route.body !== undefined || route.query !== undefined || hasParams) statuses.push(400);
  if (route.auth !== 'public') statuses.push(401, 403);
  if (hasParams) statuses.push(404);
  if (route.body !== undefined) statuses.push(413, 415);
  statuses.push(503);
  return statuses;
}

/** The schema itself; a name missing from `named` is a defect of the route table. */
function resolve(schema: ResponseSchema, named: NamedSchemas): JsonSchema {
  if (!(schema instanceof SchemaName)) return schema;
  const found = named[schema.name];
  if (found === undefined) throw new TypeError(`no response schema is named ${schema.name}`);
  return found;
}

/** A media type object: the schema and an example (the schema's own when none is given). */
function media(given: ResponseSchema | undefined, example: unknown, named: NamedSchemas): Json {
  const schema = given === undefined ? undefined : resolve(given, named);
  const shown = example ?? schema?.example;
  return {
    ...(schema === undefined ? {} : { schema: structuredClone(schema) }),
    ...(shown === undefined ? {} : { example: structuredClone(shown) }),
  };
}

function response(status: number, spec: ResponseSpec, named: NamedSchemas): Json {
  if (spec.schema === undefined && spec.contentType === undefined) {
    // An error response documented without a schema is still a problem document.
    return status >= 400
      ? { description: spec.description, content: problemContent() }
      : { description: spec.description };
  }
  const contentType = spec.contentType ?? 'application/json';
  const content: Json = { [contentType]: media(spec.schema, spec.example, named) };
  for (const alternative of spec.alternatives ?? [])
    content[alternative.contentType] = media(alternative.schema, alternative.example, named);
  return { description: spec.description, content };
}

function parameters(route: RouteDefinition): Json[] {
  const path = pathParamNames(route.path).map((name) => {
    const known = PATH_PARAMETERS[name];
    return {
      name,
      in: 'path',
      required: true,
      ...(known === undefined ? {} : { description: known.description }),
      // The router refuses any other value with 400 (router.ts, shared/domain/ids.ts).
      schema: ID_SCHEMA,
      ...(known === undefined ? {} : { example: known.example }),
    };
  });
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

function operation(route: RouteDefinition, named: NamedSchemas): Json {
  const responses: Json = {};
  for (const [status, spec] of Object.entries(route.responses))
    responses[status] = response(Number(status), spec, named);
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
            content: {
              'application/json': {
                schema: structuredClone(route.body),
                ...(route.body.example === undefined
                  ? {}
                  : { example: structuredClone(route.body.example) }),
              },
            },
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
 * Builds the OpenAPI 3.1 document of a route table; `named` holds the response schemas its
 * routes give by name.
 *
 * @example
 * const document = buildOpenApi(routes, { title: 'credstack', version: '0.1.0', serverUrl: baseUrl });
 */
export function buildOpenApi(
  routes: readonly RouteDefinition[],
  info: OpenApiInfo,
  named: NamedSchemas = {},
): Json {
  const paths: Record<string, Json> = {};
  const tags = new Set<string>();
  for (const route of routes) {
    paths[route.path] = {
      ...paths[route.path],
      [route.method.toLowerCase()]: operation(route, named),
    };
    for (const tag of route.tags ?? []) tags.add(tag);
  }
  const components: Record<string, Json> = {
    schemas: { Problem: { ...structuredClone(PROBLEM_SCHEMA), example: PROBLEM_EXAMPLE } },
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
