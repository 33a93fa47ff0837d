import { createPrivateKey, createPublicKey, ECDH, type KeyObject } from 'node:crypto';
import { base58, base64urlnopad } from '@scure/base';
import type { JWK } from 'jose';
import { CredstackError } from '#shared/core/errors.ts';

/**
 * Multikey (W3C Controlled Identifiers, Multikey) and multibase: the `publicKeyMultibase`
 * form of keys in DID documents, did:key identifiers and Data Integrity verification methods.
 * A Multikey is a multibase string of `varint(multicodec) ‖ raw key bytes`.
 */

/** Multibase encodings credstack reads: base58btc (`z…`) and unpadded base64url (`u…`). */
export type MultibaseEncoding = 'base58btc' | 'base64url';

/** Multicodec codes (unsigned varint values) of the keys credstack handles. */
const ED25519_PUB = 0xed;
const P256_PUB = 0x1200;
const ED25519_PRIV = 0x1300;

/** Other key codecs, named so an unsupported key gets a readable error. */
const OTHER_CODECS: ReadonlyMap<number, string> = new Map([
  [0xe7, 'secp256k1-pub'],
  [0xec, 'x25519-pub'],
  [0xeb, 'bls12_381-g2-pub'],
  [0x1201, 'p384-pub'],
  [0x1202, 'p521-pub'],
  [0x1205, 'rsa-pub'],
  [0x1306, 'p256-priv'],
]);

/**
 * Decodes a multibase string (`z` base58btc or `u` base64url without padding).
 *
 * @throws CredstackError `INPUT_MALFORMED` for another prefix or an invalid body.
 * @example
 * decodeMultibase('zLdp'); // Uint8Array [ 1, 2, 3 ]
 */
export function decodeMultibase(value: string): Uint8Array {
  const prefix = value.charAt(0);
  const body = value.slice(1);
  try {
    if (prefix === 'z') return base58.decode(body);
    if (prefix === 'u') return base64urlnopad.decode(body);
  } catch (error) {
    throw new CredstackError('INPUT_MALFORMED', `"${abbreviate(value)}" is not valid multibase`, {
      cause: error,
    });
  }
  throw new CredstackError(
    'INPUT_MALFORMED',
    `"${abbreviate(value)}" is not multibase base58btc ("z…") or base64url ("u…")`,
  );
}

/**
 * Encodes bytes as multibase (base58btc by default).
 *
 * @example
 * encodeMultibase(Uint8Array.of(1, 2, 3)); // 'zLdp'
 */
export function encodeMultibase(
  bytes: Uint8Array,
  encoding: MultibaseEncoding = 'base58btc',
): string {
  return encoding === 'base58btc' ? `z${base58.encode(bytes)}` : `u${base64urlnopad.encode(bytes)}`;
}

function abbreviate(value: string): string {
  return value.length > 60 ? `${value.slice(0, 57)}...` : value;
}

function readVarint(bytes: Uint8Array): { code: number; length: number } {
  let code = 0;
  for (let i = 0; i < Math.min(bytes.length, 4); i++) {
    const byte = bytes[i] as number;
    code += (byte & 0x7f) * 2 ** (7 * i);
    if ((byte & 0x80) === 0) return { code, length: i + 1 };
  }
  throw new CredstackError('INPUT_MALFORMED', 'the Multikey does not start with a multicodec');
}

function writeVarint(code: number): Uint8Array {
  const out: number[] = [];
  let rest = code;
  while (rest >= 0x80) {
    out.push((rest & 0x7f) | 0x80);
    rest >>>= 7;
  }
  out.push(rest);
  return Uint8Array.from(out);
}

function splitMultikey(multikey: string): { code: number; key: Uint8Array } {
  const bytes = decodeMultibase(multikey);
  const { code, length } = readVarint(bytes);
  return { code, key: bytes.subarray(length) };
}

function unsupported(code: number): CredstackError {
  const name = OTHER_CODECS.get(code) ?? `multicodec 0x${code.toString(16)}`;
  return new CredstackError(
    'KEY_UNSUPPORTED',
    `${name} Multikeys are not supported (only Ed25519 and P-256 public keys)`,
  );
}

function expectLength(key: Uint8Array, length: number, what: string): void {
  if (key.length !== length) {
    throw new CredstackError(
      'INPUT_MALFORMED',
      `an ${what} Multikey holds ${length} key bytes, this one ${key.length}`,
    );
  }
}

