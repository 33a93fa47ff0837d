import type { ValidateFunction } from 'ajv';
import type { Ajv2020 } from 'ajv/dist/2020.js';
import standaloneCodeModule from 'ajv/dist/standalone/index.js';
import type { Plugin } from 'esbuild';
import type { RouteGroup } from '#functions/api/app.ts';
import { createRouteAjv, type RoutePart } from '#functions/http/route-validators.ts';
import { PATHWAY_SCHEMA } from '#pathways/rule-schema.ts';
import { createPathwayAjv } from '#pathways/rule-validator.ts';
import { routeTableOfGroup } from '../api-routes.ts';
import { compactStandaloneCode } from './standalone-compact.ts';
import { ownDateFormats } from './standalone-formats.ts';

/**
 * The request validators of a function's route group and the pathway rule validator as Ajv
 * standalone code, emitted at bundle time. Compiled at run time they brought Ajv's compiler
 * (about 150 KB with its formats and URI parser) into what every API function loads at start;
 * the generated code needs only Ajv's small run-time helpers (ajv/dist/runtime/*) and the
 * format checks it uses. Each plugin replaces one source module, which keeps compiling with
 * Ajv outside bundles, by a module with the same exports. The code is compacted
 * (standalone-compact.ts): the same verdicts and errors in less code.
 */

// ajv's standalone module is CommonJS: its exports are the function, which also carries itself
// as `default`; its types describe only the latter.
const standaloneCode = (
  standaloneCodeModule as unknown as {
    default: (ajv: Ajv2020, refsOrFunc: ValidateFunction | Record<string, string>) => string;
  }
).default;

const NAMESPACE = 'credstack-standalone';
const ROUTE_PARTS: readonly RoutePart[] = ['body', 'query'];

// Keywords that only annotate a schema (for OpenAPI and people): no verdict or error reads them.
const ANNOTATIONS = new Set([
  'description',
  'example',
  'examples',
  'externalDocs',
  'title',
  'xml',
  '$comment',
]);
// Keywords whose value is a schema, a list of schemas or a map of names to schemas; any other
// keyword's value (const, enum, default, required…) is data and stays as written.
const SUBSCHEMA = new Set([
  'additionalProperties',
  'contains',
  'else',
  'if',
  'items',
  'not',
  'propertyNames',
  'then',
  'unevaluatedItems',
  'unevaluatedProperties',
]);
const SUBSCHEMA_LISTS = new Set(['allOf', 'anyOf', 'oneOf', 'prefixItems']);
const SUBSCHEMA_MAPS = new Set(['$defs', 'dependentSchemas', 'patternProperties', 'properties']);

// One copy per schema object: routes sharing a schema keep sharing one validator.
const stripped = new WeakMap<object, Record<string, unknown>>();

/**
 * `schema` without its annotations. The generated code keeps a schema object where it reads
 * one (an `enum` for its error, a long property list), examples and all; the copy it is
 * generated from carries only what validates.
 */
function withoutAnnotations(schema: unknown): unknown {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) return schema;
  const known = stripped.get(schema);
  if (known !== undefined) return known;
  const out: Record<string, unknown> = {};
  stripped.set(schema, out);
  for (const [keyword, value] of Object.entries(schema)) {
    if (ANNOTATIONS.has(keyword)) continue;
    if (SUBSCHEMA.has(keyword)) out[keyword] = withoutAnnotations(value);
    else if (SUBSCHEMA_LISTS.has(keyword) && Array.isArray(value))
      out[keyword] = value.map(withoutAnnotations);
    else if (SUBSCHEMA_MAPS.has(keyword) && typeof value === 'object' && value !== null)
      out[keyword] = Object.fromEntries(
        Object.entries(value).map(([name, sub]) => [name, withoutAnnotations(sub)]),
      );
    else out[keyword] = value;
  }
  return out;
}

/** One request part's validators: the generated module and, per operationId, its export. */
interface PartValidators {
  readonly source: string;
  readonly exports: Readonly<Record<string, string>>;
}

/**
 * The standalone code of one request part of `group`'s routes, compiled as
 * functions/http/route-validators.ts compiles them: one validator per schema object, a schema
 * whose `$id` Ajv already knows reusing that one.
 */
