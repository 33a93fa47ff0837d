import type { CodeOptions, ValidateFunction } from 'ajv';
import { Ajv2019 } from 'ajv/dist/2019.js';
import addFormatsModule from 'ajv-formats';
import {
  achievementCredentialSchema,
  endorsementCredentialSchema,
  type SchemaVariant,
} from './ob3-schema.ts';

/**
 * Ajv and the OB 3.0 schemas it compiles (schema-validator.ts decides which validator is
 * needed). A Lambda bundle loads this module on first need (schema-compiler-loader.ts): most
 * processes only run the lean plain validator, which comes precompiled.
 */

export type CredentialKind = 'achievement' | 'endorsement';

// ajv-formats is CommonJS: under NodeNext the default import is its module object, and at
// run time `module.exports` (the plugin) carries the same `default` property.
const addFormats = addFormatsModule.default;

const SCHEMAS: Readonly<Record<CredentialKind, (variant: SchemaVariant) => object>> = {
  achievement: achievementCredentialSchema,
  endorsement: endorsementCredentialSchema,
};

/**
 * The Ajv instance of a validator: `verbose` for the explaining one. `code` is for the build
 * step that emits the lean plain validator as standalone code with the very same options.
 *
 * @example
 * const ajv = createAjv(false, { source: true, esm: true });
 */
export function createAjv(verbose: boolean, code?: CodeOptions): Ajv2019 {
  const instance = new Ajv2019({
    ...(code === undefined ? {} : { code }),
    allErrors: false,
    verbose,
    // The lean validator only says pass or fail (the verbose one explains a failure): each
    // $ref one shared function instead of a copy inlined at every use, and no message texts.
    // Its standalone code in the bundles is a quarter smaller; it validates as fast.
    inlineRefs: verbose,
    messages: verbose,
    strictSchema: true,
    // Checked against the meta-schema by a test (test/unit/http/schema-meta.test.ts), not at
    // each cold start, where compiling the meta-schema costs tens of milliseconds.
    validateSchema: false,
    strictTypes: false,
    strictTuples: false,
    strictRequired: false,
  });
  addFormats(instance, ['date-time', 'date']);
  return instance;
}

const ajvs: { lean?: Ajv2019; verbose?: Ajv2019 } = {};

/**
 * Compiles the schema of `kind` in `variant`; `verbose` for the validator whose errors carry
 * their parent schema (messages quote the schema's descriptions).
 *
 * @example
 * const validate = compileOb3Validator('achievement', 'linked-data', false);
 */
export function compileOb3Validator(
  kind: CredentialKind,
  variant: SchemaVariant,
  verbose: boolean,
): ValidateFunction {
  const mode = verbose ? 'verbose' : 'lean';
  ajvs[mode] ??= createAjv(verbose);
  return ajvs[mode].compile(SCHEMAS[kind](variant));
}
