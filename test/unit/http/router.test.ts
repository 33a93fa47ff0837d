import { describe, expect, it } from 'vitest';
import { binary, noContent, ok } from '#functions/http/responses.ts';
import { defineRoute, type HttpRequest, type RouteContext } from '#functions/http/route.ts';
import { createHttpHandler, toGatewayResult } from '#functions/http/router.ts';
import { ServiceError } from '#shared/domain/errors.ts';
import { ID_RULE } from '#shared/domain/ids.ts';
import {
  ADMIN,
  collectingLogger,
  gatewayEvent,
  ISSUER_ADMIN,
  jsonBody,
  tableVerifier,
} from './http-test-kit.ts';

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff]);

function setup() {
  const seen: { request?: HttpRequest; context?: RouteContext } = {};
  const routes = [
    defineRoute({
      method: 'GET',
      path: '/issuers/{issuerId}',
      operationId: 'getIssuer',
      summary: 'An issuer',
      auth: ['platform-admin', 'issuer-admin'],
      responses: { 200: { description: 'The issuer' } },
      handle: async (request, context) => {
        seen.request = request;
        seen.context = context;
        return ok({ issuerId: request.pathParams.issuerId });
      },
    }),
    defineRoute({
      method: 'DELETE',
      path: '/issuers/{issuerId}',
      operationId: 'deleteIssuer',
      summary: 'Remove an issuer',
      auth: ['platform-admin'],
      responses: { 204: { description: 'Removed' } },
      handle: async () => noContent(),
    }),
    defineRoute({
      method: 'GET',
      path: '/issuers/new',
      operationId: 'newIssuerForm',
      summary: 'Static beats a parameter',
      auth: 'public',
      responses: { 200: { description: 'A form' } },
      handle: async () => ok({ form: true }),
    }),
    defineRoute({
      method: 'GET',
      path: '/credentials/{credentialId}/badge.png',
      operationId: 'getBadge',
      summary: 'A baked badge',
      auth: 'public',
      responses: { 200: { description: 'PNG', contentType: 'image/png' } },
      handle: async (request) => {
        seen.request = request;
        return binary(PNG, 'image/png', { headers: { 'Cache-Control': 'max-age=60' } });
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/text',
      operationId: 'getText',
      summary: 'Plain text',
      auth: 'public',
      responses: { 200: { description: 'Text' } },
      handle: async () => ({ status: 200, body: 'hello' }),
    }),
    defineRoute({
      method: 'GET',
      path: '/boom',
      operationId: 'boom',
      summary: 'Fails unexpectedly',
      auth: 'public',
      responses: { 200: { description: 'Never' } },
      handle: async () => {
        throw new Error('connection string postgres://user:hunter2@db');
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/bad-status',
      operationId: 'badStatus',
      summary: 'Answers nonsense',
      auth: 'public',
      responses: { 200: { description: 'Never' } },
      handle: async () => ({ status: 42 }),
    }),
    defineRoute({
      method: 'GET',
      path: '/missing',
      operationId: 'missing',
      summary: 'Throws NOT_FOUND',
      auth: 'public',
      responses: { 404: { description: 'Always' } },
      handle: async () => {
        throw new ServiceError('NOT_FOUND', 'no achievement a1 for issuer northfield');
      },
    }),
  ];
  const logger = collectingLogger();
  const verifier = tableVerifier({ admin: ADMIN, 'issuer-admin': ISSUER_ADMIN });
  const handler = createHttpHandler(routes, { tokenVerifier: verifier, logger });
  return { handler, logger, seen, verifier };
}

const asAdmin = { authorization: 'Bearer admin' };

describe('createHttpHandler', () => {
  it('routes by method and path and passes decoded path parameters', async () => {
    const { handler, seen } = setup();

    const result = await handler(
      gatewayEvent({
        path: '/issuers/north%2Dfield',
        headers: { Authorization: 'Bearer admin', 'X-Custom': 'v' },
        query: { page: '2' },
      }),
    );

    expect(result.statusCode).toBe(200);
    expect(jsonBody(result)).toEqual({ issuerId: 'north-field' });
    expect(result.headers?.['content-type']).toBe('application/json');
    expect(seen.request?.method).toBe('GET');
    expect(seen.request?.path).toBe('/issuers/north%2Dfield');
    expect(seen.request?.pathParams).toEqual({ issuerId: 'north-field' });
    expect(seen.request?.query).toEqual({ page: '2' });
    expect(seen.request?.headers['x-custom']).toBe('v');
    expect(seen.request?.principal).toEqual(ADMIN);
    expect(seen.request?.body).toBeUndefined();
    expect(seen.context?.lambdaContext).toBeUndefined();
    expect(seen.context?.signal.aborted).toBe(false);
  });

  it('prefers a static segment over a parameter in the same place', async () => {
    const { handler } = setup();

    const result = await handler(gatewayEvent({ path: '/issuers/new' }));

    expect(result.statusCode).toBe(200);
    expect(jsonBody(result)).toEqual({ form: true });
  });

  it('answers 404 problem+json for an unknown path', async () => {
    const { handler } = setup();

    const result = await handler(gatewayEvent({ path: '/nowhere/at/all' }));

    expect(result.statusCode).toBe(404);
    expect(result.headers?.['content-type']).toBe('application/problem+json');
    expect(jsonBody(result)).toEqual({
      type: 'urn:credstack:problem:not-found',
      title: 'Not found',
      status: 404,
      detail: 'no operation has this path',
      instance: '/nowhere/at/all',
    });
  });

  it.each([
    ['a'.repeat(2100)],
    ['a'.repeat(129)],
    ['north%23field'],
    ['north%20field'],
    ['n%C3%B6rthfield'],
    ['a%2Fb'],
    ['%00'],
  ])('refuses the path parameter %s with 400 naming it, before authentication', async (raw) => {
    const { handler, seen, verifier } = setup();

    const result = await handler(gatewayEvent({ path: `/issuers/${raw}` }));

    expect(result.statusCode).toBe(400);
    expect(jsonBody(result)).toMatchObject({
      type: 'urn:credstack:problem:validation',
      detail: 'the path names an invalid id',
      errors: [{ parameter: 'issuerId', detail: ID_RULE }],
    });
    expect(verifier.calls).toBe(0);
    expect(seen.request).toBeUndefined();
  });

  it('takes ids of the grammar: UUIDs, urn:uuid, dotted list ids, 128 characters', async () => {
    const { handler } = setup();
    const ids = [
      '1b4e28ba-2fa1-11d2-883f-0016d3cca427',
      'urn:uuid:1b4e28ba-2fa1-11d2-883f-0016d3cca427',
      'northfield.3',
      'A_b'.repeat(42).slice(0, 128),
    ];

    const statuses = await Promise.all(
      ids.map(
        async (id) =>
          (await handler(gatewayEvent({ path: `/issuers/${id}`, headers: asAdmin }))).statusCode,
      ),
    );

    expect(statuses).toEqual([200, 200, 200, 200]);
  });

  it('answers 404 for a path with malformed percent-encoding', async () => {
    const { handler } = setup();

    const result = await handler(gatewayEvent({ path: '/issuers/%E0%A4%A' }));

    expect(result.statusCode).toBe(404);
  });

  it('answers 405 with Allow for a known path and another method', async () => {
    const { handler } = setup();

    const result = await handler(gatewayEvent({ method: 'PUT', path: '/issuers/northfield' }));

    expect(result.statusCode).toBe(405);
    expect(result.headers?.allow).toBe('DELETE, GET');
    expect(jsonBody(result)).toMatchObject({
      type: 'urn:credstack:problem:method-not-allowed',
      status: 405,
      detail: 'this path answers DELETE, GET',
    });
  });

  it('lists the methods of every template matching the path in Allow', async () => {
    const { handler } = setup();

    const result = await handler(gatewayEvent({ method: 'POST', path: '/issuers/new' }));

    expect(result.statusCode).toBe(405);
    expect(result.headers?.allow).toBe('DELETE, GET');
  });

  it('sends bytes base64-encoded with isBase64Encoded', async () => {
    const { handler } = setup();

    const result = await handler(gatewayEvent({ path: '/credentials/urn%3Auuid%3A1/badge.png' }));

    expect(result.statusCode).toBe(200);
    expect(result.isBase64Encoded).toBe(true);
    expect(result.headers?.['content-type']).toBe('image/png');
    expect(result.headers?.['cache-control']).toBe('max-age=60');
    expect(Buffer.from(result.body ?? '', 'base64')).toEqual(Buffer.from(PNG));
  });

  it('sends a string body as UTF-8 text', async () => {
    const { handler } = setup();

    const result = await handler(gatewayEvent({ path: '/text' }));

    expect(result).toMatchObject({
      statusCode: 200,
      body: 'hello',
      isBase64Encoded: false,
      headers: { 'content-type': 'text/plain; charset=utf-8' },
    });
  });

  it('sends 204 without a body', async () => {
    const { handler } = setup();

    const result = await handler(
      gatewayEvent({ method: 'DELETE', path: '/issuers/northfield', headers: asAdmin }),
    );

    expect(result.statusCode).toBe(204);
    expect(result.body).toBeUndefined();
  });

  it('answers 500 with a generic detail, never the error message', async () => {
    const { handler, logger } = setup();

    const result = await handler(gatewayEvent({ path: '/boom', requestId: 'gw-42' }));

    expect(result.statusCode).toBe(500);
    expect(result.body).not.toContain('hunter2');
    expect(result.body).not.toContain('postgres');
    expect(jsonBody(result)).toEqual({
      type: 'urn:credstack:problem:internal',
      title: 'Internal server error',
      status: 500,
      detail:
        'The request could not be processed. Quote the x-correlation-id response header when reporting this.',
      instance: '/boom',
    });
    expect(logger.entries).toHaveLength(1);
    expect(logger.entries[0]).toMatchObject({
      level: 'error',
      status: 500,
      correlationId: 'gw-42',
      error: { name: 'Error', message: 'connection string postgres://user:hunter2@db' },
    });
  });

  it('answers 500 when a handler returns an invalid status', async () => {
    const { handler } = setup();

    const result = await handler(gatewayEvent({ path: '/bad-status' }));

    expect(result.statusCode).toBe(500);
  });

  it('maps a ServiceError thrown by a handler to its status', async () => {
    const { handler } = setup();

    const result = await handler(gatewayEvent({ path: '/missing' }));

    expect(result.statusCode).toBe(404);
    expect(jsonBody(result)).toMatchObject({ detail: 'no achievement a1 for issuer northfield' });
  });

  it("echoes the caller's correlation id and gives it to the handler", async () => {
    const { handler, seen } = setup();

    const result = await handler(
      gatewayEvent({
        path: '/issuers/northfield',
        headers: { ...asAdmin, 'x-correlation-id': 'trace-abc.123' },
      }),
    );

    expect(result.headers?.['x-correlation-id']).toBe('trace-abc.123');
    expect(seen.request?.correlationId).toBe('trace-abc.123');
  });

  it('uses the API Gateway request id when the caller sends none, on errors too', async () => {
    const { handler } = setup();

    const result = await handler(gatewayEvent({ path: '/nowhere', requestId: 'gw-7' }));

    expect(result.statusCode).toBe(404);
    expect(result.headers?.['x-correlation-id']).toBe('gw-7');
    expect(result.headers?.['x-content-type-options']).toBe('nosniff');
  });

  it('ignores a correlation id that is not a plain short token', async () => {
    const { handler } = setup();

    const result = await handler(
      gatewayEvent({
        path: '/text',
        headers: { 'x-correlation-id': 'evil\nline injected' },
        requestId: 'gw-8',
      }),
    );

    expect(result.headers?.['x-correlation-id']).toBe('gw-8');
  });

  it('writes one log line per request with method, route, status, duration and correlation id', async () => {
    const { handler, logger } = setup();

    await handler(
      gatewayEvent({
        path: '/issuers/northfield',
        headers: { ...asAdmin, 'x-correlation-id': 'c-1' },
      }),
    );
    await handler(gatewayEvent({ method: 'PUT', path: '/issuers/x', requestId: 'gw-2' }));

    expect(logger.entries).toEqual([
      {
        level: 'info',
        message: 'request',
        method: 'GET',
        route: '/issuers/{issuerId}',
        status: 200,
        durationMs: expect.any(Number),
        correlationId: 'c-1',
      },
      {
        level: 'info',
        message: 'request',
        method: 'PUT',
        route: null,
        status: 405,
        durationMs: expect.any(Number),
        correlationId: 'gw-2',
      },
    ]);
    expect(logger.entries[0]?.durationMs).toBeGreaterThanOrEqual(0);
    expect(JSON.stringify(logger.entries)).not.toContain('Bearer');
    expect(JSON.stringify(logger.entries)).not.toContain('admin"');
  });

  it('refuses a route table with two routes for one method and path shape', () => {
    const route = defineRoute({
      method: 'GET',
      path: '/a/{x}',
      operationId: 'a',
      summary: 'A',
      auth: 'public',
      responses: { 200: { description: 'A' } },
      handle: async () => ok(null),
    });

    expect(() =>
      createHttpHandler([route, { ...route, path: '/a/{y}', operationId: 'b' }], {
        tokenVerifier: tableVerifier({}),
      }),
    ).toThrow('two routes answer GET /a/{y}');
  });

  it('refuses at build time a route whose schema Ajv rejects', () => {
    const route = defineRoute({
      method: 'POST',
      path: '/a',
      operationId: 'badSchema',
      summary: 'A',
      auth: 'public',
      body: { type: 'object', propertiez: {} },
      responses: { 200: { description: 'A' } },
      handle: async () => ok(null),
    });

    expect(() => createHttpHandler([route], { tokenVerifier: tableVerifier({}) })).toThrow(
      'route badSchema has an invalid schema',
    );
  });
});

describe('toGatewayResult', () => {
  it('serialises a JSON body with a custom JSON media type', () => {
    const result = toGatewayResult({
      status: 200,
      body: { id: 'did:web:x' },
      contentType: 'application/did+json',
      headers: { ETag: '"1"' },
    });

    expect(result).toEqual({
      statusCode: 200,
      headers: { 'content-type': 'application/did+json', etag: '"1"' },
      body: '{"id":"did:web:x"}',
      isBase64Encoded: false,
    });
  });

  it('encodes only the bytes of a Uint8Array view, not its whole buffer', () => {
    const backing = new Uint8Array([1, 2, 3, 4, 5]);

    const result = toGatewayResult({ status: 200, body: backing.subarray(1, 3) });

    expect(result.body).toBe(Buffer.from([2, 3]).toString('base64'));
    expect(result.headers?.['content-type']).toBe('application/octet-stream');
  });

  it('refuses a status outside 100–599', () => {
    expect(() => toGatewayResult({ status: 600 })).toThrow('invalid status 600');
  });
});
