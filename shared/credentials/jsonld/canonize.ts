import jsonld from 'jsonld';
import { CredstackError, describeError } from '#shared/core/errors.ts';
import {
  credstackCause,
  type DocumentLoader,
  defaultDocumentLoader,
  jsonLdOptionsFor,
} from './document-loader.ts';
// Installed before any canonicalization: makes jsonld.js's node map linear in the input.
import './linear-values.ts';

export interface CanonizeOptions {
  /** Defaults to the loader for the known contexts. */
  readonly documentLoader?: DocumentLoader;
  /**
   * RDFC-1.0 work factor (default 1): blank-node labelling may take (non-unique blank nodes)
   * to this power deep iterations. Credential graphs need far fewer; a poison graph (many
   * indistinguishable blank nodes) needs factorially many and is stopped.
   */
  readonly maxWorkFactor?: number;
  /** Stops the blank-node labelling when it fires (a verification's time budget). */
  readonly signal?: AbortSignal;
}

/** rdf-canonize's messages when it gives up: the work factor or the signal. */
const CANONICALIZATION_LIMIT = /Maximum deep iterations exceeded|Abort signal received/;

/**
 * The JSON-LD events that mean data would silently drop out of the signed statements or stay
 * relative (jsonld.js "safe mode" codes): a property no context defines, a relative `@type`
 * or `@id`, a free-floating value. Signing or verifying such a document would sign less than
 * the JSON shows, so these fail instead.
 */
interface SafeModeEvent {
  readonly code?: string;
  readonly details?: Record<string, unknown>;
}

function describeSafeModeEvent(event: SafeModeEvent): string {
  const details = event.details ?? {};
  const subject =
    details.property ?? details.type ?? details.id ?? details.value ?? details.term ?? '';
  const what = typeof subject === 'string' && subject !== '' ? ` (${subject})` : '';
  return `${event.code ?? 'unsafe JSON-LD'}${what}`;
}

/**
 * Maps a jsonld.js failure to a CredstackError: an unknown context stays `CONTEXT_UNKNOWN`,
 * anything else (safe-mode violation, invalid JSON-LD) is `INPUT_MALFORMED`.
 *
 * @example
 * try { await jsonld.expand(doc, opts); } catch (e) { throw jsonLdFailure(e, 'expand'); }
 */
export function jsonLdFailure(error: unknown, action: string): CredstackError {
  const cause = credstackCause(error);
  if (cause) return cause;
  const event = (error as { details?: { event?: SafeModeEvent } }).details?.event;
  if (event) {
    return new CredstackError(
      'INPUT_MALFORMED',
      `cannot ${action}: the document is not safe JSON-LD: ${describeSafeModeEvent(event)}`,
      { cause: error },
    );
  }
  return new CredstackError('INPUT_MALFORMED', `cannot ${action}: ${describeError(error)}`, {
    cause: error,
  });
}

/**
 * RDF Dataset Canonicalization (RDFC-1.0) of a JSON-LD document, as N-Quads. Runs in jsonld.js
 * safe mode, with contexts from the offline loader only.
 *
 * @throws CredstackError `CONTEXT_UNKNOWN` for a context the loader does not know,
 * `INPUT_MALFORMED` when a term is undefined or the document is not valid JSON-LD,
 * `WORK_BUDGET_EXCEEDED` when the labelling exceeds its work factor or the signal fires.
 * @example
 * const nquads = await canonize(credential);
 */
export async function canonize(document: object, options: CanonizeOptions = {}): Promise<string> {
  const loader = options.documentLoader ?? defaultDocumentLoader;
  try {
    return await jsonld.canonize(document, {
      ...jsonLdOptionsFor(loader),
      safe: true,
      base: null,
      format: 'application/n-quads',
      canonizeOptions: {
        algorithm: 'RDFC-1.0',
        maxWorkFactor: options.maxWorkFactor ?? 1,
        ...(options.signal ? { signal: options.signal } : {}),
      },
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : '';
    if (CANONICALIZATION_LIMIT.test(message)) {
      throw new CredstackError(
        'WORK_BUDGET_EXCEEDED',
        /Abort/.test(message)
          ? 'canonicalization stopped: the verification ran out of time'
          : 'canonicalization stopped: the graph has too many indistinguishable blank nodes to label within the work budget',
        { cause: error },
      );
    }
    throw jsonLdFailure(error, 'canonicalize');
  }
}
