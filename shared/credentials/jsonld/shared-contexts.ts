import contextApi from 'jsonld/lib/context.js';
import ResolvedContext from 'jsonld/lib/ResolvedContext.js';

/**
 * Makes jsonld.js's active contexts share what never changes, so entering a typed node of a
 * credential costs a map copy instead of a deep copy of every term definition in scope.
 *
 * Why it is needed. An active context holds every term in scope: with the VC 2.0 and Open
 * Badges contexts, several hundred term definitions. jsonld.js copies the active context
 * whenever it derives a new one, and it derives one at every node whose type has a scoped
 * context (Achievement, Profile, Image, …: most nodes of a badge) and again when it leaves
 * that node. Each copy cloned every term definition deeply, and the previous context along
 * with it: canonicalizing a 2 KB credential spent most of its time copying and collecting
 * term definitions (RDFC-1.0 under every Data Integrity check and signature).
 *
 * Why sharing is sound. jsonld.js never changes an active context once it is derived: it
 * copies first (`clone`) and changes the copy, and it hands its own processed-context cache's
 * entries to many documents at once, which would be wrong otherwise. A term definition is
 * built whole when its term is defined and never written afterwards: redefining a term puts a
 * new definition in the copy's map. So a copy can share the term definitions themselves and
 * the previous context (one more active context, as unchanging); only the map of terms and the
 * set of protected terms, which the copy may change, are copied. The copy has exactly the
 * fields jsonld.js's own copy has.
 *
 * Type-scoped contexts, processed once. A type's scoped context applies to its node only
 * (it does not propagate): jsonld.js then copies the active context, notes the original as the
 * one to revert to, and looks the copy up in its processed-context cache, which is keyed by
 * the very object, so a fresh copy never hits and the scoped context is processed anew at
 * every typed node. The processed result depends only on the original active context and the
 * scoped context (the copy is unchanged when it is looked up; like jsonld.js's own cache, this
 * one leaves the call's options out, and events raised while processing are kept with the
 * result and replayed to each later call, so safe mode still refuses what it refused), so
 * credstack remembers it by those two: each scoped context is processed once per active
 * context it meets.
 *
 * Scope. Only contexts derived from credstack's initial context share: credstack's JSON-LD
 * calls (see {@link CREDSTACK_PROCESSING_MODE}) start from an initial context of their own, so
 * any other user of jsonld.js in the process keeps the library's behaviour.
 */

interface ActiveContext {
  mappings: Map<string, unknown>;
  protected: Record<string, boolean>;
  inverse: unknown;
  previousContext?: ActiveContext;
  '@base'?: unknown;
  '@language'?: unknown;
  '@vocab'?: unknown;
  clone(this: ActiveContext): ActiveContext;
  getInverse: unknown;
  revertToPreviousContext(this: ActiveContext): ActiveContext;
}

interface ContextApi {
  getInitialContext(options: { processingMode?: string }): ActiveContext;
}

/**
 * The processing mode credstack's JSON-LD calls name. JSON-LD 1.1 is also what jsonld.js
 * assumes when no mode is given, so the results are the same; naming it gives credstack's
 * calls an initial context of their own (jsonld.js keeps one per processing mode).
 */
export const CREDSTACK_PROCESSING_MODE = 'json-ld-1.1';

/** The active context each copy was made from (see {@link pendingRevertSource}). */
const copiedFrom = new WeakMap<ActiveContext, ActiveContext>();

function shareClone(this: ActiveContext): ActiveContext {
  const child: ActiveContext = {
    mappings: new Map(this.mappings),
    clone: this.clone,
    inverse: null,
    getInverse: this.getInverse,
    protected: { ...this.protected },
    revertToPreviousContext: this.revertToPreviousContext,
  };
  if (this.previousContext) child.previousContext = this.previousContext;
  if ('@base' in this) child['@base'] = this['@base'];
  if ('@language' in this) child['@language'] = this['@language'];
  if ('@vocab' in this) child['@vocab'] = this['@vocab'];
  copiedFrom.set(child, this);
  return child;
}