/**
 * The public key a Multikey (`publicKeyMultibase`) holds: Ed25519 (`z6Mk…`) or P-256 with a
 * compressed point (`zDn…`).
 *
 * @throws CredstackError `KEY_UNSUPPORTED` for other key types, `INPUT_MALFORMED` for bad bytes.
 * @example
 * const key = multikeyToKeyObject('z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi');
 */
export function multikeyToKeyObject(multikey: string): KeyObject {
  return createPublicKey({ key: multikeyToJwk(multikey), format: 'jwk' });
}

/**
 * The public JWK of a Multikey (see {@link multikeyToKeyObject}).
 *
 * @example
 * multikeyToJwk('z6Mk…'); // { kty: 'OKP', crv: 'Ed25519', x: '…' }
 */
export function multikeyToJwk(multikey: string): JWK {
  const { code, key } = splitMultikey(multikey);
  if (code === ED25519_PUB) {
    expectLength(key, 32, 'Ed25519');
    return { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(key).toString('base64url') };
  }
  if (code === P256_PUB) {
    expectLength(key, 33, 'P-256');
    let point: Buffer;
    try {
      point = ECDH.convertKey(key, 'prime256v1', undefined, undefined, 'uncompressed') as Buffer;
    } catch (error) {
      throw new CredstackError('INPUT_MALFORMED', 'the P-256 Multikey is not a curve point', {
        cause: error,
      });
    }
    return {
      kty: 'EC',
      crv: 'P-256',
      x: point.subarray(1, 33).toString('base64url'),
      y: point.subarray(33, 65).toString('base64url'),
    };
  }
  throw unsupported(code);
}

/**
 * The Multikey of an Ed25519 or P-256 public key (or of the public half of a private key).
 *
 * @throws CredstackError `KEY_UNSUPPORTED` for other key types.
 * @example
 * publicKeyToMultikey({ kty: 'OKP', crv: 'Ed25519', x }); // 'z6Mk…'
 */
export function publicKeyToMultikey(key: KeyObject | JWK): string {
  const publicKey = !isKeyObject(key)
    ? createPublicKey({ key, format: 'jwk' })
    : key.type === 'public'
      ? key
      : createPublicKey(key);
  const jwk = publicKey.export({ format: 'jwk' }) as JWK;
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519' && jwk.x) {
    return encodeMultikey(ED25519_PUB, Buffer.from(jwk.x, 'base64url'));
  }
  if (jwk.kty === 'EC' && jwk.crv === 'P-256' && jwk.x && jwk.y) {
    const y = Buffer.from(jwk.y, 'base64url');
    const prefix = ((y[y.length - 1] as number) & 1) === 0 ? 0x02 : 0x03;
    return encodeMultikey(
      P256_PUB,
      Buffer.concat([Buffer.of(prefix), Buffer.from(jwk.x, 'base64url')]),
    );
  }
  throw new CredstackError(
    'KEY_UNSUPPORTED',
    `${jwk.kty}/${jwk.crv ?? '-'} keys have no Multikey form here (only Ed25519 and P-256)`,
  );
}

function isKeyObject(key: KeyObject | JWK): key is KeyObject {
  return typeof (key as KeyObject).export === 'function';
}

function encodeMultikey(code: number, key: Uint8Array): string {
  const varint = writeVarint(code);
  const bytes = new Uint8Array(varint.length + key.length);
  bytes.set(varint);
  bytes.set(key, varint.length);
  return encodeMultibase(bytes);
}

/** PKCS#8 DER prefix of an Ed25519 private key; the 32-byte seed follows. */
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/**
 * The private key of an Ed25519 secret-key Multikey (`secretKeyMultibase`, multicodec
 * ed25519-priv, `z3u2…`), as published with test vectors.
 *
 * @example
 * const privateKey = ed25519SecretMultikeyToKeyObject('z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq');
 */
export function ed25519SecretMultikeyToKeyObject(multikey: string): KeyObject {
  const { code, key } = splitMultikey(multikey);
  if (code !== ED25519_PRIV) throw unsupported(code);
  expectLength(key, 32, 'Ed25519 secret');
  return ed25519SeedToKeyObject(key);
}

/**
 * An Ed25519 private key from its 32-byte seed.
 *
 * @example
 * const privateKey = ed25519SeedToKeyObject(Buffer.from(seedHex, 'hex'));
 */
export function ed25519SeedToKeyObject(seed: Uint8Array): KeyObject {
  if (seed.length !== 32) {
    throw new CredstackError('INPUT_MALFORMED', `an Ed25519 seed is 32 bytes, not ${seed.length}`);
  }
  return createPrivateKey({
    key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]),
    format: 'der',
    type: 'pkcs8',
  });
}
