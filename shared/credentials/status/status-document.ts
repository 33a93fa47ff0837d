import { CredstackError } from '#shared/core/errors.ts';
import { parseJsonSafely } from '#shared/core/safe-json.ts';
import type { Fetcher } from '#shared/credentials/fetch/fetcher.ts';
import { LruCache } from '#shared/credentials/jsonld/lru-cache.ts';

/** A fetched status document: a JSON object, or a JWT whose payload is one. */
export type StatusDocument =
  | { readonly kind: 'json'; readonly value: Record<string, unknown> }
  | { readonly kind: 'jwt'; readonly jwt: string; readonly payload: Record<string, unknown> };

const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/u;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Parsed documents by body. A CachingFetcher hands back the same body for the same URL, so
 * a status list shared by thousands of credentials is parsed once while it is cached.
 */
const parsedByBody = new WeakMap<Uint8Array, StatusDocument>();

/**
 * Parsed documents by text, for bodies that arrive as fresh bytes each time with the same
 * content: the service's own lists, read from its table on every request, and every fetch
 * answered across a worker boundary. The same text is the same document, so it is parsed once
 * and, being the same object, keeps the verdict and decoded bits remembered for it
 * (status-check.ts); a changed list is a different text and is parsed and verified anew.
 */
const parsedByText = new LruCache<string, StatusDocument>(64);
/** Texts above this are not kept by text: a few large lists must not pin megabytes. */
const MAX_TEXT_CACHED = 256 * 1024;

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseObject(text: string, what: string): Record<string, unknown> {
  const value = parseJsonSafely(text);
  if (!isObject(value))
    throw new CredstackError('STATUS_LIST_INVALID', `${what} is not a JSON object`);
  return value;
}

/**
 * Reads a status document body: JSON, or a compact JWS (a status list credential secured
 * as a VC-JWT). The JWS signature is not checked here; that is the status list verifier's job.
 *
 * @example
 * const document = parseStatusDocument(resource.body, resource.url);
 */
export function parseStatusDocument(body: Uint8Array, url: string): StatusDocument {
  const cached = parsedByBody.get(body);
  if (cached !== undefined) return cached;
  let text: string;
  try {
    text = utf8.decode(body).trim();
  } catch (error) {
    throw new CredstackError('STATUS_LIST_INVALID', `the document at ${url} is not UTF-8 text`, {
      cause: error,
    });
  }
  const known = parsedByText.get(text);
  if (known !== undefined) {
    parsedByBody.set(body, known);
    return known;
  }
  let document: StatusDocument;
  try {
    if (COMPACT_JWS.test(text)) {
      const payloadPart = text.split('.')[1] ?? '';
      const payload = parseObject(
        Buffer.from(payloadPart, 'base64url').toString('utf8'),
        `the JWT payload at ${url}`,
      );
      document = { kind: 'jwt', jwt: text, payload };
    } else {
      document = { kind: 'json', value: parseObject(text, `the document at ${url}`) };
    }
  } catch (error) {
    if (error instanceof CredstackError && error.code === 'STATUS_LIST_INVALID') throw error;
    throw new CredstackError(
      'STATUS_LIST_INVALID',
      `the document at ${url} is neither JSON nor a JWT`,
      { cause: error },
    );
  }
  parsedByBody.set(body, document);
  if (text.length <= MAX_TEXT_CACHED) parsedByText.set(text, document);
  return document;
}

/**
 * Fetches and parses a status document (status list credential or revocation list).
 *
 * @example
 * const document = await fetchStatusDocument(fetcher, entry.statusListCredential, 'application/vc+jwt');
 */
export async function fetchStatusDocument(
  fetcher: Fetcher,
  url: string,
  accept: string,
): Promise<StatusDocument> {
  const resource = await fetcher.fetch(url, { accept });
  return parseStatusDocument(resource.body, url);
}

/**
 * Status URLs that passed the check below: many credentials name the same few lists, and the
 * same text passes the same check, so a known one skips the URL parse. Bounded; only texts
 * that passed are kept.
 */
const checkedStatusUrls = new Set<string>();
const MAX_CHECKED_STATUS_URLS = 1024;

/** A status document URL must be an absolute http(s) URL; anything else is not fetched. */
export function checkStatusUrl(value: unknown, what: string): string {
  if (typeof value !== 'string')
    throw new CredstackError('STATUS_LIST_INVALID', `${what} is missing or not a string`);
  if (checkedStatusUrls.has(value)) return value;
  // A prefix test and URL.canParse: no URL object is built on this per-credential path.
  if (!/^https?:\/\//i.test(value)) {
    const what2 = URL.canParse(value) ? 'is not an http(s) URL' : 'is not a URL';
    throw new CredstackError('STATUS_LIST_INVALID', `${what} ${JSON.stringify(value)} ${what2}`);
  }
  if (!URL.canParse(value))
    throw new CredstackError(
      'STATUS_LIST_INVALID',
      `${what} ${JSON.stringify(value)} is not a URL`,
    );
  if (checkedStatusUrls.size >= MAX_CHECKED_STATUS_URLS) checkedStatusUrls.clear();
  checkedStatusUrls.add(value);
  return value;
}
