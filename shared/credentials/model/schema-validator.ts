import type { ErrorObject, ValidateFunction } from 'ajv';
import { ENDORSEMENT_CREDENTIAL } from './constants.ts';
import { precompiledPlainAchievementCheck } from './ob3-precompiled.ts';
import type { SchemaVariant } from './ob3-schema.ts';
import type { CredentialKind } from './schema-compiler.ts';
import { loadedSchemaCompiler, loadSchemaCompiler } from './schema-compiler-loader.ts';
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

/**
 * Thrown by {@link validateOb3Schema} when answering needs the schema compiler and a Lambda
 * bundle has not loaded it yet: callers make it ready first ({@link ob3SchemaReady}) or run
 * again once it is ({@link withOb3Schema}). Never a verdict on the credential.
 */
export class SchemaCompilerNotLoaded extends Error {
  override readonly name = 'SchemaCompilerNotLoaded';
  constructor() {
    super('the Open Badges schema compiler is not loaded yet');
  }
}

/**
 * Two validators per schema, each compiled on first use: a lean one that only says whether a
 * credential conforms, and a verbose one (parentSchema on its errors lets messages quote the
 * schema's own descriptions) compiled only once a credential fails. Verbose code takes about
 * twice as long to compile, and the first verification of every cold start would pay it for
 * credentials that conform. Most processes only ever need the lean plain one, which a Lambda
 * bundle carries precompiled; the compiler itself is loaded there on first need.
 */
type Mode = 'check' | 'explain';

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
  const compiler = loadedSchemaCompiler();
  if (compiler === undefined) throw new SchemaCompilerNotLoaded();
  const validate = compiler.compileOb3Validator(kind, variant, mode === 'explain');
  validators[mode][kind][variant] = validate;
  return validate;
}

/** The first error of `credential` against the schema, with its parent schema. */
function explain(kind: CredentialKind, variant: SchemaVariant, credential: unknown): SchemaIssue {
  const validate = validatorFor(kind, variant, 'explain');
  validate(credential);
  return describe(validate.errors);
}

function kindOf(credential: unknown): CredentialKind {
  return isObject(credential) && hasType(credential.type, ENDORSEMENT_CREDENTIAL)
    ? 'endorsement'
    : 'achievement';
}

/**
 * `undefined` when {@link validateOb3Schema} can answer for `credential` now; otherwise the
 * load of the schema compiler to await first (a `PART_UNAVAILABLE` error if it fails). No
 * promise, and no wait, on the usual path: a conforming credential, or a loaded compiler.
 *
 * @example
 * const ready = ob3SchemaReady(credential);
 * if (ready !== undefined) await ready;
 * validateOb3Schema(credential);
 */
export function ob3SchemaReady(credential: unknown): Promise<unknown> | undefined {
  if (loadedSchemaCompiler() !== undefined) return undefined;
  // Until a credential fails, the precompiled check alone answers (run twice: a few
  // microseconds, against a compiler parsed at every start).
  if (kindOf(credential) === 'achievement' && precompiledPlainAchievementCheck?.(credential))
    return undefined;
  return loadSchemaCompiler();
}

/**
 * Runs `build`, which validates with {@link validateOb3Schema}, and once more after loading the
 * schema compiler when it needed it; `build` must be free of side effects.
 *
 * @example
 * const credential = await withOb3Schema(() => buildOpenBadgeCredential(input, options));
 */
export async function withOb3Schema<T>(build: () => T): Promise<T> {
  try {
    return build();
  } catch (error) {
    if (!(error instanceof SchemaCompilerNotLoaded)) throw error;
    await loadSchemaCompiler();
    return build();
  }
}

const VALID: SchemaValidation = Object.freeze({ ok: true, errors: [], warnings: [] });

/**
 * Validates an OpenBadgeCredential / AchievementCredential (or, by its `type`, an
 * EndorsementCredential) against credstack's OB 3.0 schema. Compiles on first use; in a
 * Lambda bundle, throws {@link SchemaCompilerNotLoaded} when that needs the compiler and it is
 * not loaded yet.
 *
 * @example
 * const { ok, errors } = validateOb3Schema(JSON.parse(text));
 * if (!ok) console.log(errors[0]?.path, errors[0]?.message);
 */
export function validateOb3Schema(credential: unknown): SchemaValidation {
  const kind = kindOf(credential);
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
