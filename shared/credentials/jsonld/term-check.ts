import jsonld, { type EventHandler } from 'jsonld';
import { jsonLdFailure } from './canonize.ts';
import {
  type DocumentLoader,
  defaultDocumentLoader,
  jsonLdOptionsFor,
  loaderContexts,
} from './document-loader.ts';
import { LruCache } from './lru-cache.ts';
import {
  FrameTable,
  keywordLikeTerms,
  shapeSignature,
  termFacts,
  valueSensitiveTerms,
} from './shape-signature.ts';

/**
 * The JSON-LD term check: every term of a credential must be defined by its contexts, as the
 * 1EdTech validator requires. A term is undefined when expansion would drop it (no `@vocab`
 * in scope, as under VC v1 and the final VC v2 context) or would turn it into an IRI of a
 * catch-all vocabulary (VC v2 drafts' `issuer-dependent#`, the W3C `undefined-term#`
 * context).
 *
 * How paths are found: expansion loses the JSON layout, so before expanding, a copy of the
 * document gets (1) a catch-all `@vocab` placed first in every `@context`, so that a term that
 * would be dropped becomes `urn:x-credstack-undefined:<term>` instead, and (2) a marker `@id`
 * on every node object, mapping each expanded node back to the JSON path it came from. Neither
 * changes which terms a context defines.
 */

/** One term the document's contexts do not define. */
export interface UndefinedTerm {
  /** The term as written in the document. */
  readonly term: string;
  /** JSON Pointer (RFC 6901) to where it appears. */
  readonly path: string;
  /** A key, a `type` value, or the value of a `"@type": "@vocab"` key such as `proofPurpose`. */
  readonly kind: 'property' | 'type' | 'value';
}

export interface TermCheckOptions {
  /** Defaults to the loader for the known contexts. */
  readonly documentLoader?: DocumentLoader;
}

const UNDEFINED_VOCAB = 'urn:x-credstack-undefined:';
const CATCH_ALL_VOCABULARIES = [
  UNDEFINED_VOCAB,
  'https://www.w3.org/ns/credentials/issuer-dependent#',
  'https://www.w3.org/ns/credentials/undefined-term#',
] as const;
const NODE_MARKER = 'urn:x-credstack-node:';

/** Credentials of one issuer share a handful of shapes; this bounds memory, not hit rate. */
const TERM_CHECK_CACHE_ENTRIES = 1000;

/** Term facts of clean documents kept at most (see shape-signature.ts); past it, forgotten. */
const CLEAN_FACTS_MAX = 100_000;

interface LoaderCache {
  readonly sensitiveKeys: ReadonlySet<string>;
  readonly keywordKeys: ReadonlySet<string>;
  readonly results: LruCache<string, readonly UndefinedTerm[]>;
  /** Numbers frames; replaced, together with `cleanFacts`, when full (facts name frames). */
  frames: FrameTable;
  /** The term facts of documents the full check found clean. */
  readonly cleanFacts: Set<string>;
}

const NO_UNDEFINED_TERMS: readonly UndefinedTerm[] = Object.freeze([]);

const caches = new WeakMap<DocumentLoader, LoaderCache>();

function cacheFor(loader: DocumentLoader): LoaderCache | undefined {
  let cache = caches.get(loader);
  if (!cache) {
    const contexts = loaderContexts(loader);
    // A loader whose contexts are not known up front cannot be cached safely.
    if (!contexts) return undefined;
    cache = {
      sensitiveKeys: valueSensitiveTerms(contexts),
      keywordKeys: keywordLikeTerms(contexts),
      results: new LruCache(TERM_CHECK_CACHE_ENTRIES),
      frames: new FrameTable(),
      cleanFacts: new Set(),
    };
    caches.set(loader, cache);
  }
  return cache;
}

