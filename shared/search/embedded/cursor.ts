import type { SearchSort } from '#shared/domain/ports/search-index.ts';
import { CredstackError } from '../../core/errors.ts';
import type { PagePosition } from './ranker.ts';

/**
 * The `next` cursor: the sort and the last hit's sort key and learner id, so the next page
 * starts strictly after it (search-after), stable while the index changes between pages.
 *
 * @example
 * const next = encodeCursor('relevance', { key: 2.4, learnerId: 'ada' });
 * decodeCursor(next, 'relevance'); // { key: 2.4, learnerId: 'ada' }
 */
export function encodeCursor(sort: SearchSort, position: PagePosition): string {
  // -Infinity (no matching badge to sort by) has no JSON form: it travels as null.
  const key = Number.isFinite(position.key) ? position.key : null;
  return Buffer.from(JSON.stringify([sort, key, position.learnerId])).toString('base64url');
}

/**
 * Reads a cursor made by {@link encodeCursor} for the same sort; anything else is malformed.
 *
 * @example
 * decodeCursor('bm90LWEtY3Vyc29y', 'recent'); // throws CredstackError('INPUT_MALFORMED', …)
 */
export function decodeCursor(cursor: string, sort: SearchSort): PagePosition {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  if (
    Array.isArray(parsed) &&
    parsed.length === 3 &&
    parsed[0] === sort &&
    (parsed[1] === null || typeof parsed[1] === 'number') &&
    typeof parsed[2] === 'string'
  )
    return { key: parsed[1] ?? Number.NEGATIVE_INFINITY, learnerId: parsed[2] };
  throw new CredstackError(
    'INPUT_MALFORMED',
    'search query: after is not a cursor of this search (pass the next value of the previous page)',
  );
}
