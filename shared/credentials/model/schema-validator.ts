import type { CodeOptions, ErrorObject, ValidateFunction } from 'ajv';
import { Ajv2019 } from 'ajv/dist/2019.js';
import addFormatsModule from 'ajv-formats';
import { ENDORSEMENT_CREDENTIAL } from './constants.ts';
import { precompiledPlainAchievementCheck } from './ob3-precompiled.ts';
import {
  achievementCredentialSchema,
  endorsementCredentialSchema,
  type SchemaVariant,
} from './ob3-schema.ts';
import { hasType, isObject, pointer } from './values.ts';

/**
 * OB 3.0 schema validation with credstack's own schema (ob3-schema.ts). A credential is
 * checked against the plain-JSON form first — the fast path every credential credstack
 * issues takes — and only when that fails against the linked-data form; passing the latter
 * only turns the plain-form error into a warning, as the 1EdTech validator does.
 */

export interface SchemaIssue {
  /** JSON pointer to the offending value (for a missing property: where it should be). */
  readonly path: string;
  readonly message: string;
}

export interface SchemaValidation {
  readonly ok: boolean;
  readonly errors: readonly SchemaIssue[];
  /** Deviations from the plain-JSON form the linked-data form tolerates. */
  readonly warnings: readonly SchemaIssue[];
}

type CredentialKind = 'achievement' | 'endorsement';

// ajv-formats is CommonJS: under NodeNext the default import is its module object, and at
// run time `module.exports` (the plugin) carries the same `default` property.
const addFormats = addFormatsModule.default;

const SCHEMAS: Readonly<Record<CredentialKind, (variant: SchemaVariant) => object>> = {
  achievement: achievementCredentialSchema,
  endorsement: endorsementCredentialSchema,
};

/**
 * Two validators per schema, each compiled on first use: a lean one that only says whether a
 * credential conforms, and a verbose one (parentSchema on its errors lets messages quote the
 * schema's own descriptions) compiled only once a credential fails. Verbose code takes about
 * twice as long to compile, and the first verification of every cold start would pay it for
 * credentials that conform. Most processes only ever need the lean plain one.
 */
type Mode = 'check' | 'explain';

const ajvs: Partial<Record<Mode, Ajv2019>> = {};
const validators: Record<
  Mode,
  Record<CredentialKind, Partial<Record<SchemaVariant, ValidateFunction>>>
> = {
  check: { achievement: {}, endorsement: {} },
  explain: { achievement: {}, endorsement: {} },
};

function validatorFor(kind: CredentialKind, variant: SchemaVariant, mode: Mode): ValidateFunction {
  const compiled = validators[mode][kind][variant];
  if (compiled !== undefined) return compiled;
  // In a Lambda bundle the one validator most processes need comes precompiled.
  if (mode === 'check' && kind === 'achievement' && variant === 'plain')
    if (precompiledPlainAchievementCheck !== undefined) {
      validators.check.achievement.plain = precompiledPlainAchievementCheck;
      return precompiledPlainAchievementCheck;
    }
  ajvs[mode] ??= createAjv(mode === 'explain');
  const validate = ajvs[mode].compile(SCHEMAS[kind](variant));
  validators[mode][kind][variant] = validate;
  return validate;
}

/** The first error of `credential` against the schema, with its parent schema. */
function explain(kind: CredentialKind, variant: SchemaVariant, credential: unknown): SchemaIssue {
  const validate = validatorFor(kind, variant, 'explain');
  validate(credential);
  return describe(validate.errors);
}

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

const VALID: SchemaValidation = Object.freeze({ ok: true, errors: [], warnings: [] });

/**
 * Validates an OpenBadgeCredential / AchievementCredential (or, by its `type`, an
 * EndorsementCredential) against credstack's OB 3.0 schema. Compiles on first use.
 *
 * @example
 * const { ok, errors } = validateOb3Schema(JSON.parse(text));
 * if (!ok) console.log(errors[0]?.path, errors[0]?.message);
 */
export function validateOb3Schema(credential: unknown): SchemaValidation {
  const kind =
    isObject(credential) && hasType(credential.type, ENDORSEMENT_CREDENTIAL)
      ? 'endorsement'
      : 'achievement';
  if (validatorFor(kind, 'plain', 'check')(credential)) return VALID;
  const plainIssue = explain(kind, 'plain', credential);
  if (validatorFor(kind, 'linked-data', 'check')(credential)) {
    return {
      ok: true,
      errors: [],
      warnings: [
        {
          path: plainIssue.path,
          message: `valid as linked data, but not in the plain-JSON form: ${plainIssue.message}`,
        },
      ],
    };
  }
  return { ok: false, errors: [explain(kind, 'linked-data', credential)], warnings: [] };
}

/** Turns Ajv's error list (first failure and its enclosing combinators) into one issue. */
function describe(errors: ErrorObject[] | null | undefined): SchemaIssue {
  const list = errors ?? [];
  const first = list.find((e) => e.keyword !== 'if') ?? list[0];
  if (first === undefined) return { path: '', message: 'does not match the OB 3.0 schema' };
  // A failed vocabulary check reports each anyOf branch; the anyOf error says it best.
  const summary = list.find((e) => e.keyword === 'anyOf' && e.instancePath === first.instancePath);
  return issueOf(summary ?? first);
}

function issueOf(error: ErrorObject): SchemaIssue {
  const description = (error.parentSchema as { description?: unknown } | undefined)?.description;
  switch (error.keyword) {
    case 'required':
      return {
        path: pointer(error.instancePath, String(error.params.missingProperty)),
        message: 'is required',
      };
    case 'additionalProperties':
      return {
        path: pointer(error.instancePath, String(error.params.additionalProperty)),
        message: 'is not allowed here',
      };
    case 'const':
      return {
        path: error.instancePath,
        message:
          typeof description === 'string'
            ? `must be ${description}`
            : `must be ${JSON.stringify(error.params.allowedValue)}`,
      };
    case 'enum':
      return {
        path: error.instancePath,
        message:
          typeof description === 'string'
            ? `must be ${description}`
            : `must be one of ${(error.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`,
      };
    default:
      return {
        path: error.instancePath,
        message:
          typeof description === 'string' && error.keyword !== 'type'
            ? `must be ${description}`
            : (error.message ?? 'does not match the OB 3.0 schema'),
      };
  }
}
