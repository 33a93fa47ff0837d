// The id grammar is a pure rule shared by the service (request checks, table keys) and the
// pathway engine (rule documents name pathways by id): it lives below both so neither imports
// the other.

/**
 * The one grammar of the ids the service keys its table by: issuer slugs (`northfield`),
 * learner, employer and tenant ids, UUIDs, `urn:uuid:` credential ids, status list ids
 * (`northfield.3`), pathway ids, algorithm names. Ids become parts of DynamoDB keys, whose
 * partition key holds at most 2,048 bytes and sort key 1,024: with at most 128 ASCII
 * characters per id, every composed key stays far inside both, and no id can carry `#` (the
 * key separator), `/` or anything a URL would have to escape.
 *
 * DIDs and URLs are not ids in this sense: bodies that accept them (recipients, alignments,
 * search filters) have their own, longer, limits and never key an item directly.
 */

/** Longest id, in characters (all ASCII, so also in bytes). */
export const MAX_ID_LENGTH = 128;

/** The id grammar as a JSON Schema `pattern` (ECMA-262, anchored). */
export const ID_PATTERN = `^[A-Za-z0-9._:-]{1,${MAX_ID_LENGTH}}$`;

const ID = new RegExp(ID_PATTERN);

/** What is wrong with a value that is not an id, for a problem's field detail. */
export const ID_RULE = `must be 1 to ${MAX_ID_LENGTH} characters of A-Z a-z 0-9 . _ : -`;

/** JSON Schema of an id, for request schemas. */
export const ID_SCHEMA = {
  type: 'string',
  minLength: 1,
  maxLength: MAX_ID_LENGTH,
  pattern: ID_PATTERN,
} as const;

/**
 * True when `value` is an id by the service's grammar.
 *
 * @example
 * isId('northfield'); // true
 * isId('a'.repeat(129)); // false
 */
export function isId(value: unknown): value is string {
  return typeof value === 'string' && ID.test(value);
}
