import { describe, expect, it } from 'vitest';
import { ok } from '#functions/http/responses.ts';
import { defineRoute, type JsonSchema } from '#functions/http/route.ts';
import { createHttpHandler } from '#functions/http/router.ts';
import { CredstackError } from '#shared/core/errors.ts';
import { ADMIN, collectingLogger, gatewayEvent, jsonBody, tableVerifier } from './http-test-kit.ts';

// Typed handlers behind the real middleware chain: what the types promise is what arrives,
// and a core error no handler translated answers its own problem, not a 500.

const RENAME = {
  type: 'object',
  required: ['name'],
  properties: { name: { type: 'string', minLength: 1 } },
  additionalProperties: false,
} as const satisfies JsonSchema;

function setup() {
  const seen: { principal?: string; issuerId?: string; name?: string } = {};
  const logger = collectingLogger();
  const routes = [
    defineRoute({
      method: 'PUT',
      path: '/issuers/{issuerId}/name',
      operationId: 'renameIssuer',
      summary: 'Rename',
      auth: ['platform-admin'],
      body: RENAME,
      responses: { 200: { description: 'Renamed' } },
      handle: async (request) => {
        // No `?? ''`, no cast, no principal check: the types hold what the router proved.
        seen.principal = request.principal.subject;
        seen.issuerId = request.pathParams.issuerId;
        seen.name = request.body.name;
        return ok({ id: request.pathParams.issuerId, name: request.body.name });
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/slow',
      operationId: 'slow',
      summary: 'Fetches elsewhere',
      auth: 'public',
      responses: { 200: { description: 'Never' } },
      handle: async () => {
        throw new CredstackError('FETCH_TIMEOUT', 'https://10.0.0.7/key took too long');
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/build',
      operationId: 'build',
      summary: 'Builds',
      auth: 'public',
      responses: { 200: { description: 'Never' } },
      handle: async () => {
        throw new CredstackError('BUILD_INVALID', '/achievement/name: is empty', {
          pointer: '/achievement/name',
          fields: [{ pointer: '/achievement/name', detail: 'is empty' }],
        });
      },
    }),
  ];
  const handler = createHttpHandler(routes, {
    tokenVerifier: tableVerifier({ admin: ADMIN }),
    logger,
  });
  return { handler, seen, logger };
}

describe('typed handlers behind the router', () => {
  it('receive the path parameter, the validated body and the principal', async () => {
    const { handler, seen } = setup();

    const result = await handler(
      gatewayEvent({
        method: 'PUT',
        path: '/issuers/northfield/name',
        headers: { authorization: 'Bearer admin', 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'Northfield' }),
      }),
    );

    expect(result.statusCode).toBe(200);
    expect(seen).toEqual({ principal: 'admin-1', issuerId: 'northfield', name: 'Northfield' });
  });

  it('never run with a body their schema refuses', async () => {
    const { handler, seen } = setup();

    const result = await handler(
      gatewayEvent({
        method: 'PUT',
        path: '/issuers/northfield/name',
        headers: { authorization: 'Bearer admin', 'content-type': 'application/json' },
        body: JSON.stringify({ name: 7 }),
      }),
    );

    expect(result.statusCode).toBe(400);
    expect(seen).toEqual({});
  });

  it('answer an untranslated core error with its own problem, its inside kept out', async () => {
    const { handler } = setup();

    const result = await handler(gatewayEvent({ path: '/slow' }));

    expect(result.statusCode).toBe(504);
    const body = jsonBody(result) as { type: string; detail: string };
    expect(body.type).toBe('urn:credstack:problem:fetch-timeout');
    expect(body.detail).not.toContain('10.0.0.7');
  });

  it("answer a builder error 400 with the error's own fields", async () => {
    const { handler } = setup();

    const result = await handler(gatewayEvent({ path: '/build' }));

    expect(result.statusCode).toBe(400);
    expect(jsonBody(result)).toMatchObject({
      type: 'urn:credstack:problem:build-invalid',
      errors: [{ pointer: '/achievement/name', detail: 'is empty' }],
    });
  });
});
