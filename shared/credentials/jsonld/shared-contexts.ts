import contextApi from 'jsonld/lib/context.js';

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
  return child;
}

function shareRevert(this: ActiveContext): ActiveContext {
  // The previous context never changes (see above): it can be handed back as it is.
  return this.previousContext ?? this;
}

/** Whether `context` is credstack's initial context or derived from it (tests ask). */
export function sharesStructure(context: { clone?: unknown }): boolean {
  return context.clone === shareClone;
}

function install(): void {
  const initial = (contextApi as unknown as ContextApi).getInitialContext({
    processingMode: CREDSTACK_PROCESSING_MODE,
  });
  initial.clone = shareClone;
  initial.revertToPreviousContext = shareRevert;
}

install();
