import { CredstackError } from '#shared/core/errors.ts';
import { parseJsonSafely } from '#shared/core/safe-json.ts';
import type { Fetcher } from '#shared/credentials/fetch/fetcher.ts';
import { isObject } from './verification-method.ts';

export interface FetchedDocument {
  readonly document: Record<string, unknown>;
  /** Where the document was finally read from, after redirects. */
  readonly url: string;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Fetches a JSON object (DID document, controller document, JWK or JWKS) through the
 * Fetcher and parses it with the safe-JSON caps.
 *
 * @example
 * const { document } = await fetchJsonDocument(fetcher, 'https://college.example/.well-known/did.json', 'application/did+json');
 */
export async function fetchJsonDocument(
  fetcher: Fetcher,
  url: string,
  accept: string,
): Promise<FetchedDocument> {
  const resource = await fetcher.fetch(url, { accept });
  let parsed: unknown;
  try {
    parsed = parseJsonSafely(utf8.decode(resource.body), { maxBytes: resource.body.length + 1 });
  } catch (error) {
    throw new CredstackError('KEY_NOT_FOUND', `the document at ${url} is not JSON`, {
      cause: error,
    });
  }
  if (!isObject(parsed))
    throw new CredstackError('KEY_NOT_FOUND', `the document at ${url} is not a JSON object`);
  return { document: parsed, url: resource.url };
}
