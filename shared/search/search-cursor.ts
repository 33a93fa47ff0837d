import { CredstackError } from '../core/errors.ts';

/**
 * The `next` cursor employers pass back as `after`: the engine's position (its own opaque
 * search-after cursor) and the ranking time of the first page, `asOf`. Keeping `asOf` fixed
 * keeps every score, and so the order, the same across pages, so paging visits every hit
 * once. One encode and one decode, so the cursor can be wrapped (signed) in one place.
 */
export interface SearchCursor {
  /** ISO-8601 instant recency is measured from, the first page's. */
  readonly asOf: string;
  /** The engine's cursor of the last hit. */
  readonly position: string;
}

const VERSION = 'c1';

/**
 * The cursor as an opaque, URL-safe string.
 *
 * @example
 * encodeSearchCursor({ asOf: '2026-12-07T04:00:00.000Z', position: 'WyJyZWxldmFuY2UiLDEsImFkYSJd' });
 */
export function encodeSearchCursor(cursor: SearchCursor): string {
  return Buffer.from(JSON.stringify([VERSION, cursor.asOf, cursor.position])).toString('base64url');
}

/**
 * Reads a cursor made by {@link encodeSearchCursor}; anything else is `INPUT_MALFORMED`.
 *
 * @example
 * decodeSearchCursor(next).asOf; // '2026-12-07T04:00:00.000Z'
 */
export function decodeSearchCursor(text: string): SearchCursor {
  let parsed: unknown;
  if (/^[A-Za-z0-9_-]+$/.test(text)) {
    try {
      parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    } catch {
      parsed = undefined;
    }
  }
  if (
    Array.isArray(parsed) &&
    parsed.length === 3 &&
    parsed[0] === VERSION &&
    typeof parsed[1] === 'string' &&
    !Number.isNaN(Date.parse(parsed[1])) &&
    typeof parsed[2] === 'string'
  ) {
    return { asOf: parsed[1], position: parsed[2] };
  }
  throw new CredstackError(
    'INPUT_MALFORMED',
    'search query: after is not a cursor of this search (pass the next value of the previous page)',
  );
}
