import { createHash, type Hash } from 'node:crypto';
import type { ContextDocument } from './contexts.ts';

/**
 * The shape signature of a JSON-LD document: everything that decides which of its terms its
 * contexts define, and nothing else, so that the (costly) JSON-LD term check runs once per
 * shape of credential instead of once per credential.
 *
 * Why it is sufficient. Expansion decides whether a term is defined from the active context
 * only. The active context at any point is built from (1) the `@context` values, (2) the keys
 * on the way down (property-scoped contexts), (3) the `type` values of the enclosing nodes
 * (type-scoped contexts) and (4) the nesting of objects and arrays; and what is looked up in it
 * is (a) every key and (b) every `type` value. The signature records exactly these: the
 * `@context` values verbatim, every key, every value of a key that may be an alias of `@type`,
 * and the kind of every other value (object, array, string, number, boolean, null) with array
 * lengths and element order, so a cached result's JSON paths are those of any document of the
 * same shape. Other scalar values (names, dates, ids, URLs) never select a term definition.
 *
 * The one exception: a term whose definition says `"@type": "@vocab"` (e.g. `proofPurpose`)
 * expands its string value as a term too, so `"assertionMethod"` may be defined where
 * `"assertionMethd"` is not. The values of every key that any of the loader's contexts
 * defines that way are recorded verbatim as well. A document with an inline (object)
 * `@context` could define such a key itself, so it gets no signature and is never cached.
 */

/** Keys whose values are always part of the signature. */
const ALWAYS_VALUE_SENSITIVE = ['@type', 'type'] as const;

function collectValueSensitiveTerms(node: unknown, into: Set<string>): void {
  if (Array.isArray(node)) {
    for (const item of node) collectValueSensitiveTerms(item, into);
    return;
  }
  if (typeof node !== 'object' || node === null) return;
  for (const [key, value] of Object.entries(node)) {
    if (value === '@type') into.add(key);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      const definition = value as Record<string, unknown>;
      if (definition['@id'] === '@type' || definition['@type'] === '@vocab') into.add(key);
    }
    collectValueSensitiveTerms(value, into);
  }
}

/**
 * The keys whose scalar values the signature must keep: `@type`, `type`, every alias of
 * `@type` and every `"@type": "@vocab"` term in the given contexts (scoped contexts included).
 *
 * @example
 * valueSensitiveTerms(KNOWN_CONTEXTS).has('proofPurpose'); // true
 */
export function valueSensitiveTerms(
  contexts: ReadonlyMap<string, ContextDocument>,
): ReadonlySet<string> {
  const terms = new Set<string>(ALWAYS_VALUE_SENSITIVE);
  for (const document of contexts.values()) collectValueSensitiveTerms(document, terms);
  return terms;
}

const NOT_CACHEABLE = Symbol('not cacheable');

function isContextReference(value: unknown): boolean {
  if (typeof value === 'string' || value === null) return true;
  return Array.isArray(value) && value.every((item) => typeof item === 'string' || item === null);
}

function scalarKind(value: unknown): string {
  if (value === null) return '0';
  switch (typeof value) {
    case 'string':
      return 's';
    case 'number':
      return 'n';
    case 'boolean':
      return 'b';
    default:
      return '?';
  }
}

type Feed = typeof NOT_CACHEABLE | undefined;

function feed(
  hash: Hash,
  value: unknown,
  keepScalar: boolean,
  sensitive: ReadonlySet<string>,
): Feed {
  if (Array.isArray(value)) {
    hash.update(`[${value.length}`);
    for (const item of value) {
      if (feed(hash, item, keepScalar, sensitive) === NOT_CACHEABLE) return NOT_CACHEABLE;
    }
    hash.update(']');
    return undefined;
  }
  if (typeof value === 'object' && value !== null) {
    return feedObject(hash, value as Record<string, unknown>, sensitive);
  }
  hash.update(keepScalar ? `=${JSON.stringify(value)};` : `${scalarKind(value)};`);
  return undefined;
}

function feedObject(
  hash: Hash,
  node: Record<string, unknown>,
  sensitive: ReadonlySet<string>,
): Feed {
  // Key order never changes expansion, so it is normalised to share more cache entries.
  const keys = Object.keys(node).sort();
  hash.update(`{${keys.length}`);
  for (const key of keys) {
    const value = node[key];
    hash.update(JSON.stringify(key));
    if (key === '@context') {
      if (!isContextReference(value)) return NOT_CACHEABLE;
      hash.update(`=${JSON.stringify(value)};`);
      continue;
    }
    if (feed(hash, value, sensitive.has(key), sensitive) === NOT_CACHEABLE) return NOT_CACHEABLE;
  }
  hash.update('}');
  return undefined;
}

/**
 * The shape signature of `document` as a SHA-256 hex digest, or `undefined` when the document
 * must not be cached (it carries an inline context).
 *
 * @example
 * const key = shapeSignature(credential, valueSensitiveTerms(KNOWN_CONTEXTS));
 */
export function shapeSignature(
  document: object,
  sensitiveKeys: ReadonlySet<string>,
): string | undefined {
  const hash = createHash('sha256');
  return feed(hash, document, false, sensitiveKeys) === NOT_CACHEABLE
    ? undefined
    : hash.digest('hex');
}
