import { CredstackError } from '#shared/core/errors.ts';

/**
 * The candidate index's settings and explicit mapping. Nothing is mapped dynamically: a field
 * that is not listed here stays in `_source` (so `get` returns the document as written) but is
 * never indexed, so a new document field cannot silently change how queries behave.
 *
 * One document per learner: the candidate document itself, plus two fields of the adapter's own
 * ({@link INDEX_ONLY_FIELDS}), and `badges` as nested documents so that every badge condition of
 * a query (skill, issuer, tier, date, result level, type, text) is checked against one badge at
 * a time rather than across a learner's badges. Skills stay plain objects inside their badge:
 * a badge matches a skill when one of its `skills.key` values is that key, and facets count
 * keys per badge, so nothing needs a second nesting level.
 */

/** The analyzer of `badges.text`: the same words as `textTerms` in query-limits.ts. */
export const WORDS_ANALYZER = 'credstack_words';

/**
 * Fields the adapter stores beside the document and strips on `get`: `removed` marks a removal
 * marker (filtered out of every search), `visibleToAll` is `visibility.employers === 'all'`,
 * kept apart from the employer list so that no employer id can stand for "every employer".
 */
export const INDEX_ONLY_FIELDS = ['removed', 'visibleToAll'] as const;

const keyword = { type: 'keyword' } as const;
// Returned to the caller but never searched, sorted or aggregated on.
const storedOnly = { type: 'keyword', index: false, doc_values: false } as const;
// Instants to the millisecond: the ISO-8601 strings of the port, or epoch milliseconds
// (search_after and sort `missing` values come back as numbers).
const instant = { type: 'date', format: 'strict_date_optional_time||epoch_millis' } as const;

/** The `settings` of the candidate index (analysis only: shards and replicas are the cluster's). */
export const CANDIDATE_INDEX_SETTINGS = {
  index: {
    // Each matched skill lists at most this many badges (inner hits); the OpenSearch default.
    max_inner_result_window: 100,
  },
  analysis: {
    tokenizer: {
      // Runs of letters and digits, exactly the words `textTerms` cuts from a query, so a query
      // word always meets the same token the index holds.
      [WORDS_ANALYZER]: { type: 'pattern', pattern: '[^\\p{L}\\p{N}]+' },
    },
    analyzer: {
      [WORDS_ANALYZER]: { type: 'custom', tokenizer: WORDS_ANALYZER, filter: ['lowercase'] },
    },
  },
} as const;

/** The `mappings` of the candidate index. */
export const CANDIDATE_INDEX_MAPPINGS = {
  dynamic: false,
  properties: {
    tenantId: keyword,
    learnerId: keyword,
    displayName: storedOnly,
    version: { type: 'long' },
    removed: { type: 'boolean' },
    visibleToAll: { type: 'boolean' },
    visibility: {
      properties: {
        employers: keyword,
        until: instant,
      },
    },
    badges: {
      type: 'nested',
      properties: {
        credentialId: keyword,
        verifyUrl: storedOnly,
        issuerId: keyword,
        issuerName: storedOnly,
        issuerTier: keyword,
        achievementId: keyword,
        achievementName: { ...storedOnly, copy_to: 'badges.text' },
        achievementType: keyword,
        issuedAt: instant,
        validUntil: instant,
        result: {
          properties: {
            value: storedOnly,
            level: { type: 'float' },
          },
        },
        credits: { type: 'float' },
        skills: {
          properties: {
            key: keyword,
            framework: keyword,
            code: keyword,
            name: { ...storedOnly, copy_to: 'badges.text' },
            via: keyword,
          },
        },
        // Achievement and skill names of one badge, as words: free text matches within a badge.
        text: { type: 'text', analyzer: WORDS_ANALYZER },
      },
    },
  },
} as const;

/**
 * The body of the create-index request.
 *
 * @example
 * await transport.request({ method: 'PUT', path: '/candidates', body: candidateIndexBody() });
 */
export function candidateIndexBody(): {
  settings: typeof CANDIDATE_INDEX_SETTINGS;
  mappings: typeof CANDIDATE_INDEX_MAPPINGS;
} {
  return { settings: CANDIDATE_INDEX_SETTINGS, mappings: CANDIDATE_INDEX_MAPPINGS };
}

// OpenSearch index names: lower case; none of \ / * ? " < > | space , # :; not starting with
// - _ +; at most 255 bytes.
const INDEX_NAME = /^[a-z0-9][a-z0-9._-]{0,254}$/;

/**
 * Refuses a name OpenSearch would refuse as an index name (CONFIG_INVALID): the index name comes
 * from configuration and ends up in request paths.
 *
 * @example
 * checkIndexName('candidates'); // returns; checkIndexName('Candidates') throws
 */
export function checkIndexName(index: string): void {
  if (!INDEX_NAME.test(index))
    throw new CredstackError('CONFIG_INVALID', `not an OpenSearch index name: "${index}"`);
}
