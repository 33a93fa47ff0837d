import { describe, expect, it } from 'vitest';
import { isJsonMediaType } from '#functions/http/body-parser.ts';
import { created, ok } from '#functions/http/responses.ts';
import { defineRoute, type HttpRequest } from '#functions/http/route.ts';
import { createHttpHandler } from '#functions/http/router.ts';
import { collectingLogger, gatewayEvent, jsonBody, tableVerifier } from './http-test-kit.ts';

const ACHIEVEMENT_SCHEMA = {
  type: 'object',
  required: ['name', 'criteria'],
  additionalProperties: false,
  properties: {
    name: { type: 'string', minLength: 1 },
    criteria: {
      type: 'object',
      required: ['narrative'],
      properties: { narrative: { type: 'string' } },
    },
    'a/b': { type: 'integer' },
    image: { type: 'string', format: 'uri' },
    level: { type: 'number', minimum: 0, maximum: 100 },
    results: { type: 'array', items: { type: 'object' } },
  },
} as const;

function setup(options: { maxBodyBytes?: number; schemaCompilation?: 'eager' | 'first-use' } = {}) {
  const calls: HttpRequest[] = [];
  const routes = [
    defineRoute({
      method: 'POST',
      path: '/achievements',
      operationId: 'createAchievement',
      summary: 'Create',
      auth: 'public',
      body: ACHIEVEMENT_SCHEMA,
      responses: { 201: { description: 'Created' } },
      handle: async (request) => {
        calls.push(request);
        return created(request.body, '/achievements/a1');
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/verify',
      operationId: 'verify',
      summary: 'Reads a credential, stores nothing',
      auth: 'public',
      body: { type: 'object' },
      opaqueBody: true,
      responses: { 200: { description: 'Read' } },
      handle: async (request) => {
        calls.push(request);
        return ok(request.body);
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/raw',
      operationId: 'raw',
      summary: 'Takes anything',
      auth: 'public',
      responses: { 200: { description: 'Echo' } },
      handle: async (request) => {
        calls.push(request);
        return ok({ body: request.body ?? null, rawBody: request.rawBody ?? null });
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/search',
      operationId: 'search',
      summary: 'Search',
      auth: 'public',
      query: {
        type: 'object',
        required: ['q'],
        additionalProperties: false,
        properties: {
          q: { type: 'string', minLength: 2 },
          limit: { type: 'integer', minimum: 1, maximum: 100 },
        },
      },
      responses: { 200: { description: 'Hits' } },
      handle: async (request) => ok(request.query),
    }),
  ];
  const handler = createHttpHandler(routes, {
    tokenVerifier: tableVerifier({}),
    logger: collectingLogger(),
    ...options,
  });
  return { handler, calls };
}

const JSON_HEADERS = { 'content-type': 'application/json' };

function post(path: string, body: string, headers: Record<string, string> = JSON_HEADERS) {
  return gatewayEvent({ method: 'POST', path, body, headers });
}

describe('body parsing and validation', () => {
  it('hands a valid JSON body to the handler, parsed', async () => {
    const { handler, calls } = setup();
    const body = { name: 'Data analysis', criteria: { narrative: 'Pass the exam' } };

    const result = await handler(post('/achievements', JSON.stringify(body)));

    expect(result.statusCode).toBe(201);
    expect(result.headers?.location).toBe('/achievements/a1');
    expect(calls[0]?.body).toEqual(body);
    expect(calls[0]?.rawBody).toBe(JSON.stringify(body));
  });

  it('answers 400 with a pointer per offending field', async () => {
    const { handler, calls } = setup();
    const body = { criteria: { narrative: 7 }, 'a/b': 'x', extra: true, image: 'not a uri' };

    const result = await handler(post('/achievements', JSON.stringify(body)));

    expect(result.statusCode).toBe(400);
    expect(result.headers?.['content-type']).toBe('application/problem+json');
    const problem = jsonBody(result) as { errors: unknown[] };
    expect(problem).toMatchObject({
      type: 'urn:credstack:problem:validation',
      title: 'Invalid request',
      status: 400,
      detail: 'the request body is invalid',
      instance: '/achievements',
    });
    expect(problem.errors).toEqual(
      expect.arrayContaining([
        { pointer: '/name', detail: 'is required' },
        { pointer: '/extra', detail: 'is not allowed' },
        { pointer: '/criteria/narrative', detail: 'must be string' },
        { pointer: '/a~1b', detail: 'must be integer' },
        { pointer: '/image', detail: 'must match format "uri"' },
      ]),
    );
    expect(problem.errors).toHaveLength(5);
    expect(calls).toHaveLength(0);
  });

  it('answers 400 for a number the table cannot store, before the handler runs', async () => {
    // Found by the API fuzz run: minResultLevel 3.6e-297 satisfies 0..100, then failed the
    // audit write ("Number underflow") as a 500.
    const { handler, calls } = setup();
    const body = {
      name: 'Data analysis',
      criteria: { narrative: 'Pass the exam' },
      level: 3.6e-297,
      results: [{ value: 1e130 }, { value: -1e-131 }, { value: 0 }, { value: 1e-130 }],
    };

    const result = await handler(post('/achievements', JSON.stringify(body)));

    expect(result.statusCode).toBe(400);
    expect(jsonBody(result)).toMatchObject({
      detail: 'the request body holds a number the service cannot store',
      errors: [
        { pointer: '/level', detail: expect.stringContaining('1e-130') },
        { pointer: '/results/0/value', detail: expect.any(String) },
        { pointer: '/results/1/value', detail: expect.any(String) },
      ],
    });
    expect(calls).toHaveLength(0);
  });

  it('lets a route whose body is only read take any number', async () => {
    const { handler, calls } = setup();

    const result = await handler(post('/verify', '{"credentialSubject":{"score":1e-300}}'));

    expect(result.statusCode).toBe(200);
    expect(calls).toHaveLength(1);
  });

  it('answers 400 for a body that is not JSON', async () => {
    const { handler } = setup();

    const result = await handler(post('/achievements', '{"name": '));

    expect(result.statusCode).toBe(400);
    expect(jsonBody(result)).toMatchObject({
      detail: 'the request body is not valid JSON',
      errors: [{ pointer: '', detail: 'is not valid JSON' }],
    });
  });

  it('answers 400 for a body nested deeper than the cap', async () => {
    const { handler } = setup();

    const result = await handler(post('/raw', `${'['.repeat(100)}${']'.repeat(100)}`));

    expect(result.statusCode).toBe(400);
    expect(jsonBody(result)).toMatchObject({ detail: 'the request body nests too deeply' });
  });

  it('answers 400 when a route that takes a body gets none', async () => {
    const { handler } = setup();

    const result = await handler(gatewayEvent({ method: 'POST', path: '/achievements' }));

    expect(result.statusCode).toBe(400);
    expect(jsonBody(result)).toMatchObject({
      detail: 'the request body is missing',
      errors: [{ pointer: '', detail: 'a JSON body is required' }],
    });
  });

  it('answers 415 with Accept for a body that is not JSON', async () => {
    const { handler, calls } = setup();

    const result = await handler(
      post('/achievements', 'name=x', { 'content-type': 'application/x-www-form-urlencoded' }),
    );

    expect(result.statusCode).toBe(415);
    expect(result.headers?.accept).toBe('application/json');
    expect(jsonBody(result)).toEqual({
      type: 'urn:credstack:problem:unsupported-media-type',
      title: 'Unsupported media type',
      status: 415,
      detail: 'this operation takes a JSON body (application/json, UTF-8)',
      instance: '/achievements',
    });
    expect(calls).toHaveLength(0);
  });

  it('answers 415 for a JSON body without a content type or in another charset', async () => {
    const { handler } = setup();
    const body = JSON.stringify({ name: 'x', criteria: { narrative: 'y' } });

    const untyped = await handler(post('/achievements', body, {}));
    const latin1 = await handler(
      post('/achievements', body, { 'content-type': 'application/json; charset=iso-8859-1' }),
    );

    expect(untyped.statusCode).toBe(415);
    expect(latin1.statusCode).toBe(415);
  });

  it('accepts structured +json media types and an explicit UTF-8 charset', async () => {
    const { handler } = setup();
    const body = JSON.stringify({ name: 'x', criteria: { narrative: 'y' } });

    const result = await handler(
      post('/achievements', body, { 'Content-Type': 'application/ld+json; charset="UTF-8"' }),
    );

    expect(result.statusCode).toBe(201);
  });

  it('decodes a base64-encoded body', async () => {
    const { handler, calls } = setup();
    const body = { name: 'Zoë', criteria: { narrative: 'ünïcode' } };

    const result = await handler(
      gatewayEvent({
        method: 'POST',
        path: '/achievements',
        headers: JSON_HEADERS,
        body: Buffer.from(JSON.stringify(body)).toString('base64'),
        isBase64Encoded: true,
      }),
    );

    expect(result.statusCode).toBe(201);
    expect(calls[0]?.body).toEqual(body);
  });

  it('answers 413 for a body over the cap, plain or base64', async () => {
    const { handler, calls } = setup({ maxBodyBytes: 64 });
    const big = JSON.stringify({ name: 'x'.repeat(80), criteria: { narrative: 'y' } });

    const plain = await handler(post('/achievements', big));
    const encoded = await handler(
      gatewayEvent({
        method: 'POST',
        path: '/raw',
        headers: { 'content-type': 'application/octet-stream' },
        body: Buffer.alloc(65).toString('base64'),
        isBase64Encoded: true,
      }),
    );

    expect(plain.statusCode).toBe(413);
    expect(jsonBody(plain)).toMatchObject({
      type: 'urn:credstack:problem:payload-too-large',
      detail: 'the request body is larger than the limit of 64 bytes',
    });
    expect(encoded.statusCode).toBe(413);
    expect(calls).toHaveLength(0);
  });

  it('counts the cap in UTF-8 bytes, not characters', async () => {
    const { handler } = setup({ maxBodyBytes: 64 });
    // 30 characters of two bytes each plus the quotes: 62 bytes fit, 64 characters would not.
    const fits = JSON.stringify('é'.repeat(30));
    const over = JSON.stringify('é'.repeat(32));

    expect((await handler(post('/raw', fits))).statusCode).toBe(200);
    expect((await handler(post('/raw', over))).statusCode).toBe(413);
  });

  it('gives a route without a body schema the raw text of a non-JSON body', async () => {
    const { handler } = setup();

    const result = await handler(post('/raw', 'plain words', { 'content-type': 'text/plain' }));

    expect(jsonBody(result)).toEqual({ body: null, rawBody: 'plain words' });
  });

  it('coerces query parameters to their schema types', async () => {
    const { handler } = setup();

    const result = await handler(
      gatewayEvent({ path: '/search', query: { q: 'data', limit: '5' } }),
    );

    expect(result.statusCode).toBe(200);
    expect(jsonBody(result)).toEqual({ q: 'data', limit: 5 });
  });

  it('answers 400 naming each offending query parameter', async () => {
    const { handler } = setup();

    const result = await handler(
      gatewayEvent({ path: '/search', query: { limit: 'many', sort: 'asc' } }),
    );

    expect(result.statusCode).toBe(400);
    const problem = jsonBody(result) as { detail: string; errors: unknown[] };
    expect(problem.detail).toBe('the query parameters are invalid');
    expect(problem.errors).toEqual(
      expect.arrayContaining([
        { parameter: 'q', detail: 'is required' },
        { parameter: 'sort', detail: 'is not allowed' },
        { parameter: 'limit', detail: 'must be integer' },
      ]),
    );
    expect(problem.errors).toHaveLength(3);
  });
});

describe('isJsonMediaType', () => {
  it('recognises JSON and +json media types only', () => {
    expect(isJsonMediaType('application/json')).toBe(true);
    expect(isJsonMediaType('APPLICATION/JSON; charset=utf-8')).toBe(true);
    expect(isJsonMediaType('application/vc+json')).toBe(true);
    expect(isJsonMediaType('application/jsonx')).toBe(false);
    expect(isJsonMediaType('text/json+plain')).toBe(false);
    expect(isJsonMediaType(undefined)).toBe(false);
  });
});

describe('schemas compiled on first use (the deployed functions)', () => {
  it('validates bodies and queries exactly as when compiled up front', async () => {
    const eager = setup().handler;
    const lazy = setup({ schemaCompilation: 'first-use' }).handler;
    const requests = [
      post(
        '/achievements',
        JSON.stringify({ name: 'Data analysis', criteria: { narrative: 'x' } }),
      ),
      post('/achievements', JSON.stringify({ criteria: { narrative: 7 }, extra: true })),
      post('/verify', '[]'),
      gatewayEvent({ path: '/search', query: { q: 'data', limit: '5' } }),
      gatewayEvent({ path: '/search', query: { limit: 'many', sort: 'asc' } }),
    ];
    const statuses: number[] = [];

    for (const request of requests) {
      const [expected, actual] = [await eager(request), await lazy(request)];
      statuses.push(actual.statusCode ?? 0);
      expect({ status: actual.statusCode, body: actual.body }).toEqual({
        status: expected.statusCode,
        body: expected.body,
      });
    }
    expect(statuses).toEqual([201, 400, 400, 200, 400]);
  });
});
