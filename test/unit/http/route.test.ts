import { describe, expect, it } from 'vitest';
import { ok } from '#functions/http/responses.ts';
import {
  checkRouteTable,
  defineRoute,
  parsePathTemplate,
  pathParamNames,
  type RouteDefinition,
} from '#functions/http/route.ts';

const BASE: RouteDefinition = {
  method: 'GET',
  path: '/issuers/{issuerId}',
  operationId: 'getIssuer',
  summary: 'An issuer',
  auth: ['platform-admin'],
  responses: { 200: { description: 'The issuer' } },
  handle: async () => ok(null),
};

describe('defineRoute', () => {
  it('returns a well-formed route unchanged', () => {
    expect(defineRoute(BASE)).toBe(BASE);
  });

  it.each([
    [{ path: 'issuers' }, 'route path issuers must start with /'],
    [{ path: '/issuers/{id}/x/{id}' }, 'route path /issuers/{id}/x/{id} repeats {id}'],
    [{ path: '/issuers//x' }, 'route path /issuers//x has a malformed segment ""'],
    [{ path: '/issuers/{issuer-id}' }, 'has a malformed segment "{issuer-id}"'],
    [{ method: 'TRACE' }, 'unsupported method TRACE'],
    [{ operationId: 'get-issuer' }, 'operationId "get-issuer" must match'],
    [{ auth: [] }, "auth must be 'public' or a non-empty list of roles"],
    [{ auth: ['root'] }, 'unknown role root'],
    [{ body: { type: 'object' } }, 'a GET route cannot take a body'],
    [{ query: { type: 'string' } }, "query must be { type: 'object', properties: {…} }"],
    [{ responses: {} }, 'document at least one response'],
    [{ responses: { 700: { description: 'x' } } }, '700 is not an HTTP status'],
  ])('refuses %o', (change, message) => {
    expect(() => defineRoute({ ...BASE, ...change } as RouteDefinition)).toThrow(message);
  });
});

describe('parsePathTemplate', () => {
  it('splits static segments and parameters', () => {
    expect(parsePathTemplate('/issuers/{issuerId}/did.json')).toEqual([
      { kind: 'static', text: 'issuers' },
      { kind: 'param', name: 'issuerId' },
      { kind: 'static', text: 'did.json' },
    ]);
    expect(parsePathTemplate('/')).toEqual([]);
  });
});

describe('pathParamNames', () => {
  it('lists parameter names in order', () => {
    expect(pathParamNames('/issuers/{issuerId}/achievements/{achievementId}')).toEqual([
      'issuerId',
      'achievementId',
    ]);
  });
});

describe('checkRouteTable', () => {
  it('refuses a repeated operationId', () => {
    expect(() => checkRouteTable([BASE, { ...BASE, method: 'DELETE' }])).toThrow(
      'two routes have the operationId getIssuer',
    );
  });

  it('accepts one path under several methods', () => {
    expect(() =>
      checkRouteTable([BASE, { ...BASE, method: 'DELETE', operationId: 'deleteIssuer' }]),
    ).not.toThrow();
  });
});
