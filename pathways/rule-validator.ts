import type { CodeOptions, ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { PATHWAY_SCHEMA } from './rule-schema.ts';

/**
 * The compiled validator of the pathway rule schema. From the sources (tests, the local
 * runtime, the CLI) Ajv compiles it on first use; a Lambda bundle replaces this module with the
 * schema's Ajv standalone code, emitted at bundle time (infra/bundling/standalone-validators.ts),
 * so Ajv's compiler never loads in a function.
 */

/**
 * The Ajv instance of the pathway rule schema. `code` is for the build step that emits the
 * validator as standalone code with the very same options.
 *
 * @example
 * const ajv = createPathwayAjv({ source: true, esm: true });
 */
export function createPathwayAjv(code?: CodeOptions): Ajv2020 {
  return new Ajv2020({
    ...(code === undefined ? {} : { code }),
    allErrors: true,
    strict: true,
    strictRequired: false,
    // A `$ref` stays a call to the function of its `$defs` entry rather than a copy at each use:
    // the node kinds share their fragments, which keeps the standalone code about a third smaller.
    inlineRefs: false,
    // Checked against the meta-schema by a test (test/unit/http/schema-meta.test.ts), not at
    // each cold start.
    validateSchema: false,
  });
}

let validator: ValidateFunction | undefined;

/**
 * The pathway rule schema's validator, compiled once.
 *
 * @example
 * const validate = pathwayRuleValidator();
 * if (!validate(json)) console.log(validate.errors);
 */
export function pathwayRuleValidator(): ValidateFunction {
  validator ??= createPathwayAjv().compile(PATHWAY_SCHEMA);
  return validator;
}
