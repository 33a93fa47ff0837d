import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { renderDocsPage } from '#functions/http/docs-page.ts';
import { buildOpenApi } from '#functions/http/openapi.ts';
import { ok } from '#functions/http/responses.ts';
import { defineRoute, type RouteDefinition, SchemaName } from '#functions/http/route.ts';
import { createHttpHandler } from '#functions/http/router.ts';
import { type HealthReport, systemRoutes } from '#functions/http/system-routes.ts';
import { escapeHtml } from '#shared/credentials/present/html.ts';
import { ID_SCHEMA } from '#shared/domain/ids.ts';
import { collectingLogger, gatewayEvent, jsonBody, tableVerifier } from './http-test-kit.ts';

type Json = Record<string, unknown>;

const ACHIEVEMENT = {
  type: 'object',
  required: ['name'],
  properties: { name: { type: 'string' } },
} as const;

const API_ROUTES: RouteDefinition[] = [
  defineRoute({
    method: 'POST',
    path: '/issuers/{issuerId}/achievements',
    operationId: 'createAchievement',
    summary: 'Create an achievement',
    tags: ['achievements'],
    auth: ['issuer-admin', 'platform-admin'],
    body: ACHIEVEMENT,
    responses: {
      201: { description: 'Created', schema: ACHIEVEMENT },
      409: { description: 'Already exists' },
    },
    handle: async () => ok(null),
  }),
  defineRoute({
    method: 'GET',
    path: '/issuers/{issuerId}/achievements/{achievementId}',
    operationId: 'getAchievement',
    summary: 'An achievement',
    tags: ['achievements'],
    auth: 'public',
    query: {
      type: 'object',
      required: ['format'],
      properties: {
        format: { type: 'string', enum: ['json', 'html'], description: 'Representation' },
        limit: { type: 'integer' },
      },
    },
    responses: { 200: { description: 'The achievement', schema: ACHIEVEMENT } },
    handle: async () => ok(null),
  }),
  defineRoute({
    method: 'GET',
    path: '/credentials/{credentialId}/badge.png',
    operationId: 'getBadge',
    summary: 'Baked badge <script>alert(1)</script>',
    tags: ['credentials'],
    auth: 'public',
    responses: { 200: { description: 'PNG', contentType: 'image/png' } },
    handle: async () => ok(null),
  }),
];

function system(health: () => Promise<HealthReport> = async () => ({ ok: true })) {
  let document: Json | undefined;
  const routes = [
    ...API_ROUTES,
    ...systemRoutes({
      openApi: () => {
        document ??= buildOpenApi(routes, {
          title: 'credstack',
          version: '0.1.0',
          serverUrl: 'https://api.example.org',
        });
        return document;
      },
      health,
    }),
  ];
  const logger = collectingLogger();
  const handler = createHttpHandler(routes, { tokenVerifier: tableVerifier({}), logger });
  return { routes, handler, logger };
}

function build(routes: readonly RouteDefinition[]): Json {
  return buildOpenApi(routes, {
    title: 'credstack',
    version: '0.1.0',
    serverUrl: 'https://api.example.org',
  });
}

function pick(value: unknown, ...path: string[]): unknown {
  let current = value;
  for (const key of path) current = (current as Json | undefined)?.[key];
  return current;
}

function collectRefs(value: unknown, refs: string[] = []): string[] {
  if (Array.isArray(value)) for (const item of value) collectRefs(item, refs);
  else if (typeof value === 'object' && value !== null)
    for (const [key, child] of Object.entries(value)) {
      if (key === '$ref' && typeof child === 'string') refs.push(child);
      else collectRefs(child, refs);
    }
  return refs;
}