function partValidators(group: RouteGroup, part: RoutePart): PartValidators {
  const ajv = createRouteAjv(part, { source: true, esm: true });
  const refs: Record<string, string> = {};
  const exports: Record<string, string> = {};
  // Routes sharing a schema object share its validator, exported once.
  const names = new Map<ValidateFunction, string>();
  for (const route of routeTableOfGroup(group)) {
    const schema = route[part];
    if (schema === undefined) continue;
    const id = schema.$id;
    let ref = typeof id === 'string' && ajv.getSchema(id) !== undefined ? id : undefined;
    if (ref === undefined) {
      ref = `urn:credstack:route:${part}:${route.operationId}`;
      ajv.addSchema(withoutAnnotations(schema) as typeof schema, ref);
    }
    const validate = ajv.getSchema(ref);
    if (validate === undefined) throw new Error(`no validator for ${ref}`);
    let name = names.get(validate);
    if (name === undefined) {
      name = `v${names.size}`;
      names.set(validate, name);
      refs[name] = ref;
    }
    exports[route.operationId] = name;
  }
  const source =
    Object.keys(refs).length === 0
      ? ''
      : ownDateFormats(compactStandaloneCode(standaloneCode(ajv, refs)));
  return { source, exports };
}

/**
 * The ES module source that replaces functions/http/route-validators.ts in a bundle of
 * `group`'s function, and the generated modules it imports (by their path in
 * {@link NAMESPACE}).
 *
 * @example
 * const { entry, parts } = routeValidatorsSource('issuance');
 */
export function routeValidatorsSource(group: RouteGroup): {
  readonly entry: string;
  readonly parts: Readonly<Record<string, string>>;
} {
  const parts: Record<string, string> = {};
  const lines: string[] = [];
  const tables: string[] = [];
  for (const part of ROUTE_PARTS) {
    const { source, exports } = partValidators(group, part);
    parts[`route-${part}`] = source;
    lines.push(`import * as ${part} from ${JSON.stringify(`${NAMESPACE}:route-${part}`)};`);
    const entries = Object.entries(exports).map(
      ([operationId, name]) => `${JSON.stringify(operationId)}: ${part}.${name}`,
    );
    tables.push(`${part}: { ${entries.join(', ')} }`);
  }
  const entry = [
    ...lines,
    `const validators = { ${tables.join(', ')} };`,
    'export function routeValidator(part, operationId) {',
    '  const validate = Object.hasOwn(validators[part], operationId) ? validators[part][operationId] : undefined;',
    // A route the build did not see: the table the function serves is not its group's.
    "  if (validate === undefined) throw new Error('no ' + part + ' validator was generated for ' + operationId);",
    '  return validate;',
    '}',
  ].join('\n');
  return { entry, parts };
}

/**
 * The ES module source that replaces pathways/rule-validator.ts: the rule schema's validator
 * compiled with the options the source compiles it with.
 *
 * @example
 * const source = pathwayRuleValidatorSource();
 */
export function pathwayRuleValidatorSource(): string {
  const ajv = createPathwayAjv({ source: true, esm: true });
  const validate = ajv.compile(PATHWAY_SCHEMA);
  const code = ownDateFormats(compactStandaloneCode(standaloneCode(ajv, validate)));
  return `${code}\nexport function pathwayRuleValidator() { return validate; }\n`;
}

const ROUTE_VALIDATORS = /[\\/]functions[\\/]http[\\/]route-validators\.ts$/;
const PATHWAY_VALIDATOR = /[\\/]pathways[\\/]rule-validator\.ts$/;

/**
 * Replaces the route validators' module with the standalone code of `group`'s request
 * schemas, and the pathway rule validator's module with that schema's (see above).
 *
 * @example
 * await build({ ...options, plugins: [standaloneValidators(repoRoot, 'issuance')] });
 */
export function standaloneValidators(resolveDir: string, group: RouteGroup | undefined): Plugin {
  let routes: ReturnType<typeof routeValidatorsSource> | undefined;
  let pathway: string | undefined;
  return {
    name: 'credstack-standalone-validators',
    setup(builder) {
      if (group !== undefined) {
        builder.onLoad({ filter: ROUTE_VALIDATORS }, () => {
          routes ??= routeValidatorsSource(group);
          return { contents: routes.entry, loader: 'js', resolveDir };
        });
        builder.onResolve({ filter: new RegExp(`^${NAMESPACE}:`) }, (args) => ({
          path: args.path.slice(NAMESPACE.length + 1),
          namespace: NAMESPACE,
        }));
        builder.onLoad({ filter: /.*/, namespace: NAMESPACE }, (args) => {
          routes ??= routeValidatorsSource(group);
          return { contents: routes.parts[args.path] ?? '', loader: 'js', resolveDir };
        });
      }
      builder.onLoad({ filter: PATHWAY_VALIDATOR }, () => {
        pathway ??= pathwayRuleValidatorSource();
        return { contents: pathway, loader: 'js', resolveDir };
      });
    },
  };
}
