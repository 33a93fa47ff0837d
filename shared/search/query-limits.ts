import {
  SEARCH_SORTS,
  type SearchQuery,
  type SkillKey,
} from '#shared/domain/ports/search-index.ts';
import { CredstackError } from '../core/errors.ts';

/**
 * Caps on a search query, shared by every engine and the HTTP API so that an absurd page or a
 * thousand-skill query is refused the same way everywhere, before any engine does work.
 */
export const SEARCH_LIMITS = {
  /** Hits per page (the port says 1–100). */
  maxSize: 100,
  maxMustHave: 20,
  maxNiceToHave: 50,
  /** Skills in `atLeast.of`. */
  maxAtLeastOf: 50,
  /** Values in each list of the badge filter (issuers, tiers, achievement types). */
  maxFilterValues: 50,
  maxTextLength: 200,
  maxTextTerms: 10,
  maxSkillKeyLength: 200,
  maxCursorLength: 1024,
  /** Keys returned per facet, most frequent first. */
  facetSize: 20,
} as const;

const WORD = /[\p{L}\p{N}]+/gu;

/**
 * The words of a free-text query or an indexed name: lower-cased runs of letters and digits.
 * Both sides of a text match go through this, so "whole words, case-insensitive" means the
 * same in every engine.
 *
 * @example
 * textTerms('SQL, Data-Analysis'); // ['sql', 'data', 'analysis']
 */
export function textTerms(text: string): string[] {
  return text.toLowerCase().match(WORD) ?? [];
}

/** The JSON pointer of a query field named as the checks name it (`atLeast.of`). */
function pointerOf(field: string): string {
  return field === '' ? '' : `/${field.replaceAll('.', '/')}`;
}

/**
 * Throws INPUT_MALFORMED about `field` of the query (`''`: the query as a whole, or a part
 * the caller does not send, such as the tenant).
 */
function malformed(field: string, message: string): never {
  throw new CredstackError('INPUT_MALFORMED', `search query: ${message}`, {
    pointer: pointerOf(field),
    fields: [{ pointer: pointerOf(field), detail: message }],
  });
}

/** Throws INPUT_TOO_LARGE about `field` of the query. */
function tooLarge(field: string, message: string): never {
  throw new CredstackError('INPUT_TOO_LARGE', `search query: ${message}`, {
    pointer: pointerOf(field),
    fields: [{ pointer: pointerOf(field), detail: message }],
  });
}

/** `at` is the field the caller sent (`''` for the instants the service itself sets). */
function instant(value: unknown, field: string, at = field): number {
  const ms = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) malformed(at, `${field} must be an ISO-8601 instant`);
  return ms;
}

function skills(value: unknown, field: string, max: number): SkillKey[] {
  if (!Array.isArray(value)) malformed(field, `${field} must be a list of skill keys`);
  if (value.length > max)
    tooLarge(field, `${field} holds ${value.length} skills, at most ${max} allowed`);
  for (const key of value) {
    if (typeof key !== 'string' || key.length === 0)
      malformed(field, `${field} must hold non-empty skill keys`);
    if (key.length > SEARCH_LIMITS.maxSkillKeyLength)
      tooLarge(
        field,
        `a skill key in ${field} exceeds ${SEARCH_LIMITS.maxSkillKeyLength} characters`,
      );
  }
  return [...new Set(value as string[])];
}

function values(value: unknown, field: string): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string'))
    malformed(`filter.${field}`, `filter.${field} must be a list of strings`);
  if (value.length > SEARCH_LIMITS.maxFilterValues)
    tooLarge(
      `filter.${field}`,
      `filter.${field} holds ${value.length} values, at most ${SEARCH_LIMITS.maxFilterValues}`,
    );
  return [...new Set(value as string[])];
}

