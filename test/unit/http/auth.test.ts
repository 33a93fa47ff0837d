import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { ok } from '#functions/http/responses.ts';
import { defineRoute, type HttpRequest } from '#functions/http/route.ts';
import { createHttpHandler } from '#functions/http/router.ts';
import { createJwtTokenVerifier } from '#shared/adapters/oidc/token-verifier.ts';
import {
  ADMIN,
  collectingLogger,
  gatewayEvent,
  ISSUER_ADMIN,
  jsonBody,
  LEARNER,
  NOBODY,
  tableVerifier,
} from './http-test-kit.ts';

function setup() {
  const calls: HttpRequest[] = [];
  const routes = [
    defineRoute({
      method: 'GET',
      path: '/issuers/{issuerId}',
      operationId: 'getIssuer',
      summary: 'An issuer',
      auth: ['platform-admin', 'issuer-admin'],
      responses: { 200: { description: 'The issuer' } },
      handle: async (request) => {
        calls.push(request);
        return ok({ subject: request.principal?.subject });
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/public-more',
      operationId: 'getPublicMore',
      summary: 'Open to all, more for some',
      auth: 'public',
      identifiesCaller: true,
      responses: { 200: { description: 'Yes' } },
      handle: async (request) => ok({ subject: request.principal?.subject ?? null }),
    }),
    defineRoute({
      method: 'GET',
      path: '/public',
      operationId: 'getPublic',
      summary: 'Open to all',
      auth: 'public',
      responses: { 200: { description: 'Yes' } },
      handle: async (request) => {
        calls.push(request);
        return ok({ principal: request.principal ?? null });
      },
    }),
  ];
  const verifier = tableVerifier({
    admin: ADMIN,
    'issuer-admin': ISSUER_ADMIN,
    learner: LEARNER,
    nobody: NOBODY,
  });
  const handler = createHttpHandler(routes, {
    tokenVerifier: verifier,
    logger: collectingLogger(),
  });
  return { handler, verifier, calls };
}

const PATH = '/issuers/northfield';

describe('authentication', () => {
  it('answers 401 with a bare Bearer challenge when no token is sent', async () => {
    const { handler, calls, verifier } = setup();

    const result = await handler(gatewayEvent({ path: PATH }));

    expect(result.statusCode).toBe(401);
    expect(result.headers?.['www-authenticate']).toBe('Bearer');
    expect(jsonBody(result)).toEqual({
      type: 'urn:credstack:problem:unauthenticated',
      title: 'Unauthenticated',
      status: 401,
      detail: 'this operation needs a bearer token',
      instance: PATH,
    });
    expect(calls).toHaveLength(0);
    expect(verifier.calls).toBe(0);
  });

  it('answers 401 when the Authorization header uses another scheme', async () => {
    const { handler, verifier } = setup();

    const result = await handler(
      gatewayEvent({ path: PATH, headers: { authorization: 'Basic YWxhZGRpbjpvcGVuc2VzYW1l' } }),
    );

    expect(result.statusCode).toBe(401);
    expect(result.headers?.['www-authenticate']).toBe('Bearer');
    expect(jsonBody(result)).toMatchObject({
      detail: 'the Authorization header is not a bearer token',
    });
    expect(verifier.calls).toBe(0);
  });

  it('answers 401 invalid_token for a token the verifier refuses', async () => {
    const { handler, calls } = setup();

    const result = await handler(
      gatewayEvent({ path: PATH, headers: { authorization: 'Bearer forged' } }),
    );

    expect(result.statusCode).toBe(401);
    expect(result.headers?.['www-authenticate']).toBe('Bearer error="invalid_token"');
    expect(jsonBody(result)).toMatchObject({ status: 401, detail: 'unknown token' });
    expect(calls).toHaveLength(0);
  });

  it('answers 403 before the handler runs when the token lacks the role', async () => {
    const { handler, calls } = setup();

    const result = await handler(
      gatewayEvent({ path: PATH, headers: { authorization: 'Bearer learner' } }),
    );

    expect(result.statusCode).toBe(403);
    expect(result.headers?.['www-authenticate']).toBeUndefined();
    expect(jsonBody(result)).toEqual({
      type: 'urn:credstack:problem:forbidden',
      title: 'Forbidden',
      status: 403,
      detail: 'this needs one of the roles platform-admin, issuer-admin',
      instance: PATH,
    });
    expect(calls).toHaveLength(0);
  });

  it('answers 403 for a valid token that carries no known role', async () => {
    const { handler, calls } = setup();

    const result = await handler(
      gatewayEvent({ path: PATH, headers: { authorization: 'Bearer nobody' } }),
    );

    expect(result.statusCode).toBe(403);
    expect(calls).toHaveLength(0);
  });

  it('passes the principal of an accepted token to the handler (scheme name in any case)', async () => {
    const { handler, calls } = setup();

    const result = await handler(
      gatewayEvent({ path: PATH, headers: { Authorization: 'bearer issuer-admin' } }),
    );

    expect(result.statusCode).toBe(200);
    expect(calls[0]?.principal).toEqual(ISSUER_ADMIN);
  });

  it('reads the caller on a public route that asks, and stays anonymous on a bad token', async () => {
    const { handler } = setup();
    const call = (headers: Record<string, string>) =>
      handler(gatewayEvent({ path: '/public-more', headers }));

    const known = await call({ authorization: 'Bearer issuer-admin' });
    const forged = await call({ authorization: 'Bearer forged' });
    const none = await call({});

    expect([known.statusCode, forged.statusCode, none.statusCode]).toEqual([200, 200, 200]);
    expect(jsonBody(known)).toEqual({ subject: ISSUER_ADMIN.subject });
    expect(jsonBody(forged)).toEqual({ subject: null });
    expect(jsonBody(none)).toEqual({ subject: null });
  });

  it('skips authentication on a public route, even with a token', async () => {
    const { handler, verifier } = setup();

    const result = await handler(
      gatewayEvent({ path: '/public', headers: { authorization: 'Bearer forged' } }),
    );

    expect(result.statusCode).toBe(200);
    expect(jsonBody(result)).toEqual({ principal: null });
    expect(verifier.calls).toBe(0);
  });

  it('works end to end with the JWT verifier', async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256' };
    const tokenVerifier = createJwtTokenVerifier({
      issuer: 'https://idp.example',
      audience: 'credstack',
      jwks: createLocalJWKSet({ keys: [jwk] }),
    });
    const route = defineRoute({
      method: 'GET',
      path: '/me',
      operationId: 'me',
      summary: 'Who am I',
      auth: ['learner'],
      responses: { 200: { description: 'The principal' } },
      handle: async (request) => ok(request.principal),
    });
    const handler = createHttpHandler([route], { tokenVerifier, logger: collectingLogger() });
    const token = await new SignJWT({
      'credstack:roles': ['learner'],
      'credstack:learner_id': 'l9',
    })
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
      .setIssuer('https://idp.example')
      .setAudience('credstack')
      .setSubject('user-9')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(privateKey);

    const accepted = await handler(
      gatewayEvent({ path: '/me', headers: { authorization: `Bearer ${token}` } }),
    );
    const tampered = await handler(
      gatewayEvent({ path: '/me', headers: { authorization: `Bearer ${token.slice(0, -4)}AAAA` } }),
    );

    expect(accepted.statusCode).toBe(200);
    expect(jsonBody(accepted)).toEqual({ subject: 'user-9', roles: ['learner'], learnerId: 'l9' });
    expect(tampered.statusCode).toBe(401);
    expect(tampered.headers?.['www-authenticate']).toBe('Bearer error="invalid_token"');
  });
});
