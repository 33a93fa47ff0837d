import { onFirstNeed } from '#shared/core/first-need.ts';
import type * as TermCheck from './term-check.ts';

/**
 * The JSON-LD term check (term-check.ts) loaded on its first use: it expands documents with
 * jsonld over the bundled contexts, which a function that never verifies (or has not verified
 * yet) need not parse at start. Once loaded, a document of a known shape is answered
 * synchronously, as before. A chunk that cannot be loaded is a `PART_UNAVAILABLE` error (503),
 * never an undefined term.
 */

const termCheck = onFirstNeed(
  'the JSON-LD term check (jsonld and the JSON-LD contexts)',
  () => import('./term-check.ts'),
);

let loaded: typeof TermCheck | undefined;

/**
 * {@link TermCheck.cachedUndefinedTerms}; `undefined` (not checked yet) until the term check
 * was loaded by a first {@link findUndefinedTerms}.
 *
 * @example
 * const terms = cachedUndefinedTerms(credential) ?? (await findUndefinedTerms(credential));
 */
export function cachedUndefinedTerms(
  document: object,
  options?: TermCheck.TermCheckOptions,
): readonly TermCheck.UndefinedTerm[] | undefined {
  return loaded?.cachedUndefinedTerms(document, options);
}

/**
 * {@link TermCheck.findUndefinedTerms}, loaded on first use.
 *
 * @example
 * const undefinedTerms = await findUndefinedTerms(credential);
 */
export async function findUndefinedTerms(
  document: object,
  options?: TermCheck.TermCheckOptions,
): Promise<readonly TermCheck.UndefinedTerm[]> {
  loaded ??= await termCheck();
  return loaded.findUndefinedTerms(document, options);
}
