/**
 * The verification report: every check with its outcome and a reason a person can read,
 * then the verdict. Kept as plain data so it can be stored as provenance and served as JSON.
 */

import type { IssuerBinding } from '#shared/credentials/keys/issuer-binding.ts';

// The binding result is owned by the key layer that decides it; the report carries it as is.
export type { IssuerBinding } from '#shared/credentials/keys/issuer-binding.ts';

export type CheckOutcome = 'passed' | 'failed' | 'warning' | 'skipped';

/**
 * Stable check identifiers, in the order the pipeline runs them. The verdict is decided by the first failed check; its id is the
 * "deciding check" that conformance tests assert on.
 */
export const CHECK_IDS = [
  'input', // the input could be read (size, encoding, format, nesting)
  'format', // JSON / JWS / PNG / SVG envelope parsed
  'jwt.header', // alg allowed, typ, kid/jwk present
  'context', // @context values and order
  'type', // type includes the required values
  'schema', // OB 3.0 JSON Schema
  'rules', // rules a schema cannot say (subject identifiers, dates, ids are URIs)
  'terms', // every term is defined by a context
  'key', // the verification key could be resolved, and is the issuer's when referenced
  'proof', // signature / proof verified
  'jwt.claims', // iss/jti/sub/nbf/exp agree with the credential
  'issued', // validFrom / issuanceDate not in the future
  'expiration', // validUntil / expirationDate not past
  'status', // revocation / suspension
  'endorsement', // embedded endorsements verified
  'credentials', // each credential a CLR (ClrCredential) holds verified
] as const;

export type CheckId = (typeof CHECK_IDS)[number];

export interface Check {
  readonly id: CheckId;
  readonly outcome: CheckOutcome;
  /** A sentence a person can read: what was checked and why it passed or failed. */
  readonly reason: string;
  /** JSON pointer (or similar) to the offending part, when there is one. */
  readonly path?: string;
}

export type Verdict = 'valid' | 'invalid' | 'unusable';

/** Whether the key that signed is one the issuer controls (not only a valid signature). */
export interface VerificationReport {
  readonly verdict: Verdict;
  /** Id of the first failed check, when the verdict is not `valid`. */
  readonly decidingCheck?: CheckId;
  readonly checks: readonly Check[];
  readonly issuerBinding: IssuerBinding;
  /** What the input was: json, jwt, png or svg; and which proof format secured it. */
  readonly input: { readonly format: InputFormat | 'unknown'; readonly proof?: ProofFormat };
  /** The credential as verified (the JWT payload's credential for VC-JWT). */
  readonly credential?: Record<string, unknown>;
  /** Reports of embedded endorsements, in document order. */
  readonly endorsements?: readonly VerificationReport[];
  /** For a CLR: the report of each credential it holds, in `verifiableCredential` order. */
  readonly credentials?: readonly VerificationReport[];
}

export type InputFormat = 'json' | 'jwt' | 'png' | 'svg';
export type ProofFormat =
  | 'vc-jwt'
  | 'eddsa-rdfc-2022'
  | 'eddsa-2022'
  | 'Ed25519Signature2020'
  | 'none'
  | 'unknown';
