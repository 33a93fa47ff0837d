import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IdentityObject } from './types.ts';
import { isObject } from './values.ts';

/**
 * Recipient identity hashing (OB 3.0 IdentityHash): `<algorithm>$<hex digest>` of the UTF-8
 * identifier with the salt appended. The spec allows `sha256` and `md5`; we only produce
 * sha256 but can check either.
 */

const SALT_BYTES = 16;
const HASHED_VALUE = /^(sha256|md5)\$([0-9a-fA-F]+)$/;
const DIGEST_HEX_LENGTH = { sha256: 64, md5: 32 } as const;

/**
 * Hashes an identifier the way an IdentityObject carries it. The value is hashed as given
 * (identifiers other than emails can be case-sensitive); {@link emailIdentity} normalises first.
 *
 * @example
 * hashIdentity('a@example.com', 'Kosher').identityHash;
 * // 'sha256$b5809d8a92f8858436d7e6b87c12ebc0ae1eac4baecc2c0b913aee2c922ef399'
 */
export function hashIdentity(
  value: string,
  salt: string = randomBytes(SALT_BYTES).toString('hex'),
): { identityHash: string; salt: string } {
  return { identityHash: `sha256$${digestHex('sha256', value + salt)}`, salt };
}

/**
 * The form emails are hashed in: surrounding whitespace removed, lower case.
 *
 * @example
 * normalizeEmail('  Ada@Example.COM '); // 'ada@example.com'
 */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/**
 * A hashed, salted email IdentityObject for `credentialSubject.identifier`.
 *
 * @example
 * const identity = emailIdentity('ada@example.com');
 * // { type: 'IdentityObject', hashed: true, identityHash: 'sha256$…', identityType: 'emailAddress', salt: '…' }
 */
export function emailIdentity(email: string, salt?: string): IdentityObject {
  const { identityHash, salt: usedSalt } = hashIdentity(normalizeEmail(email), salt);
  return {
    type: 'IdentityObject',
    hashed: true,
    identityHash,
    identityType: 'emailAddress',
    salt: usedSalt,
  };
}

/**
 * True when an email IdentityObject (hashed or plain) identifies `email`. Compares in
 * constant time. Tries the normalised email first, then the email as typed, because other
 * issuers may not have normalised before hashing.
 *
 * @example
 * matchesIdentity(emailIdentity('ada@example.com'), 'ADA@example.com'); // true
 */
export function matchesIdentity(identity: unknown, email: string): boolean {
  if (!isObject(identity) || identity.identityType !== 'emailAddress') return false;
  if (typeof identity.identityHash !== 'string') return false;
  const candidates = [normalizeEmail(email), email.trim()];
  if (identity.hashed !== true) {
    const stored = normalizeEmail(identity.identityHash);
    return constantTimeEqual(stored, candidates[0] ?? '');
  }
  const parsed = HASHED_VALUE.exec(identity.identityHash);
  if (parsed === null) return false;
  const algorithm = parsed[1] as keyof typeof DIGEST_HEX_LENGTH;
  const expected = (parsed[2] ?? '').toLowerCase();
  if (expected.length !== DIGEST_HEX_LENGTH[algorithm]) return false;
  const salt = typeof identity.salt === 'string' ? identity.salt : '';
  let matched = false;
  for (const candidate of candidates) {
    // Evaluate every candidate so the time taken does not reveal which one matched.
    matched = constantTimeEqual(digestHex(algorithm, candidate + salt), expected) || matched;
  }
  return matched;
}

/**
 * True when `identityHash` is a well-formed hashed value (`sha256$` + 64 hex or `md5$` + 32 hex).
 *
 * @example
 * isIdentityHash('sha256$' + '0'.repeat(64)); // true
 */
export function isIdentityHash(identityHash: string): boolean {
  const parsed = HASHED_VALUE.exec(identityHash);
  if (parsed === null) return false;
  const algorithm = parsed[1] as keyof typeof DIGEST_HEX_LENGTH;
  return (parsed[2] ?? '').length === DIGEST_HEX_LENGTH[algorithm];
}

function digestHex(algorithm: 'sha256' | 'md5', input: string): string {
  return createHash(algorithm).update(input, 'utf8').digest('hex');
}

function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  // Lengths are not secret (digest lengths are fixed by the algorithm).
  return left.length === right.length && timingSafeEqual(left, right);
}
