import { EXTENSION_VALUE_PATTERN } from './constants.ts';

/**
 * The building blocks of credstack's OB 3.0 JSON Schema, parameterised by variant so the
 * plain-JSON and linked-data forms come from one description (see ob3-schema.ts).
 */

export type SchemaVariant = 'plain' | 'linked-data';

export type Schema = Record<string, unknown>;

export const STRING: Schema = { type: 'string' };
export const NUMBER: Schema = { type: 'number' };
export const DATE_TIME: Schema = { type: 'string', format: 'date-time' };
export const COMPACT_JWS_PATTERN = '^[a-zA-Z0-9_-]+\\.[a-zA-Z0-9_-]*\\.[a-zA-Z0-9_-]+$';
export const LANGUAGE_PATTERN = '^[a-z]{2,4}(-[A-Z][a-z]{3})?(-([A-Z]{2}|[0-9]{3}))?$';

/**
 * A reference to a definition of the same schema.
 *
 * @example
 * ref('Profile'); // { $ref: '#/$defs/Profile' }
 */
export function ref(name: string): Schema {
  return { $ref: `#/$defs/${name}` };
}

/**
 * A JSON Schema conditional. Built from entries because a literal `then` key makes an
 * object look like a thenable to linters (and to `await`).
 *
 * @example
 * conditional({ type: 'string' }, STRING, ref('Profile'));
 */
export function conditional(test: Schema, whenTrue: Schema, whenFalse: Schema): Schema {
  return Object.fromEntries([
    ['if', test],
    ['then', whenTrue],
    ['else', whenFalse],
  ]);
}

/** The variant-dependent shapes. */
export interface SchemaKit {
  readonly lenient: boolean;
  /** A multi-valued property: an array, or in linked-data form also a single value. */
  many(item: Schema): Schema;
  /** A `type` set that must include `name`. */
  typeIncluding(name: string): Schema;
  /** A `type` that the plain form fixes to one string. */
  fixedType(name: string): Schema;
  /** A type name of a VC extension point (status, schema, terms…): free, but present. */
  readonly extensionType: Schema;
  /** An extensible vocabulary: a listed value or an `ext:` extension. */
  vocabulary(values: readonly string[], what: string): Schema;
}

/**
 * The shapes of one variant.
 *
 * @example
 * const { many, typeIncluding } = schemaKit('plain');
 */
export function schemaKit(variant: SchemaVariant): SchemaKit {
  const lenient = variant === 'linked-data';
  const typeIncluding = (name: string): Schema => {
    const asArray = {
      type: 'array',
      minItems: 1,
      items: STRING,
      contains: { const: name },
      description: `an array of types including '${name}'`,
    };
    return lenient ? conditional({ type: 'string' }, { const: name }, asArray) : asArray;
  };
  return {
    lenient,
    many: (item) =>
      lenient
        ? conditional({ type: 'array' }, { type: 'array', items: item }, item)
        : { type: 'array', items: item },
    typeIncluding,
    fixedType: (name) =>
      lenient
        ? conditional({ type: 'string' }, { const: name }, typeIncluding(name))
        : { type: 'string', const: name },
    extensionType: lenient
      ? conditional({ type: 'array' }, { type: 'array', minItems: 1, items: STRING }, STRING)
      : STRING,
    vocabulary: (values, what) => ({
      type: 'string',
      anyOf: [{ enum: values }, { pattern: EXTENSION_VALUE_PATTERN }],
      description: `${what} (one of ${values.join(', ')}) or an 'ext:' extension value`,
    }),
  };
}
