import jsonld from 'jsonld';
import { CredstackError, describeError } from '#shared/core/errors.ts';
import {
  credstackCause,
  type DocumentLoader,
  defaultDocumentLoader,
  jsonLdOptionsFor,
} from './document-loader.ts';

export interface CanonizeOptions {
  /** Defaults to the loader for the known contexts. */
  readonly documentLoader?: DocumentLoader;
}

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
 * `INPUT_MALFORMED` when a term is undefined or the document is not valid JSON-LD.
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
      canonizeOptions: { algorithm: 'RDFC-1.0' },
    });
  } catch (error) {
    throw jsonLdFailure(error, 'canonicalize');
  }
}
