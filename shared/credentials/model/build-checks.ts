import { CredstackError } from '#shared/core/errors.ts';
import type { DateInput } from './build-input.ts';
import { isDateTimeStamp, isObject, isUri, toDateTimeZ } from './values.ts';

/**
 * The builder's input checks. Each takes the JSON pointer of the value it checks so an
 * error names exactly what to fix; inputs are checked at run time too, because they usually
 * arrive as JSON from an API.
 */

/** The shape the builder accepts for `ext:` extension values (a subset of what verifiers accept). */
const EXTENSION_VALUE = /^ext:[A-Za-z0-9._-]+$/;

/**
 * Throws the builder's error for the input at `path`.
 *
 * @example
 * invalid('/achievement/id', 'is not a URI');
 */
export function invalid(path: string, message: string): never {
  throw new CredstackError('BUILD_INVALID', `${path || '/'}: ${message}`, {
    pointer: path,
    fields: [{ pointer: path, detail: message }],
  });
}

/**
 * Checks an absolute URI and returns it.
 *
 * @example
 * requireUri('https://example.org/badges/1', '/achievement/id');
 */
export function requireUri(value: unknown, path: string): string {
  if (!isUri(value)) invalid(path, `${JSON.stringify(value)} is not an absolute URI`);
  return value;
}

/**
 * Checks that an input part is a JSON object. Deliberately not a type guard: narrowing a
 * typed input to `Record<string, unknown>` would lose its declared property types.
 *
 * @example
 * requireObject(input.achievement, '/achievement');
 */
export function requireObject(value: unknown, path: string): void {
  if (!isObject(value)) invalid(path, 'must be an object');
}

/**
 * Checks a non-blank string and returns it.
 *
 * @example
 * requireText('Data Literacy', '/achievement/name');
 */
export function requireText(value: unknown, path: string): string {
  if (typeof value !== 'string' || value.trim() === '') invalid(path, 'must be a non-empty string');
  return value;
}

/**
 * Checks an optional non-blank string.
 *
 * @example
 * optionalText(undefined, '/achievement/version'); // undefined
 */
export function optionalText(value: unknown, path: string): string | undefined {
  return value === undefined ? undefined : requireText(value, path);
}

/**
 * Normalises a date input to an RFC 3339 date-time with a timezone.
 *
 * @example
 * requireDate(new Date('2026-01-01T00:00:00.500Z'), '/validFrom'); // '2026-01-01T00:00:00Z'
 */
export function requireDate(value: DateInput, path: string): string {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) invalid(path, 'is an invalid Date');
    return toDateTimeZ(value);
  }
  if (!isDateTimeStamp(value)) {
    invalid(path, `${JSON.stringify(value)} is not a date-time with a timezone`);
  }
  return value;
}

/**
 * Checks a finite, non-negative number (credits).
 *
 * @example
 * optionalCredits(3, '/creditsEarned'); // 3
 */
export function optionalCredits(value: unknown, path: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    invalid(path, 'must be a finite number ≥ 0');
  }
  return value;
}

/**
 * Returns the array at `path` (or undefined when absent); rejects non-arrays.
 *
 * @example
 * optionalList(['a'], '/achievement/tag'); // ['a']
 */
export function optionalList<T>(value: readonly T[] | undefined, path: string): readonly T[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) invalid(path, 'must be an array');
  return value;
}

/**
 * Checks a value of an extensible vocabulary: a listed value or an `ext:` extension.
 *
 * @example
 * requireVocabulary<AchievementType>('Badge', ACHIEVEMENT_TYPES, '/achievement/achievementType');
 */
export function requireVocabulary<T extends string>(
  value: unknown,
  closed: readonly string[],
  path: string,
): T {
  if (typeof value === 'string' && (closed.includes(value) || EXTENSION_VALUE.test(value))) {
    return value as T;
  }
  return invalid(path, `${JSON.stringify(value)} is neither a listed value nor an ext: extension`);
}

/**
 * Drops properties whose value is undefined, so the output never carries empty keys.
 *
 * @example
 * stripUndefined({ a: 1, b: undefined }); // { a: 1 }
 */
export function stripUndefined<T extends Record<string, unknown>>(value: T): Defined<T> {
  const out: Record<string, unknown> = {};
  for (const [key, entry] of Object.entries(value)) {
    if (entry !== undefined) out[key] = entry;
  }
  return out as Defined<T>;
}

/** `T` with properties that may be undefined made optional instead. */
export type Defined<T> = {
  [K in keyof T as undefined extends T[K] ? never : K]: T[K];
} & {
  [K in keyof T as undefined extends T[K] ? K : never]?: Exclude<T[K], undefined>;
};

/**
 * Undefined for an empty list, so that empty arrays are left out of the output.
 *
 * @example
 * nonEmpty([]); // undefined
 */
export function nonEmpty<T>(values: readonly T[]): readonly T[] | undefined {
  return values.length === 0 ? undefined : values;
}