type Json = Record<string, unknown>;
type Segment = string | number;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function pointer(segments: readonly Segment[]): string {
  return segments.map((s) => `/${String(s).replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');
}

function withCatchAllVocab(context: unknown): unknown[] {
  const list = Array.isArray(context) ? [...context] : [context];
  // A `null` entry wipes everything before it, so the catch-all goes after the last one.
  const lastNull = list.lastIndexOf(null);
  list.splice(lastNull + 1, 0, { '@vocab': UNDEFINED_VOCAB });
  return list;
}

/** Copies the document, adding the catch-all vocabulary and node markers. */
function instrument(
  value: unknown,
  path: Segment[],
  nodes: Segment[][],
  parentKey?: string,
): unknown {
  if (Array.isArray(value)) return value.map((item, i) => instrument(item, [...path, i], nodes));
  if (!isObject(value)) return value;
  const copy: Json = {};
  for (const [key, child] of Object.entries(value)) {
    copy[key] =
      key === '@context' ? withCatchAllVocab(child) : instrument(child, [...path, key], nodes, key);
  }
  // A `@reverse` value is a map of properties, not a node.
  const isNode =
    !('@value' in value || '@list' in value || '@set' in value) && parentKey !== '@reverse';
  if (isNode) {
    const marker = `${NODE_MARKER}${nodes.length}`;
    nodes.push(path);
    if ('@id' in copy) copy['@id'] = marker;
    else if ('id' in copy) copy.id = marker;
    else copy['@id'] = marker;
  }
  return copy;
}

function localName(iri: unknown): string | undefined {
  if (typeof iri !== 'string') return undefined;
  for (const vocabulary of CATCH_ALL_VOCABULARIES) {
    if (iri.startsWith(vocabulary)) return iri.slice(vocabulary.length);
  }
  return undefined;
}

function at(document: unknown, path: readonly Segment[]): unknown {
  let current = document;
  for (const segment of path) {
    if (Array.isArray(current) && typeof segment === 'number') current = current[segment];
    else if (isObject(current) && typeof segment === 'string') current = current[segment];
    else return undefined;
  }
  return current;
}

/** Where a string equal to `value` sits among the node's own values (one level down). */
function valuePath(node: unknown, nodePath: Segment[], value: string): Segment[] {
  if (!isObject(node)) return nodePath;
  for (const [key, child] of Object.entries(node)) {
    if (child === value) return [...nodePath, key];
    if (Array.isArray(child)) {
      const index = child.indexOf(value);
      if (index !== -1) return [...nodePath, key, index];
    }
    if (isObject(child) && (child['@type'] === value || child.type === value)) {
      return [...nodePath, key, child['@type'] === value ? '@type' : 'type'];
    }
  }
  return nodePath;
}

/** First place, depth first, where `key` is used as a key: for terms jsonld.js reported. */
function firstKeyPath(value: unknown, key: string, path: Segment[] = []): Segment[] | undefined {
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const found = firstKeyPath(item, key, [...path, i]);
      if (found) return found;
    }
  } else if (isObject(value)) {
    if (key in value) return [...path, key];
    for (const [k, child] of Object.entries(value)) {
      if (k === '@context') continue;
      const found = firstKeyPath(child, key, [...path, k]);
      if (found) return found;
    }
  }
  return undefined;
}

class Collector {
  readonly found = new Map<string, UndefinedTerm>();

  add(term: string, path: readonly Segment[], kind: UndefinedTerm['kind']): void {
    const entry: UndefinedTerm = Object.freeze({ term, path: pointer(path), kind });
    this.found.set(`${kind} ${entry.path} ${term}`, entry);
  }
}

function walkExpanded(
  value: unknown,
  document: unknown,
  nodes: readonly Segment[][],
  nearest: Segment[],
  out: Collector,
): void {
  if (Array.isArray(value)) {
    for (const item of value) walkExpanded(item, document, nodes, nearest, out);
    return;
  }
  if (!isObject(value)) return;
  if ('@value' in value) {
    const datatype = localName(value['@type']);
    if (datatype !== undefined)
      out.add(datatype, valuePath(at(document, nearest), nearest, datatype), 'type');
    return;
  }
  const id = value['@id'];
  const markerIndex =
    typeof id === 'string' && id.startsWith(NODE_MARKER)
      ? Number(id.slice(NODE_MARKER.length))
      : -1;
  const path = nodes[markerIndex] ?? nearest;
  const node = at(document, path);
  for (const [key, child] of Object.entries(value)) {
    if (key === '@type') {
      for (const type of Array.isArray(child) ? child : [child]) {
        const term = localName(type);
        if (term !== undefined) out.add(term, valuePath(node, path, term), 'type');
      }
      continue;
    }
    if (key === '@reverse' && isObject(child)) {
      walkExpanded(child, document, nodes, path, out);
      for (const reverseKey of Object.keys(child)) {
        const term = localName(reverseKey);
        if (term !== undefined) out.add(term, firstKeyPath(node, term, path) ?? path, 'property');
      }
      continue;
    }
    if (key.startsWith('@')) {
      walkExpanded(child, document, nodes, path, out);
      continue;
    }
    const term = localName(key);
    if (term !== undefined) {
      out.add(term, isObject(node) && term in node ? [...path, term] : path, 'property');
    }
    for (const item of Array.isArray(child) ? child : [child]) {
      // A `"@type": "@vocab"` value that names no term expands to a node reference into the
      // catch-all vocabulary.
      const referenced =
        isObject(item) && Object.keys(item).length === 1 ? localName(item['@id']) : undefined;
      if (referenced !== undefined) out.add(referenced, valuePath(node, path, referenced), 'value');
      else walkExpanded(item, document, nodes, path, out);
    }
  }
}

async function check(document: object, loader: DocumentLoader): Promise<UndefinedTerm[]> {
  const nodes: Segment[][] = [];
  const instrumented = instrument(document, [], nodes);
  const out = new Collector();
  // Backstop for terms dropped despite the catch-all vocabulary (a scoped `"@vocab": null`).
  const onEvent: EventHandler = ({ event, next }) => {
    const details = event.details ?? {};
    if (event.code === 'invalid property' && typeof details.property === 'string') {
      out.add(details.property, firstKeyPath(document, details.property) ?? [], 'property');
    } else if (event.code === 'relative @type reference' && typeof details.type === 'string') {
      out.add(details.type, [], 'type');
    }
    next();
  };
  let expanded: unknown[];
  try {
    expanded = await jsonld.expand(instrumented, {
      ...jsonLdOptionsFor(loader),
      eventHandler: onEvent,
    });
  } catch (error) {
    throw jsonLdFailure(error, 'check the terms of');
  }
  walkExpanded(expanded, document, nodes, [], out);
  return [...out.found.values()].sort((a, b) =>
    a.path === b.path ? a.term.localeCompare(b.term) : a.path < b.path ? -1 : 1,
  );
}

/**
 * The term check's cached verdict for a document of an already-checked shape, without a
 * promise: `undefined` when the shape has not been checked yet. Verification calls this
 * first, so the common case costs no trip through the microtask queue.
 *
 * @example
 * const terms = cachedUndefinedTerms(credential) ?? (await findUndefinedTerms(credential));
 */
export function cachedUndefinedTerms(
  document: object,
  options: TermCheckOptions = {},
): readonly UndefinedTerm[] | undefined {
  const cache = cacheFor(options.documentLoader ?? defaultDocumentLoader);
  if (!cache) return undefined;
  const key = shapeSignature(document, cache.sensitiveKeys);
  if (key === undefined) return undefined;
  return cache.results.get(key) ?? fromCleanFacts(document, key, cache)?.terms;
}

/**
 * A new shape made of known parts: when every term fact of `document` comes from a document
 * the full check found clean, it is clean too (see shape-signature.ts), and the verdict is
 * remembered under its shape. `undefined` when some fact is new; then `facts` are handed back
 * for the full check to record.
 */
function fromCleanFacts(
  document: object,
  key: string,
  cache: LoaderCache,
): { readonly terms: readonly UndefinedTerm[] } | undefined {
  if (cache.frames.full) {
    // A stream of odd shapes must not switch the facts off for good: start afresh. The facts
    // go too, since they name frames by number.
    cache.frames = new FrameTable();
    cache.cleanFacts.clear();
  }
  const facts = termFacts(document, cache.keywordKeys, cache.sensitiveKeys, cache.frames);
  if (facts === undefined || !facts.every((fact) => cache.cleanFacts.has(fact))) return undefined;
  cache.results.set(key, NO_UNDEFINED_TERMS);
  return { terms: NO_UNDEFINED_TERMS };
}

/** Remembers the term facts of a document the full check found clean. */
function recordCleanFacts(document: object, cache: LoaderCache): void {
  const facts = termFacts(document, cache.keywordKeys, cache.sensitiveKeys, cache.frames);
  if (facts === undefined) return;
  // Bounded memory: a table that fills is started afresh (its facts are relearned on misses).
  if (cache.cleanFacts.size + facts.length > CLEAN_FACTS_MAX) cache.cleanFacts.clear();
  for (const fact of facts) cache.cleanFacts.add(fact);
}

/**
 * The terms of `document` that its contexts do not define, each with its JSON Pointer; an
 * empty array when every term is defined. Results are cached by the document's shape (see
 * shape-signature.ts), so a cache hit returns the same frozen array; a document of a new shape
 * whose every term fact was found clean before is clean without being expanded.
 *
 * @throws CredstackError `CONTEXT_UNKNOWN` when a context is not known: what its terms mean
 * cannot be known either, so the term check fails; `INPUT_MALFORMED` for invalid JSON-LD.
 * @example
 * const undefinedTerms = await findUndefinedTerms(credential);
 * if (undefinedTerms.length > 0) fail('terms', undefinedTerms[0].path);
 */
export async function findUndefinedTerms(
  document: object,
  options: TermCheckOptions = {},
): Promise<readonly UndefinedTerm[]> {
  const loader = options.documentLoader ?? defaultDocumentLoader;
  const cache = cacheFor(loader);
  const key = cache ? shapeSignature(document, cache.sensitiveKeys) : undefined;
  if (cache && key !== undefined) {
    const hit = cache.results.get(key) ?? fromCleanFacts(document, key, cache)?.terms;
    if (hit) return hit;
  }
  const result = Object.freeze(await check(document, loader));
  if (cache && key !== undefined) {
    cache.results.set(key, result);
    if (result.length === 0) recordCleanFacts(document, cache);
  }
  return result;
}
