import type { Context as LambdaContext } from 'aws-lambda';
import type { FromSchema, JSONSchema as TypedJsonSchema } from 'json-schema-to-ts';
import { type Principal, ROLES, type Role } from '#shared/domain/principal.ts';

/**
 * Routes as data: one table of route definitions drives the Lambda router, the local server
 * and the OpenAPI document, so the three can never disagree about a path, a schema or who
 * may call it.
 */

/** A JSON Schema (draft 2020-12, the dialect of OpenAPI 3.1). */
export type JsonSchema = Readonly<Record<string, unknown>>;

export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

/** `public`, or the roles of which the caller needs at least one. */
export type RouteAuth = 'public' | readonly Role[];

/**
 * A response schema given by name: only the OpenAPI document shows response schemas, so a
 * route table names them and the document's builder is handed the schemas themselves
 * (`buildOpenApi` in openapi.ts). A function serving requests then never loads them.
 */
export class SchemaName {
  readonly name: string;
  constructor(name: string) {
    this.name = name;
  }
}

/** A response schema, inline or by name. */
export type ResponseSchema = JsonSchema | SchemaName;

/** One documented response of a route. */
export interface ResponseSpec {
  readonly description: string;
  readonly schema?: ResponseSchema;
  /** Media type of the body; `application/json` when a schema is given and this is not. */
  readonly contentType?: string;
  /** An example body; the schema's own `example` when not given. */
  readonly example?: unknown;
  /** Other media types the same status may answer with (content negotiation by `Accept`). */
  readonly alternatives?: readonly {
    readonly contentType: string;
    readonly schema: ResponseSchema;
    readonly example?: unknown;
  }[];
}

/** The names of the `{name}` parameters of a path template literal, as a union. */
type ParamNames<Path extends string> = Path extends `${string}{${infer Name}}${infer Rest}`
  ? Name | ParamNames<Rest>
  : never;

/**
 * The path parameters of a path template literal; any string's when the path is not a literal.
 *
 * @example
 * type P = PathParams<'/issuers/{issuerId}/achievements/{achievementId}'>;
 * // { readonly issuerId: string; readonly achievementId: string }
 */
export type PathParams<Path extends string> = string extends Path
  ? Readonly<Record<string, string>>
  : { readonly [Name in ParamNames<Path>]: string };

/**
 * The type of a body its schema validates: derived from the schema itself (json-schema-to-ts)
 * when the schema is a literal (`as const`), `unknown` when it is only known as a JsonSchema
 * or the route takes no body.
 *
 * @example
 * type B = BodyOf<{ type: 'object', required: ['name'], properties: { name: { type: 'string' } } }>;
 * // { name: string; [x: string]: unknown }
 */
export type BodyOf<Schema extends JsonSchema | undefined> = Schema extends undefined
  ? unknown
  : JsonSchema extends Schema
    ? unknown
    : Schema extends TypedJsonSchema
      ? FromSchema<Schema>
      : unknown;

/**
 * The principal of a request: always there on a route that needs roles (authentication ran
 * and succeeded before the handler), maybe there on a public one (`identifiesCaller`).
 */
export type PrincipalOf<Auth extends RouteAuth> = [Auth] extends [readonly Role[]]
  ? { readonly principal: Principal }
  : {
      /** Set on every route that is not `public`. */
      readonly principal?: Principal;
    };

/**
 * A request as a route handler sees it: matched, parsed, authenticated and validated. The
 * defaults are the loose view (any parameter name, an `unknown` body, maybe a principal);
 * {@link defineRoute} gives a handler the view its own route definition proves.
 */
export type HttpRequest<
  Params extends Readonly<Record<string, string>> = Readonly<Record<string, string>>,
  Body = unknown,
  Auth extends RouteAuth = RouteAuth,
> = HttpRequestData<Params, Body> & PrincipalOf<Auth>;

/** What every request holds besides its principal. */
export interface HttpRequestData<
  Params extends Readonly<Record<string, string>> = Readonly<Record<string, string>>,
  Body = unknown,
> {
  readonly method: HttpMethod;
  readonly path: string;
  readonly pathParams: Params;
  /** Query parameters: strings, unless the route's query schema coerced them (`integer`, …). */
  readonly query: Readonly<Record<string, unknown>>;
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string>>;
  /** Parsed JSON when the content type is JSON (validated when the route has a body schema). */
  readonly body: Body;
  /** The body as UTF-8 text, when there was one. */
  readonly rawBody?: string;
  readonly correlationId: string;
}

