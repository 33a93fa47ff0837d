import { CredstackError, isCredstackError } from '#shared/core/errors.ts';
import type { Fetcher } from '#shared/credentials/fetch/fetcher.ts';
import { type FetchedDocument, fetchJsonDocument } from './fetch-document.ts';
import type { ResolvedKey } from './resolved-key.ts';
import {
  findVerificationMethod,
  isEd25519Multikey,
  isObject,
  keyFromJwk,
  keyFromMultikey,
  keyFromVerificationMethod,
} from './verification-method.ts';

const KEY_ACCEPT =
  'application/did+ld+json, application/ld+json, application/jwk-set+json, application/jwk+json, application/json;q=0.9';

/**
 * The key published at an HTTPS URL, in whichever of the usual shapes the document has:
 * a JWK, a JWK set (`keys[]`, matched by `kid`), a controller or DID-like document
 * (`verificationMethod[]` / `assertionMethod[]`, matched by id), or a Multikey document
 * whose own id is the verification method.
 */
function keyInDocument(
  fetched: FetchedDocument,
  id: string,
  documentUrl: string,
  fragment: string | undefined,
): ResolvedKey | undefined {
  const { document, url } = fetched;
  const base = typeof document.id === 'string' ? document.id : documentUrl;
  const common = { source: 'https' as const, documentUrl: url };
  const documentId = typeof document.id === 'string' ? document.id : undefined;

  if (typeof document.kty === 'string') {
    const kid = document.kid;
    if (fragment !== undefined && kid !== undefined && kid !== fragment && kid !== id)
      return undefined;
    return { id, ...keyFromJwk(document), ...common };
  }

  if (Array.isArray(document.keys)) {
    const keys = document.keys.filter(isObject);
    const match =
      fragment === undefined
        ? keys.length === 1
          ? keys[0]
          : keys.find((candidate) => candidate.kid === id)
        : keys.find((candidate) => candidate.kid === fragment || candidate.kid === id);
    if (match === undefined) return undefined;
    return { id, ...keyFromJwk(match), ...common };
  }

  const method = findVerificationMethod(document, id, base);
  if (method !== undefined) {
    const controller =
      typeof method.controller === 'string'
        ? method.controller
        : typeof document.controller === 'string'
          ? document.controller
          : documentId;
    return {
      id,
      ...keyFromVerificationMethod(method),
      ...common,
      ...(controller !== undefined ? { controller } : {}),
      ...(documentId !== undefined ? { documentId } : {}),
    };
  }

  // A Multikey (or JsonWebKey) document is itself the verification method.
  if (documentId === id && (document.publicKeyMultibase ?? document.publicKeyJwk) !== undefined) {
    const controller = typeof document.controller === 'string' ? document.controller : undefined;
    return {
      id,
      ...keyFromVerificationMethod(document),
      ...common,
      documentId,
      ...(controller !== undefined ? { controller } : {}),
    };
  }
  return undefined;
}

/**
 * Resolves an HTTPS verification method by fetching the URL without its fragment. When the
 * document cannot be fetched but the fragment is itself an Ed25519 multikey (as in the
 * 1EdTech examples, `https://example.com/issuers/1#z6Mk…`), that key is returned with
 * source `url-fragment`: it can check a signature but says nothing about who holds it.
 *
 * @example
 * const resolved = await resolveHttpsKey('https://college.example/keys.json#k1', fetcher);
 */
export async function resolveHttpsKey(id: string, fetcher: Fetcher): Promise<ResolvedKey> {
  const hash = id.indexOf('#');
  const documentUrl = hash === -1 ? id : id.slice(0, hash);
  const fragment = hash === -1 ? undefined : id.slice(hash + 1);
  let fetched: FetchedDocument;
  try {
    fetched = await fetchJsonDocument(fetcher, documentUrl, KEY_ACCEPT);
  } catch (error) {
    if (fragment !== undefined && isEd25519Multikey(fragment)) {
      const { key, jwk } = keyFromMultikey(fragment);
      return { id, key, jwk, source: 'url-fragment' };
    }
    if (isCredstackError(error)) throw error;
    throw new CredstackError('KEY_NOT_FOUND', `the key document ${documentUrl} is unusable`, {
      cause: error,
    });
  }
  const resolved = keyInDocument(fetched, id, documentUrl, fragment);
  if (resolved === undefined)
    throw new CredstackError(
      'KEY_NOT_FOUND',
      `the document at ${documentUrl} does not publish the key ${id}`,
    );
  return resolved;
}
