import type { ValidateFunction } from 'ajv';
import type { HttpMiddleware } from './logging.ts';
import { ajvErrorsToFields, type ProblemField, RequestValidationError } from './problem.ts';
import { type CompiledRoute, type RequestState, requestState } from './request-state.ts';
import type { RouteDefinition } from './route.ts';
import { routeValidator } from './route-validators.ts';

/**
 * Request validation against the route's JSON Schemas (2020-12, as in OpenAPI 3.1). Each
 * schema is compiled once (route-validators.ts; in a Lambda bundle, at bundle time); a
 * request only runs the compiled code.
 */

/**
 * When a route's schemas compile: `eager` when the handler is built (a schema Ajv refuses
 * fails the handler), `first-use` on the route's first request, so a cold start compiles only
 * the schemas of the request that woke it (the deployed functions; every route schema of the
 * table is compiled by a test, test/unit/http/schema-meta.test.ts).
 */
export type SchemaCompilation = 'eager' | 'first-use';

/**
 * Compiles a route's body and query schemas (cached per schema object); a schema Ajv refuses
 * throws here, when the handler is built. With `first-use`, the route compiles on its first
 * request instead.
 *
 * @example
 * const compiled = compileRoute(createAchievementRoute);
 */
export function compileRoute(
  definition: RouteDefinition,
  compilation: SchemaCompilation = 'eager',
): CompiledRoute {
  if (compilation === 'first-use' && (definition.body ?? definition.query) !== undefined) {
    let compiled: CompiledRoute | undefined;
    const route = () => {
      compiled ??= compileRoute(definition);
      return compiled;
    };
    return {
      definition,
      get validateBody() {
        return route().validateBody;
      },
      get validateQuery() {
        return route().validateQuery;
      },
    };
  }
  let validateBody: ValidateFunction | undefined;
  let validateQuery: ValidateFunction | undefined;
  try {
    if (definition.body !== undefined)
      validateBody = routeValidator('body', definition.operationId, definition.body);
    if (definition.query !== undefined)
      validateQuery = routeValidator('query', definition.operationId, definition.query);
  } catch (error) {
    throw new TypeError(`route ${definition.operationId} has an invalid schema`, { cause: error });
  }
  return {
    definition,
    ...(validateBody === undefined ? {} : { validateBody }),
    ...(validateQuery === undefined ? {} : { validateQuery }),
  };
}

function unescapePointerToken(token: string): string {
  return token.replaceAll('~1', '/').replaceAll('~0', '~');
}

/** Query problems name the parameter (the first pointer token) rather than point into a body. */
function queryFields(validate: ValidateFunction): ProblemField[] {
  return ajvErrorsToFields(validate.errors ?? []).map(({ pointer, detail }) => {
    const [, first] = pointer.split('/');
    return first === undefined || first === ''
      ? { pointer, detail }
      : { parameter: unescapePointerToken(first), detail };
  });
}

// DynamoDB numbers: zero, or a magnitude from 1e-130 up to (not including) 1e126. A JSON
// number outside it would be accepted by the schema and fail at the write as a 500.
const MIN_STORABLE = 1e-130;
const MAX_STORABLE = 1e126;

function escapeToken(token: string): string {
  return token.replaceAll('~', '~0').replaceAll('/', '~1');
}

/** Pointers to the numbers in `value` the table cannot store (at most `limit`). */
function unstorableNumbers(value: unknown, limit = 10): string[] {
  const found: string[] = [];
  const walk = (node: unknown, pointer: string): void => {
    if (found.length >= limit) return;
    if (typeof node === 'number') {
      const magnitude = Math.abs(node);
      if (magnitude !== 0 && (magnitude < MIN_STORABLE || magnitude >= MAX_STORABLE))
        found.push(pointer);
    } else if (Array.isArray(node)) {
      for (const [index, item] of node.entries()) walk(item, `${pointer}/${index}`);
    } else if (typeof node === 'object' && node !== null)
      for (const [key, item] of Object.entries(node)) walk(item, `${pointer}/${escapeToken(key)}`);
  };
  walk(value, '');
  return found;
}

function validateRequest(state: RequestState): void {
  const route = state.route;
  if (route === undefined) return;
  if (route.validateQuery !== undefined) {
    // Coercion writes into the object it checks: check a copy, keep the coerced values.
    const query: Record<string, unknown> = { ...state.query };
    if (!route.validateQuery(query))
      throw new RequestValidationError(
        'the query parameters are invalid',
        queryFields(route.validateQuery),
      );
    state.query = query;
  }
  if (route.validateBody !== undefined) {
    if (state.body === undefined)
      throw new RequestValidationError('the request body is missing', [
        { pointer: '', detail: 'a JSON body is required' },
      ]);
    if (!route.validateBody(state.body))
      throw new RequestValidationError(
        'the request body is invalid',
        ajvErrorsToFields(route.validateBody.errors ?? []),
      );
    if (route.definition.opaqueBody !== true) {
      const pointers = unstorableNumbers(state.body);
      if (pointers.length > 0)
        throw new RequestValidationError(
          'the request body holds a number the service cannot store',
          pointers.map((pointer) => ({
            pointer,
            detail: 'must be 0 or have a magnitude from 1e-130 up to 1e126',
          })),
        );
    }
  }
}

/**
 * Validates the query and body of the matched route; 400 with one entry per field otherwise.
 *
 * @example
 * middy(handler).use(requestValidator());
 */
export function requestValidator(): HttpMiddleware {
  return { before: (request) => validateRequest(requestState(request.event)) };
}