/** What a handler answers. A `Uint8Array` body is sent base64-encoded (PNG, …). */
export interface HttpResult {
  readonly status: number;
  /** JSON value, text (`string`) or bytes; absent for an empty body. */
  readonly body?: unknown;
  readonly contentType?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/** Per-invocation facts a handler may need besides the request. */
export interface RouteContext {
  /** Aborted shortly before the Lambda times out. */
  readonly signal: AbortSignal;
  /** Absent when the handler runs outside Lambda (local server, tests). */
  readonly lambdaContext?: LambdaContext;
}

/**
 * One route. Without type arguments it is the loose shape every route table holds (and an
 * object literal of the old style still satisfies); {@link defineRoute} infers `Path`,
 * `Body` and `Auth` from the literal so the handler's request is typed by them.
 */
export interface RouteDefinition<
  Path extends string = string,
  Body extends JsonSchema | undefined = JsonSchema | undefined,
  Auth extends RouteAuth = RouteAuth,
> {
  readonly method: HttpMethod;
  /** OpenAPI path template: `/issuers/{issuerId}/achievements`. */
  readonly path: Path;
  readonly operationId: string;
  readonly summary: string;
  readonly description?: string;
  readonly tags?: readonly string[];
  readonly auth: Auth;
  /**
   * The route group whose deployed function serves this operation (functions/api/app.ts
   * names them): said here, once, beside the route, so adding a route is one edit.
   */
  readonly group?: string;
  /**
   * On a public route that shows its caller more (an issuer admin's drafts): a valid bearer
   * token sets `principal`; a missing or bad one leaves the request anonymous, never refused.
   * Other public routes ignore tokens.
   */
  readonly identifiesCaller?: boolean;
  /** Schema of a JSON body; a route with one refuses other content types (415). */
  readonly body?: Body;
  /**
   * `true` when the body is only read or kept as text (a credential to verify or import), so
   * its numbers need not fit the table: other bodies are refused (400) when a number is
   * outside what DynamoDB stores (magnitude 1e-130 to 1e126, 38 digits).
   */
  readonly opaqueBody?: boolean;
  /** An object schema whose `properties` are the query parameters. */
  readonly query?: JsonSchema;
  readonly responses: Readonly<Record<number, ResponseSpec>>;
  /**
   * Answers the request. Declared as a method on purpose: a typed route (its request narrowed
   * to its own path parameters, body and principal) then still fits a loose route table. The
   * router makes the narrowing true: parameters come from the path, the body passed the
   * schema, and a non-public route has authenticated its caller.
   */
  handle(
    request: HttpRequest<PathParams<Path>, BodyOf<Body>, Auth>,
    context: RouteContext,
  ): Promise<HttpResult>;
}

const PARAM_SEGMENT = /^\{([A-Za-z_][A-Za-z0-9_]*)\}$/;
// RFC 3986 pchar, minus `{}` which only delimit parameters.
const STATIC_SEGMENT = /^(?:[A-Za-z0-9\-._~!$&'()*+,;=:@]|%[0-9A-Fa-f]{2})+$/;
const OPERATION_ID = /^[A-Za-z][A-Za-z0-9_]*$/;

/** A path template split into its segments: static text or a named parameter. */
export type PathSegment =
  | { readonly kind: 'static'; readonly text: string }
  | { readonly kind: 'param'; readonly name: string };

/**
 * Splits a path template into segments; throws TypeError for a malformed template.
 *
 * @example
 * parsePathTemplate('/issuers/{issuerId}'); // [{ kind: 'static', text: 'issuers' }, { kind: 'param', name: 'issuerId' }]
 */
export function parsePathTemplate(path: string): readonly PathSegment[] {
  if (!path.startsWith('/')) throw new TypeError(`route path ${path} must start with /`);
  if (path === '/') return [];
  const names = new Set<string>();
  return path
    .slice(1)
    .split('/')
    .map((segment): PathSegment => {
      const param = PARAM_SEGMENT.exec(segment);
      if (param?.[1] !== undefined) {
        if (names.has(param[1])) throw new TypeError(`route path ${path} repeats {${param[1]}}`);
        names.add(param[1]);
        return { kind: 'param', name: param[1] };
      }
      if (!STATIC_SEGMENT.test(segment))
        throw new TypeError(`route path ${path} has a malformed segment "${segment}"`);
      return { kind: 'static', text: segment };
    });
}

/**
 * Names of the `{name}` parameters of a path template, in order.
 *
 * @example
 * pathParamNames('/issuers/{issuerId}/achievements/{achievementId}'); // ['issuerId', 'achievementId']
 */
export function pathParamNames(path: string): readonly string[] {
  return parsePathTemplate(path).flatMap((segment) =>
    segment.kind === 'param' ? [segment.name] : [],
  );
}

function checkSchemaObject(schema: JsonSchema | undefined, what: string): void {
  if (schema === undefined) return;
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema))
    throw new TypeError(`${what} must be a JSON Schema object`);
}

/**
 * Checks a route definition and returns it unchanged: a malformed route fails when the
 * module defining it loads, not when the first request arrives.
 *
 * @example
 * export const getIssuer = defineRoute({
 *   method: 'GET', path: '/issuers/{issuerId}', operationId: 'getIssuer', summary: 'An issuer',
 *   auth: ['platform-admin', 'issuer-admin'], responses: { 200: { description: 'The issuer' } },
 *   handle: async (request) => ({ status: 200, body: { id: request.pathParams.issuerId } }),
 * });
 */
export function defineRoute<
  const Path extends string,
  const Body extends JsonSchema | undefined = undefined,
  const Auth extends RouteAuth = RouteAuth,
>(route: RouteDefinition<Path, Body, Auth>): RouteDefinition {
  const where = `route ${route.operationId}`;
  if (!HTTP_METHODS.includes(route.method))
    throw new TypeError(`${where}: unsupported method ${route.method}`);
  parsePathTemplate(route.path);
  if (!OPERATION_ID.test(route.operationId))
    throw new TypeError(`operationId "${route.operationId}" must match ${OPERATION_ID}`);
  // Checked as data: a route table may come from JSON or a cast, whatever its type says.
  const auth: unknown = route.auth;
  if (auth !== 'public') {
    if (!Array.isArray(auth) || auth.length === 0)
      throw new TypeError(`${where}: auth must be 'public' or a non-empty list of roles`);
    for (const role of auth as readonly unknown[])
      if (!ROLES.includes(role as Role)) throw new TypeError(`${where}: unknown role ${role}`);
  }
  if (route.body !== undefined && route.method === 'GET')
    throw new TypeError(`${where}: a GET route cannot take a body`);
  checkSchemaObject(route.body, `${where}: body`);
  checkSchemaObject(route.query, `${where}: query`);
  if (route.query !== undefined) {
    const properties = route.query.properties;
    if (route.query.type !== 'object' || typeof properties !== 'object' || properties === null)
      throw new TypeError(`${where}: query must be { type: 'object', properties: {…} }`);
  }
  const statuses = Object.keys(route.responses);
  if (statuses.length === 0) throw new TypeError(`${where}: document at least one response`);
  for (const status of statuses) {
    const code = Number(status);
    if (!Number.isInteger(code) || code < 100 || code > 599)
      throw new TypeError(`${where}: ${status} is not an HTTP status`);
  }
  // The typed handler fits the loose table: see RouteDefinition.handle.
  return route;
}

/**
 * Throws TypeError when two routes share a method and path, or an operationId.
 *
 * @example
 * checkRouteTable([getIssuer, listAchievements]);
 */
export function checkRouteTable(routes: readonly RouteDefinition[]): void {
  const keys = new Set<string>();
  const operationIds = new Set<string>();
  for (const route of routes) {
    // `{a}` and `{b}` in the same place match the same requests.
    const shape = parsePathTemplate(route.path)
      .map((segment) => (segment.kind === 'param' ? '{}' : segment.text))
      .join('/');
    const key = `${route.method} /${shape}`;
    if (keys.has(key)) throw new TypeError(`two routes answer ${route.method} ${route.path}`);
    keys.add(key);
    if (operationIds.has(route.operationId))
      throw new TypeError(`two routes have the operationId ${route.operationId}`);
    operationIds.add(route.operationId);
  }
}
