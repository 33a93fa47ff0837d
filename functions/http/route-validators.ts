import type { CodeOptions, ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { JsonSchema } from './route.ts';

/**
 * The compiled validators of route bodies and query strings (JSON Schema 2020-12, as in OpenAPI
 * 3.1). From the sources (tests, the local runtime) Ajv compiles each schema on first use. A
 * Lambda bundle replaces this module with the Ajv standalone code of its route group's schemas,
 * emitted at bundle time (infra/bundling/route-standalone.ts): Ajv's compiler (about 150 KB
 * with its formats and URI parser) then never loads, and no request waits for a compilation.
 */

/** Which part of a request a validator checks: query strings are coerced, bodies never. */
export type RoutePart = 'body' | 'query';

// ajv-formats is CommonJS: under NodeNext the default import is its module object, and at
// run time `module.exports` (the plugin) carries the same `default` property.
const addFormats = addFormatsModule.default;

// OpenAPI annotations Ajv does not know; accepted so route schemas can carry them.
const OPENAPI_ANNOTATIONS = ['example', 'externalDocs', 'xml'];

/**
 * The Ajv instance of one request part. `code` is for the build step that emits the route
 * validators as standalone code with the very same options.
 *
 * @example
 * const ajv = createRouteAjv('query', { source: true, esm: true });
 */
export function createRouteAjv(part: RoutePart, code?: CodeOptions): Ajv2020 {
  const ajv = new Ajv2020({
    ...(code === undefined ? {} : { code }),
    // Every offending field in one answer; bodies are capped, and so is the error list.
    allErrors: true,
    strict: true,
    // The schemas are checked against the meta-schema by a test (schema-meta.test.ts), not in
    // every cold start, where compiling the meta-schema costs tens of milliseconds.
    validateSchema: false,
    strictTypes: false,
    strictRequired: false,
    allowUnionTypes: true,
    // Query strings are text: `limit=5` must satisfy `type: integer`. Bodies are never coerced.
    coerceTypes: part === 'query' ? 'array' : false,
  });
  addFormats(ajv);
  ajv.addVocabulary(OPENAPI_ANNOTATIONS);
  return ajv;
}

const ajvs: Partial<Record<RoutePart, Ajv2020>> = {};
// One compiled function per schema object, however many handlers share the route table.
const compiled: Record<RoutePart, WeakMap<JsonSchema, ValidateFunction>> = {
  body: new WeakMap(),
  query: new WeakMap(),
};

/**
 * The validator of one route's body or query schema; a schema Ajv refuses throws. A schema
 * with an `$id` Ajv already knows reuses that validator.
 *
 * @example
 * const validate = routeValidator('body', 'createAchievement', createAchievementRoute.body);
 */
export function routeValidator(
  part: RoutePart,
  _operationId: string,
  schema: JsonSchema,
): ValidateFunction {
  const cached = compiled[part].get(schema);
  if (cached !== undefined) return cached;
  ajvs[part] ??= createRouteAjv(part);
  const ajv = ajvs[part];
  const id = schema.$id;
  const known = typeof id === 'string' ? ajv.getSchema(id) : undefined;
  const validate = known ?? ajv.compile(schema);
  compiled[part].set(schema, validate);
  return validate;
}
