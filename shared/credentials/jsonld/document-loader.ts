import type { JsonLdOptions, RemoteDocument } from 'jsonld';
import ContextResolver from 'jsonld/lib/ContextResolver.js';
import { CredstackError } from '#shared/core/errors.ts';
import { type ContextDocument, KNOWN_CONTEXTS, withExtraContexts } from './contexts.ts';
import { LruCache } from './lru-cache.ts';
import { CREDSTACK_PROCESSING_MODE } from './shared-contexts.ts';

/**
 * The offline document loader: jsonld.js asks it for every `@context` URL and it answers from
 * memory or refuses. It never reaches the network, whatever the URL.
 */

/** A jsonld.js-compatible document loader. */
export type DocumentLoader = (url: string) => Promise<RemoteDocument>;

/** Processed contexts kept per loader (each distinct URL or inline context is one entry). */
const RESOLVED_CONTEXT_CACHE_ENTRIES = 256;

/**
 * Each loader gets its own resolved-context cache. jsonld.js's default cache is global and
 * keyed by URL only, and it is consulted before the loader: a context served once by a loader
 * with extras would then be served to every loader, and a loader overriding a known URL would
 * get the other loader's copy. A private cache per loader keeps what a loader knows exact,
 * while still processing each context once instead of once per call.
 */
const loaderState = new WeakMap<
  DocumentLoader,
  {
    readonly contexts: ReadonlyMap<string, ContextDocument>;
    readonly cache: LruCache<string, unknown>;
  }
>();

function contextUrlKey(url: string): string {
  // `#fragment` never selects part of a context document.
  const hash = url.indexOf('#');
  return hash === -1 ? url : url.slice(0, hash);
}

/**
 * A document loader that serves the known contexts (see `KNOWN_CONTEXTS`) plus `extra`, and
 * throws `CredstackError('CONTEXT_UNKNOWN')` for any other URL.
 *
 * @example
 * const loader = createDocumentLoader(new Map([[CLR_V2P0_CONTEXT_URL, clrContext]]));
 * await jsonld.expand(doc, jsonLdOptionsFor(loader));
 */
export function createDocumentLoader(extra?: ReadonlyMap<string, object>): DocumentLoader {
  for (const [url, document] of extra ?? []) {
    if (typeof document !== 'object' || document === null || !('@context' in document)) {
      throw new CredstackError(
        'INPUT_MALFORMED',
        `the extra context for ${url} is not a JSON-LD context document (no "@context")`,
      );
    }
  }
  const contexts: ReadonlyMap<string, ContextDocument> =
    extra && extra.size > 0 ? withExtraContexts(extra) : KNOWN_CONTEXTS;
  const loader: DocumentLoader = async (url: string) => {
    const document = contexts.get(contextUrlKey(url));
    if (document === undefined) {
      throw new CredstackError(
        'CONTEXT_UNKNOWN',
        `the JSON-LD context ${url} is not one credstack knows; contexts are never fetched`,
      );
    }
    // jsonld.js rewrites relative context URLs inside what it loads, in place: it gets a copy.
    return {
      contextUrl: null,
      document: structuredClone(document),
      documentUrl: url,
      tag: 'static',
    };
  };
  loaderState.set(loader, { contexts, cache: new LruCache(RESOLVED_CONTEXT_CACHE_ENTRIES) });
  return loader;
}

/**
 * The loader for the known contexts only, created once.
 *
 * @example
 * await canonize(doc, { documentLoader: defaultDocumentLoader });
 */
export const defaultDocumentLoader: DocumentLoader = createDocumentLoader();

/**
 * jsonld.js options that process contexts through `loader` and its private cache. A loader
 * not made by {@link createDocumentLoader} gets a cache for this call only.
 *
 * @example
 * const nquads = await jsonld.canonize(doc, { ...jsonLdOptionsFor(loader), safe: true });
 */
export function jsonLdOptionsFor(loader: DocumentLoader): JsonLdOptions {
  const sharedCache = loaderState.get(loader)?.cache ?? new Map<string, unknown>();
  return {
    documentLoader: loader,
    contextResolver: new ContextResolver({ sharedCache }),
    // Starts from credstack's initial context, whose copies share term definitions.
    processingMode: CREDSTACK_PROCESSING_MODE,
  };
}

/**
 * The contexts a loader made by {@link createDocumentLoader} serves; `undefined` for any
 * other loader (whose answers cannot be known in advance).
 *
 * @example
 * loaderContexts(defaultDocumentLoader)?.has(VC_V2_CONTEXT); // true
 */
export function loaderContexts(
  loader: DocumentLoader,
): ReadonlyMap<string, ContextDocument> | undefined {
  return loaderState.get(loader)?.contexts;
}

/**
 * The CredstackError behind a jsonld.js error (jsonld wraps loader errors in `details.cause`).
 *
 * @example
 * credstackCause(error)?.code; // 'CONTEXT_UNKNOWN'
 */
export function credstackCause(error: unknown): CredstackError | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 8 && typeof current === 'object' && current !== null; depth++) {
    if (current instanceof CredstackError) return current;
    const details = (current as { details?: { cause?: unknown } }).details;
    current = details?.cause ?? (current as { cause?: unknown }).cause;
  }
  return undefined;
}