/**
 * Checks a query against the port's rules and {@link SEARCH_LIMITS} and returns it normalised
 * (duplicate skills and filter values dropped, order kept). Throws `INPUT_TOO_LARGE` for a cap
 * exceeded and `INPUT_MALFORMED` for anything else wrong, before any engine reads data.
 *
 * @example
 * const query = validateSearchQuery(request); // throws CredstackError('INPUT_TOO_LARGE', …) for size: 500
 */
export function validateSearchQuery(query: SearchQuery): SearchQuery {
  if (typeof query !== 'object' || query === null) malformed('', 'must be an object');
  if (typeof query.tenantId !== 'string' || query.tenantId.length === 0)
    malformed('', 'tenantId is required');
  if (typeof query.employerId !== 'string' || query.employerId.length === 0)
    malformed('', 'employerId is required');
  instant(query.now, 'now', '');
  if (query.asOf !== undefined) instant(query.asOf, 'asOf', '');
  if (!Number.isInteger(query.size) || query.size < 1)
    malformed('size', 'size must be an integer ≥ 1');
  if (query.size > SEARCH_LIMITS.maxSize)
    tooLarge('size', `size ${query.size} exceeds the page limit of ${SEARCH_LIMITS.maxSize}`);
  if (!SEARCH_SORTS.includes(query.sort))
    malformed('sort', `sort must be one of ${SEARCH_SORTS.join(', ')}`);
  if (typeof query.facets !== 'boolean') malformed('facets', 'facets must be true or false');
  const mustHave = skills(query.mustHave, 'mustHave', SEARCH_LIMITS.maxMustHave);
  const niceToHave = skills(query.niceToHave, 'niceToHave', SEARCH_LIMITS.maxNiceToHave);
  let atLeast: SearchQuery['atLeast'];
  if (query.atLeast !== undefined) {
    const of = skills(query.atLeast.of, 'atLeast.of', SEARCH_LIMITS.maxAtLeastOf);
    const { n } = query.atLeast;
    if (!Number.isInteger(n) || n < 1 || n > of.length)
      malformed(
        'atLeast.n',
        `atLeast.n must be an integer from 1 to ${of.length} (the skills listed)`,
      );
    atLeast = { n, of };
  }
  if (query.text !== undefined) {
    if (typeof query.text !== 'string') malformed('text', 'text must be a string');
    if (query.text.length > SEARCH_LIMITS.maxTextLength)
      tooLarge('text', `text exceeds ${SEARCH_LIMITS.maxTextLength} characters`);
    if (textTerms(query.text).length > SEARCH_LIMITS.maxTextTerms)
      tooLarge('text', `text holds more than ${SEARCH_LIMITS.maxTextTerms} words`);
  }
  if (query.after !== undefined) {
    if (typeof query.after !== 'string' || query.after.length === 0)
      malformed('after', 'after must be the next cursor of a previous page');
    if (query.after.length > SEARCH_LIMITS.maxCursorLength)
      malformed('after', 'after is not a cursor');
  }
  const filter = query.filter ?? {};
  if (typeof filter !== 'object') malformed('filter', 'filter must be an object');
  if (filter.issuedAfter !== undefined) instant(filter.issuedAfter, 'filter.issuedAfter');
  if (
    filter.minResultLevel !== undefined &&
    (typeof filter.minResultLevel !== 'number' ||
      !(filter.minResultLevel >= 0 && filter.minResultLevel <= 100))
  )
    malformed('filter.minResultLevel', 'filter.minResultLevel must be a number from 0 to 100');
  const issuers = values(filter.issuers, 'issuers');
  const issuerTiers = values(filter.issuerTiers, 'issuerTiers');
  const achievementTypes = values(filter.achievementTypes, 'achievementTypes');
  return {
    ...query,
    mustHave,
    niceToHave,
    ...(atLeast ? { atLeast } : {}),
    filter: {
      ...filter,
      ...(issuers ? { issuers } : {}),
      ...(issuerTiers ? { issuerTiers } : {}),
      ...(achievementTypes ? { achievementTypes } : {}),
    },
  };
}