describe('buildOpenApi', () => {
  it('documents every route of the table under OpenAPI 3.1.0', () => {
    const { routes } = system();

    const document = build(routes);

    expect(document.openapi).toBe('3.1.0');
    expect(document.info).toEqual({ title: 'credstack', version: '0.1.0' });
    expect(document.servers).toEqual([{ url: 'https://api.example.org' }]);
    for (const route of routes) {
      const operation = pick(document, 'paths', route.path, route.method.toLowerCase()) as Json;
      expect(operation.operationId).toBe(route.operationId);
      expect(operation.summary).toBe(route.summary);
    }
    expect(document.tags).toEqual([
      { name: 'achievements' },
      { name: 'credentials' },
      { name: 'system' },
    ]);
  });

  it('shows a schema given by name as the schema of that name, and refuses an unknown name', () => {
    const named = defineRoute({
      method: 'GET',
      path: '/things',
      operationId: 'listThings',
      summary: 'Things',
      auth: 'public',
      responses: {
        200: {
          description: 'The things',
          schema: new SchemaName('thing'),
          alternatives: [{ contentType: 'text/plain', schema: new SchemaName('text') }],
        },
      },
      handle: async () => ok(null),
    });
    const info = { title: 'credstack', version: '0.1.0', serverUrl: 'https://api.example.org' };
    const text = { type: 'string', example: 'a thing' };

    const document = buildOpenApi([named], info, { thing: ACHIEVEMENT, text });

    expect(pick(document, 'paths', '/things', 'get', 'responses', '200', 'content')).toEqual({
      'application/json': { schema: ACHIEVEMENT },
      'text/plain': { schema: text, example: 'a thing' },
    });
    expect(() => buildOpenApi([named], info, { text })).toThrow(
      'no response schema is named thing',
    );
  });

  it('puts bearer security with the roles on non-public operations only', () => {
    const document = build(API_ROUTES);
    const create = pick(document, 'paths', '/issuers/{issuerId}/achievements', 'post') as Json;
    const get = pick(
      document,
      'paths',
      '/issuers/{issuerId}/achievements/{achievementId}',
      'get',
    ) as Json;

    expect(create.security).toEqual([{ bearerAuth: ['issuer-admin', 'platform-admin'] }]);
    expect(get.security).toBeUndefined();
    expect(pick(document, 'components', 'securitySchemes', 'bearerAuth')).toMatchObject({
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
    });
  });

  it('derives path and query parameters, the request body and the responses', () => {
    const document = build(API_ROUTES);
    const create = pick(document, 'paths', '/issuers/{issuerId}/achievements', 'post') as Json;
    const get = pick(
      document,
      'paths',
      '/issuers/{issuerId}/achievements/{achievementId}',
      'get',
    ) as Json;
    const badge = pick(document, 'paths', '/credentials/{credentialId}/badge.png', 'get') as Json;

    const issuerParam = {
      name: 'issuerId',
      in: 'path',
      required: true,
      description: "The issuer's id (a lower-case slug).",
      schema: ID_SCHEMA,
      example: 'northfield',
    };
    expect(create.parameters).toEqual([issuerParam]);
    expect(create.requestBody).toEqual({
      required: true,
      content: { 'application/json': { schema: ACHIEVEMENT } },
    });
    expect(create.responses).toEqual({
      201: { description: 'Created', content: { 'application/json': { schema: ACHIEVEMENT } } },
      409: {
        description: 'Already exists',
        content: {
          'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } },
        },
      },
      400: { $ref: '#/components/responses/BadRequest' },
      401: { $ref: '#/components/responses/Unauthenticated' },
      403: { $ref: '#/components/responses/Forbidden' },
      404: { $ref: '#/components/responses/NotFound' },
      413: { $ref: '#/components/responses/PayloadTooLarge' },
      415: { $ref: '#/components/responses/UnsupportedMediaType' },
      503: { $ref: '#/components/responses/Unavailable' },
    });
    expect(get.parameters).toEqual([
      issuerParam,
      {
        name: 'achievementId',
        in: 'path',
        required: true,
        description: 'The achievement id (a UUID).',
        schema: ID_SCHEMA,
        example: '0b7f6c1e-3d0a-4a36-9d0e-5f6c2b1a8e41',
      },
      {
        name: 'format',
        in: 'query',
        required: true,
        description: 'Representation',
        schema: { type: 'string', enum: ['json', 'html'], description: 'Representation' },
      },
      { name: 'limit', in: 'query', required: false, schema: { type: 'integer' } },
    ]);
    expect(Object.keys(get.responses as Json).sort()).toEqual(['200', '400', '404', '503']);
    expect(badge.responses).toMatchObject({
      200: { description: 'PNG', content: { 'image/png': {} } },
    });
    expect(badge.parameters).toHaveLength(1);
  });

  it('resolves every $ref and holds only valid 2020-12 schemas', () => {
    const { routes } = system();
    const document = build(routes);
    const ajv = new Ajv2020({ strict: false });

    for (const ref of collectRefs(document)) {
      expect(ref.startsWith('#/')).toBe(true);
      expect(pick(document, ...ref.slice(2).split('/')), ref).toBeDefined();
    }
    const schemas = [
      pick(document, 'components', 'schemas', 'Problem'),
      ...routes.flatMap((route) => [route.body, route.query]).filter(Boolean),
    ];
    for (const schema of schemas) expect(ajv.validateSchema(schema as Json)).toBe(true);
  });

  it('copies schemas so that editing the document leaves the routes intact', () => {
    const document = build(API_ROUTES);

    (
      pick(
        document,
        'paths',
        '/issuers/{issuerId}/achievements',
        'post',
        'requestBody',
        'content',
        'application/json',
        'schema',
      ) as Json
    ).type = 'array';

    expect(ACHIEVEMENT.type).toBe('object');
  });
});

