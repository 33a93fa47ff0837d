import type { ResolvedKey } from './key-resolver.ts';
import { didOf } from './verification-method.ts';

/**
 * Whether a key may speak for the issuer, and why. Owned here, where it is decided, so the key
 * layer needs nothing from verify/ (which carries it in its report).
 */
export interface IssuerBinding {
  readonly bound: boolean;
  readonly reason: string;
  readonly keyId?: string;
}

function originOf(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.origin : undefined;
  } catch {
    return undefined;
  }
}

function withoutFragment(id: string): string {
  const hash = id.indexOf('#');
  return hash === -1 ? id : id.slice(0, hash);
}

function bindDid(issuerId: string, key: ResolvedKey): IssuerBinding {
  const keyDid = didOf(key.id);
  const issuerDid = issuerId.startsWith('did:') ? didOf(issuerId) : undefined;
  // A DID document may list a method that another DID controls; such a key is that other
  // party's, even though it appears in the issuer's document.
  const controllerDid = key.controller === undefined ? keyDid : didOf(key.controller);
  if (issuerDid === keyDid && controllerDid !== keyDid) {
    return {
      bound: false,
      keyId: key.id,
      reason: `The key is listed in ${keyDid}'s document but controlled by ${controllerDid}, so it is not the issuer's.`,
    };
  }
  if (issuerDid === keyDid) {
    const how =
      key.source === 'did:key'
        ? 'the issuer is a did:key and the proof was made with the key that DID is made of'
        : `the key is a verification method of the issuer's own DID ${issuerDid}, resolved through ${key.source}`;
    return { bound: true, keyId: key.id, reason: `The signing key belongs to the issuer: ${how}.` };
  }
  return {
    bound: false,
    keyId: key.id,
    reason: `The signing key belongs to ${keyDid}, but the credential's issuer is ${issuerId}, so the key is not the issuer's.`,
  };
}

function bindHttps(issuerId: string, key: ResolvedKey): IssuerBinding {
  const issuerOrigin = originOf(issuerId);
  const published = key.documentUrl ?? withoutFragment(key.id);
  const keyOrigin = originOf(published);
  if (issuerOrigin === undefined)
    return {
      bound: false,
      keyId: key.id,
      reason: `The key was published at ${published}, but the issuer ${issuerId} is not a web address, so the two cannot be tied together.`,
    };
  if (keyOrigin !== issuerOrigin)
    return {
      bound: false,
      keyId: key.id,
      reason: `The key was published at ${published}, which is not on the issuer's own site ${issuerOrigin}.`,
    };
  // A controller document names who controls its keys: on the issuer's site it must still
  // name the issuer, or the site is hosting someone else's key.
  const owner = key.controller ?? key.documentId;
  if (owner !== undefined && owner !== issuerId)
    return {
      bound: false,
      keyId: key.id,
      reason: `The key was published on the issuer's site, but its document says it is controlled by ${owner}, not by the issuer ${issuerId}.`,
    };
  return {
    bound: true,
    keyId: key.id,
    reason:
      owner === undefined
        ? `The key was published at ${published}, on the issuer's own site ${issuerOrigin}.`
        : `The key was published at ${published}, on the issuer's own site, in a document controlled by the issuer.`,
  };
}

/**
 * Decides whether a resolved key is one the issuer controls, not merely one that checks the
 * signature. did:key/did:web/did:jwk keys are bound when their DID is the issuer's DID;
 * HTTPS keys when published on the issuer's own origin (and, for controller documents, under
 * the issuer's id); keys read from a URL fragment or embedded in the credential never are.
 *
 * @example
 * const binding = bindKeyToIssuer('did:web:college.example', resolved);
 * if (!binding.bound) console.warn(binding.reason);
 */
export function bindKeyToIssuer(issuerId: string, key: ResolvedKey): IssuerBinding {
  switch (key.source) {
    case 'did:key':
    case 'did:web':
    case 'did:jwk':
      return bindDid(issuerId, key);
    case 'https':
      return bindHttps(issuerId, key);
    case 'url-fragment':
      return {
        bound: false,
        keyId: key.id,
        reason: `The key was taken from the fragment of ${key.id} because the document at that address could not be fetched; anyone can write a key into a URL, so nothing ties it to the issuer.`,
      };
    case 'embedded-jwk':
      return {
        bound: false,
        keyId: key.id,
        reason:
          'The key travels inside the credential itself; it shows the credential was not altered, not who issued it.',
      };
  }
}
