import { describe, expect, expectTypeOf, it } from 'vitest';
import { ok } from '#functions/http/responses.ts';
import {
  type BodyOf,
  defineRoute,
  type HttpRequest,
  type JsonSchema,
  type PathParams,
  type RouteDefinition,
} from '#functions/http/route.ts';
import type { Principal } from '#shared/domain/principal.ts';

// Type-level behaviour of route definitions. `npm test` type-checks this file (tsc) before
// vitest runs it, so an expectTypeOf or a @ts-expect-error that stops holding fails the run.

const NAMED = {
  type: 'object',
  required: ['name'],
  properties: { name: { type: 'string' }, size: { type: 'integer' } },
  additionalProperties: false,
} as const satisfies JsonSchema;

describe('PathParams', () => {
  it('has one string per {name} of a path literal', () => {
    expectTypeOf<PathParams<'/issuers/{issuerId}/achievements/{achievementId}'>>().toEqualTypeOf<{
      readonly issuerId: string;
      readonly achievementId: string;
    }>();
    expectTypeOf<keyof PathParams<'/health'>>().toBeNever();
  });

  it('is any name for a path that is not a literal', () => {
    expectTypeOf<PathParams<string>>().toEqualTypeOf<Readonly<Record<string, string>>>();
  });
});

describe('BodyOf', () => {
  it('is the type the schema validates, for a literal schema', () => {
    expectTypeOf<BodyOf<typeof NAMED>>().toEqualTypeOf<{ name: string; size?: number }>();
  });

  it('is unknown for no schema or a schema only known as a JsonSchema', () => {
    expectTypeOf<BodyOf<undefined>>().toBeUnknown();
    expectTypeOf<BodyOf<JsonSchema>>().toBeUnknown();
  });
});

describe('defineRoute', () => {
  it("types a handler's request from its own definition", async () => {
    const route = defineRoute({
      method: 'POST',
      path: '/issuers/{issuerId}/things/{thingId}',
      operationId: 'makeThing',
      summary: 'A thing',
      auth: ['issuer-admin'],
      body: NAMED,
      responses: { 201: { description: 'Made' } },
      handle: async (request) => {
        expectTypeOf(request.pathParams).toEqualTypeOf<{
          readonly issuerId: string;
          readonly thingId: string;
        }>();
        expectTypeOf(request.body).toEqualTypeOf<{ name: string; size?: number }>();
        expectTypeOf(request.principal).toEqualTypeOf<Principal>();
        // @ts-expect-error: the path has no {learnerId}
        request.pathParams.learnerId;
        return ok({ issuerId: request.pathParams.issuerId, name: request.body.name });
      },
    });

    expectTypeOf(route).toEqualTypeOf<RouteDefinition>();
    const answer = await route.handle(
      {
        method: 'POST',
        path: '/issuers/a/things/b',
        pathParams: { issuerId: 'a', thingId: 'b' },
        query: {},
        headers: {},
        body: { name: 'n' },
        principal: { subject: 's', roles: ['issuer-admin'], issuerIds: ['a'] } as Principal,
        correlationId: 'c',
      },
      { signal: new AbortController().signal },
    );
    expect(answer.body).toEqual({ issuerId: 'a', name: 'n' });
  });

  it('leaves the principal optional on a public route', () => {
    defineRoute({
      method: 'GET',
      path: '/open',
      operationId: 'open',
      summary: 'Open',
      auth: 'public',
      identifiesCaller: true,
      responses: { 200: { description: 'Yes' } },
      handle: async (request) => {
        expectTypeOf(request.principal).toEqualTypeOf<Principal | undefined>();
        expectTypeOf(request.body).toBeUnknown();
        return ok(request.principal?.subject ?? null);
      },
    });
  });

  it('still accepts a route of the old style: loose params, unknown body, a cast', () => {
    const loose: JsonSchema = { type: 'object' };
    const old: RouteDefinition = {
      method: 'PUT',
      path: '/issuers/{issuerId}',
      operationId: 'oldStyle',
      summary: 'Old',
      auth: ['platform-admin'],
      body: loose,
      responses: { 200: { description: 'Ok' } },
      handle: async (request: HttpRequest) => {
        expectTypeOf(request.pathParams).toEqualTypeOf<Readonly<Record<string, string>>>();
        expectTypeOf(request.principal).toEqualTypeOf<Principal | undefined>();
        const body = request.body as { readonly name?: string };
        return ok({ id: request.pathParams.issuerId ?? '', name: body.name ?? null });
      },
    };
    expect(defineRoute(old)).toBe(old);
    // The same literal passed straight to defineRoute compiles too.
    expect(
      defineRoute({ ...old, operationId: 'oldStyleInline', handle: old.handle }).operationId,
    ).toBe('oldStyleInline');
  });
});