function shareRevert(this: ActiveContext): ActiveContext {
  // The previous context never changes (see above): it can be handed back as it is.
  return this.previousContext ?? this;
}

interface ProcessedContext {
  readonly context: ActiveContext;
  readonly events: readonly unknown[];
}

interface ResolvedContextLike {
  readonly document: unknown;
  getProcessed(activeCtx: ActiveContext): ProcessedContext | undefined;
  setProcessed(activeCtx: ActiveContext, processed: ProcessedContext): void;
}

/**
 * For the copy jsonld.js makes before applying a non-propagating context — a copy of a context
 * X, unchanged, whose context to revert to is X itself — that X; otherwise `undefined`. Only
 * that copy has this shape: a copy that is then changed is a copy of this copy, and a copy
 * made to revert to something else (or nothing) names another previous context.
 *
 * The scoped context must not carry `@propagate` itself: then the caller asked for no
 * propagation, which jsonld.js does only for type-scoped contexts, processed without
 * overriding protected terms; a context that turns propagation off on its own may also come
 * from a property, processed with the override, and is left to jsonld.js's own cache.
 */
function pendingRevertSource(
  resolved: ResolvedContextLike,
  activeCtx: ActiveContext,
): ActiveContext | undefined {
  if (activeCtx.clone !== shareClone) return undefined;
  const source = copiedFrom.get(activeCtx);
  if (source === undefined || activeCtx.previousContext !== source) return undefined;
  const document = resolved.document;
  if (typeof document !== 'object' || document === null || '@propagate' in document)
    return undefined;
  return source;
}

/** Processed type-scoped contexts: scoped context → original active context → result. */
const typeScoped = new WeakMap<ResolvedContextLike, WeakMap<ActiveContext, ProcessedContext>>();

const INSTALLED = Symbol.for('credstack.jsonld.shared-contexts');

/**
 * Installs the copy and the cache once per jsonld.js instance, and returns the copy function
 * in use: a second instance of this module (a test runner may evaluate it again against the
 * same jsonld.js) keeps the first one's, so every context it derives is recognised.
 */
function install(): typeof shareClone {
  const prototype = (ResolvedContext as unknown as { prototype: ResolvedContextLike }).prototype;
  const registry = prototype as unknown as Record<symbol, typeof shareClone | undefined>;
  const installed = registry[INSTALLED];
  if (installed !== undefined) return installed;
  registry[INSTALLED] = shareClone;

  const initial = (contextApi as unknown as ContextApi).getInitialContext({
    processingMode: CREDSTACK_PROCESSING_MODE,
  });
  initial.clone = shareClone;
  initial.revertToPreviousContext = shareRevert;

  const getProcessed = prototype.getProcessed;
  const setProcessed = prototype.setProcessed;
  prototype.getProcessed = function (this: ResolvedContextLike, activeCtx) {
    const source = pendingRevertSource(this, activeCtx);
    if (source !== undefined) {
      const processed = typeScoped.get(this)?.get(source);
      if (processed !== undefined) return processed;
    }
    return getProcessed.call(this, activeCtx);
  };
  prototype.setProcessed = function (this: ResolvedContextLike, activeCtx, processed) {
    const source = pendingRevertSource(this, activeCtx);
    if (source !== undefined) {
      let bySource = typeScoped.get(this);
      if (bySource === undefined) {
        bySource = new WeakMap();
        typeScoped.set(this, bySource);
      }
      bySource.set(source, processed);
      // The copy is never looked up again: jsonld.js's own cache need not keep it.
      return;
    }
    setProcessed.call(this, activeCtx, processed);
  };
  return shareClone;
}

const installedClone = install();

/** Whether `context` is credstack's initial context or derived from it (tests ask). */
export function sharesStructure(context: { clone?: unknown }): boolean {
  return context.clone === installedClone;
}