describe('renderDocsPage', () => {
  it('lists every operation with method, path, summary, auth and schemas', () => {
    const page = renderDocsPage(build(API_ROUTES));

    expect(page.startsWith('<!doctype html>')).toBe(true);
    expect(page).toContain(
      '<span class="method post">POST</span> <code>/issuers/{issuerId}/achievements</code>',
    );
    expect(page).toContain('<p class="summary">Create an achievement</p>');
    expect(page).toContain('bearer token with a role: issuer-admin, platform-admin');
    expect(page).toContain('<strong>Auth:</strong> public');
    expect(page).toContain(escapeHtml(JSON.stringify(ACHIEVEMENT, null, 2)));
    expect(page).toContain('<code>image/png</code>');
  });

  it('escapes markup in summaries and loads nothing from elsewhere', () => {
    const page = renderDocsPage(build(API_ROUTES));

    expect(page).not.toContain('<script');
    expect(page).toContain('Baked badge &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).not.toMatch(/\bsrc=|<link|@import|https?:\/\/(?!api\.example\.org)/);
  });

  it('escapes attribute values built from operation ids', () => {
    const page = renderDocsPage({
      openapi: '3.1.0',
      info: { title: 'x', version: '1' },
      paths: { '/a': { get: { operationId: '"><img src=x>', summary: "it's" } } },
    });

    expect(page).not.toContain('<img');
    expect(page).toContain('it&#39;s');
  });
});

describe('systemRoutes', () => {
  it('serves the OpenAPI document at /openapi.json', async () => {
    const { handler, routes } = system();

    const result = await handler(gatewayEvent({ path: '/openapi.json' }));

    expect(result.statusCode).toBe(200);
    expect(jsonBody(result)).toEqual(JSON.parse(JSON.stringify(build(routes))));
  });

  it('serves the docs page at /docs as HTML under a restrictive CSP', async () => {
    const { handler } = system();

    const result = await handler(gatewayEvent({ path: '/docs' }));

    expect(result.statusCode).toBe(200);
    expect(result.headers?.['content-type']).toBe('text/html; charset=utf-8');
    expect(result.headers?.['content-security-policy']).toContain("default-src 'none'");
    expect(result.body).toContain('<code>/openapi.json</code>');
  });

  it('answers /health with 200 ok when healthy', async () => {
    const { handler } = system();

    const result = await handler(gatewayEvent({ path: '/health' }));

    expect(result.statusCode).toBe(200);
    expect(jsonBody(result)).toEqual({ status: 'ok' });
  });

  it('answers /health with a 503 problem when unhealthy', async () => {
    const { handler } = system(async () => ({ ok: false, detail: 'the table is unreachable' }));

    const result = await handler(gatewayEvent({ path: '/health' }));

    expect(result.statusCode).toBe(503);
    expect(jsonBody(result)).toMatchObject({
      type: 'urn:credstack:problem:unavailable',
      detail: 'the table is unreachable',
    });
  });

  it('answers /health with a generic 503 when the probe throws', async () => {
    const { handler } = system(async () => {
      throw new Error('ECONNREFUSED 10.0.0.7:8000');
    });

    const result = await handler(gatewayEvent({ path: '/health' }));

    expect(result.statusCode).toBe(503);
    expect(result.body).not.toContain('10.0.0.7');
    expect(jsonBody(result)).toMatchObject({ detail: 'the health check failed' });
  });
});
