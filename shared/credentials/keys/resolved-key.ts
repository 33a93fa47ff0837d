// The shape of a resolved key, apart from the resolver: each DID method module returns one and
// the resolver dispatches to those modules, so the type sits below both to keep them acyclic.
import type { KeyObject } from 'node:crypto';
import type { JWK } from 'jose';

/** Where a key came from; decides whether it can be bound to the issuer. */
export type KeySource =
  | 'did:key'
  | 'did:web'
  | 'did:jwk'
  | 'https'
  | 'url-fragment'
  | 'embedded-jwk';

export interface ResolvedKey {
  /** The verification method id, absolute. */
  readonly id: string;
  readonly key: KeyObject;
  /** The public key as a JWK (no private members). */
  readonly jwk: JWK;
  /** Who controls the key, when the document says (or the DID, for DID methods). */
  readonly controller?: string;
  readonly source: KeySource;
  /** For fetched keys: the URL the document was finally read from, after redirects. */
  readonly documentUrl?: string;
  /** For fetched DID or controller documents: the id the document gives itself. */
  readonly documentId?: string;
}
