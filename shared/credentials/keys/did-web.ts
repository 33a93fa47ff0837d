import { CredstackError } from '#shared/core/errors.ts';
import type { Fetcher } from '#shared/credentials/fetch/fetcher.ts';
import { fetchJsonDocument } from './fetch-document.ts';
import type { ResolvedKey } from './resolved-key.ts';
import {
  absoluteId,
  authorisedForAssertion,
  didOf,
  findVerificationMethod,
  isObject,
  keyFromVerificationMethod,
} from './verification-method.ts';

const DID_ACCEPT = 'application/did+ld+json, application/did+json, application/json;q=0.9';

/**
 * The HTTPS URL of a did:web DID document: `did:web:example.com` →
 * `https://example.com/.well-known/did.json`; `did:web:example.com:a:b` →
 * `https://example.com/a/b/did.json`; a port is written percent-encoded (`example.com%3A8443`).
 *
 * @example
 * didWebUrl('did:web:college.example:issuers:1'); // 'https://college.example/issuers/1/did.json'
 */
export function didWebUrl(did: string): string {
  const [host = '', ...path] = did.slice('did:web:'.length).split(':');
  const authority = host.replace(/%3a/giu, ':');
  let url: URL;
  try {
    url = new URL(`https://${authority}/`);
  } catch (error) {
    throw new CredstackError('KEY_NOT_FOUND', `${did} does not name a valid host`, {
      cause: error,
    });
  }
  if (authority === '' || url.host !== authority.toLowerCase() || /[/?#@\\]/u.test(authority))
    throw new CredstackError('KEY_NOT_FOUND', `${did} does not name a valid host`);
  for (const segment of path) {
    if (segment === '' || segment === '.' || segment === '..' || /[/?#\\]/u.test(segment))
      throw new CredstackError(
        'KEY_NOT_FOUND',
        `${did} has an empty or unsafe path segment ${JSON.stringify(segment)}`,
      );
  }
  return path.length === 0
    ? `https://${url.host}/.well-known/did.json`
    : `https://${url.host}/${path.join('/')}/did.json`;
}

/**
 * Resolves a did:web verification method: fetches the DID document and reads the method
 * with that id from `verificationMethod` (or embedded in `assertionMethod`).
 *
 * @example
 * const resolved = await resolveDidWeb('did:web:college.example#key-1', fetcher);
 */
export async function resolveDidWeb(id: string, fetcher: Fetcher): Promise<ResolvedKey> {
  const did = didOf(id);
  const url = didWebUrl(did);
  const { document, url: finalUrl } = await fetchJsonDocument(fetcher, url, DID_ACCEPT);
  if (document.id !== did)
    throw new CredstackError(
      'KEY_NOT_FOUND',
      `the DID document at ${url} describes ${JSON.stringify(document.id)}, not ${did}`,
    );
  let method = findVerificationMethod(document, id, did);
  if (method === undefined && id === did) {
    // A bare DID names no key; accept it only when the document leaves no choice.
    const methods = Array.isArray(document.verificationMethod) ? document.verificationMethod : [];
    const [only] = methods;
    if (methods.length === 1 && isObject(only)) method = only;
  }
  if (method === undefined)
    throw new CredstackError(
      'KEY_NOT_FOUND',
      `the DID document of ${did} has no verification method ${id}`,
    );
  const methodId = typeof method.id === 'string' ? absoluteId(method.id, did) : id;
  if (!authorisedForAssertion(document, methodId, did))
    throw new CredstackError(
      'KEY_NOT_FOUND',
      `the DID document of ${did} does not list ${methodId} under assertionMethod, so it may not sign credentials`,
    );
  const { key, jwk } = keyFromVerificationMethod(method);
  const controller = typeof method.controller === 'string' ? method.controller : did;
  return {
    id: methodId,
    key,
    jwk,
    controller,
    source: 'did:web',
    documentUrl: finalUrl,
    documentId: did,
  };
}
