/** The 8-byte signature every PNG starts with. */
export const PNG_SIGNATURE: Readonly<Uint8Array> = Uint8Array.of(
  0x89,
  0x50,
  0x4e,
  0x47,
  0x0d,
  0x0a,
  0x1a,
  0x0a,
);

/** Largest credential text a baked image may carry by default: 1 MiB of UTF-8. */
export const DEFAULT_BAKED_TEXT_MAX_BYTES = 1024 * 1024;

/** How a credential is carried as text: JSON (embedded proof) or a compact JWS (VC-JWT). */
export type CredentialTextKind = 'json' | 'jwt';

// Each segment is unpadded base64url; the signature may be empty (an unsecured JWS), the
// header and payload may not. The dots are outside the character class, so the match is
// linear however long the input is.
const COMPACT_JWS = /^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]*)$/;

/**
 * True when `text` is a compact JWS: three dot-separated base64url segments (no padding, no
 * whitespace) with a non-empty header and payload, each of a length base64url can have.
 *
 * @example
 * isCompactJws('eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiIxIn0.c2ln'); // true
 */
export function isCompactJws(text: string): boolean {
  const match = COMPACT_JWS.exec(text);
  if (match === null) return false;
  // A base64 string of length 4n+1 cannot come from any byte string.
  for (let i = 1; i <= 3; i++) {
    if ((match[i] ?? '').length % 4 === 1) return false;
  }
  return true;
}

/**
 * Whether a credential text is JSON or a compact JWS, judged by its shape only (surrounding
 * whitespace ignored); `undefined` when it is neither.
 *
 * @example
 * credentialTextKind('{"type":["VerifiableCredential"]}'); // 'json'
 */
export function credentialTextKind(text: string): CredentialTextKind | undefined {
  const trimmed = text.trim();
  if (trimmed.startsWith('{') && trimmed.endsWith('}')) return 'json';
  if (isCompactJws(trimmed)) return 'jwt';
  return undefined;
}
