import { createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { ed25519 } from '@noble/curves/ed25519.js';
import { p256 } from '@noble/curves/nist.js';
import { base58 } from '@scure/base';
import type { JWK } from 'jose';
import { describe, expect, it } from 'vitest';
import {
  decodeMultibase,
  ed25519SecretMultikeyToKeyObject,
  ed25519SeedToKeyObject,
  encodeMultibase,
  multikeyToJwk,
  multikeyToKeyObject,
  publicKeyToMultikey,
} from '#shared/credentials/crypto/multikey.ts';

function multikeyBytes(multikey: string): Uint8Array {
  return base58.decode(multikey.slice(1));
}

function jwkOf(key: KeyObject): JWK {
  return (key.type === 'public' ? key : createPublicKey(key)).export({ format: 'jwk' });
}

describe('decodeMultibase', () => {
  it('decodes base58btc ("z") and base64url ("u")', () => {
    const bytes = Uint8Array.from([0, 1, 2, 250, 255]);

    expect(decodeMultibase(encodeMultibase(bytes))).toEqual(bytes);
    expect(decodeMultibase(encodeMultibase(bytes, 'base64url'))).toEqual(bytes);
    expect(encodeMultibase(bytes, 'base64url')).toBe('uAAEC-v8');
  });

  it('refuses other multibase prefixes', () => {
    expect(() => decodeMultibase('mAAEC')).toThrow(
      expect.objectContaining({ code: 'INPUT_MALFORMED' }),
    );
  });

  it('refuses a body outside the alphabet', () => {
    expect(() => decodeMultibase('z0OIl')).toThrow(
      expect.objectContaining({ code: 'INPUT_MALFORMED' }),
    );
  });
});

describe('Ed25519 Multikeys', () => {
  it('round-trips a key through z6Mk… and the independent implementation agrees', () => {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');

    const multikey = publicKeyToMultikey(publicKey);

    expect(multikey).toMatch(/^z6Mk/);
    expect(jwkOf(multikeyToKeyObject(multikey))).toEqual(jwkOf(publicKey));
    expect(publicKeyToMultikey(privateKey)).toBe(multikey);
    const raw = Buffer.from(jwkOf(publicKey).x as string, 'base64url');
    expect(multikeyBytes(multikey)).toEqual(new Uint8Array([0xed, 0x01, ...raw]));
  });

  it('derives the public key of a seed as @noble/curves does', () => {
    const seed = Uint8Array.from({ length: 32 }, (_, i) => i * 7);

    const privateKey = ed25519SeedToKeyObject(seed);

    const noblePublic = ed25519.getPublicKey(seed);
    expect(Buffer.from(jwkOf(privateKey).x as string, 'base64url')).toEqual(
      Buffer.from(noblePublic),
    );
  });

  it('reads a secret-key Multikey (ed25519-priv, z3u2…)', () => {
    const seed = Uint8Array.from({ length: 32 }, (_, i) => 255 - i);
    const secret = encodeMultibase(new Uint8Array([0x80, 0x26, ...seed]));

    const privateKey = ed25519SecretMultikeyToKeyObject(secret);

    expect(secret.startsWith('z3u2')).toBe(true);
    expect(jwkOf(privateKey)).toEqual(jwkOf(ed25519SeedToKeyObject(seed)));
  });

  it('refuses a key of the wrong length', () => {
    const short = encodeMultibase(new Uint8Array([0xed, 0x01, 1, 2, 3]));

    expect(() => multikeyToJwk(short)).toThrow(
      expect.objectContaining({
        code: 'INPUT_MALFORMED',
        message: 'an Ed25519 Multikey holds 32 key bytes, this one 3',
      }),
    );
  });
});

describe('P-256 Multikeys', () => {
  it('round-trips keys through zDn… (both y parities) and @noble/curves agrees on the point', () => {
    for (let i = 0; i < 8; i++) {
      const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });

      const multikey = publicKeyToMultikey(publicKey);

      expect(multikey).toMatch(/^zDn/);
      expect(jwkOf(multikeyToKeyObject(multikey))).toEqual(jwkOf(publicKey));
      const d = Buffer.from(privateKey.export({ format: 'jwk' }).d as string, 'base64url');
      expect(multikeyBytes(multikey)).toEqual(
        new Uint8Array([0x80, 0x24, ...p256.getPublicKey(d, true)]),
      );
    }
  });

  it('refuses bytes that are not a point on the curve', () => {
    const notAPoint = encodeMultibase(new Uint8Array([0x80, 0x24, 0x05, ...new Uint8Array(32)]));

    expect(() => multikeyToKeyObject(notAPoint)).toThrow(
      expect.objectContaining({ code: 'INPUT_MALFORMED' }),
    );
  });
});

describe('unsupported Multikeys', () => {
  it.each([
    [
      [0xe7, 0x01],
      'secp256k1-pub Multikeys are not supported (only Ed25519 and P-256 public keys)',
    ],
    [[0x81, 0x24], 'p384-pub Multikeys are not supported (only Ed25519 and P-256 public keys)'],
    [
      [0x99, 0x01],
      'multicodec 0x99 Multikeys are not supported (only Ed25519 and P-256 public keys)',
    ],
  ])('refuses codec %j with KEY_UNSUPPORTED', (prefix, message) => {
    const multikey = encodeMultibase(new Uint8Array([...prefix, ...new Uint8Array(33)]));

    expect(() => multikeyToKeyObject(multikey)).toThrow(
      expect.objectContaining({ code: 'KEY_UNSUPPORTED', message }),
    );
  });

  it('refuses an RSA key with KEY_UNSUPPORTED', () => {
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });

    expect(() => publicKeyToMultikey(publicKey)).toThrow(
      expect.objectContaining({ code: 'KEY_UNSUPPORTED' }),
    );
  });

  it('refuses a public Multikey where a secret one is expected', () => {
    const { publicKey } = generateKeyPairSync('ed25519');

    expect(() => ed25519SecretMultikeyToKeyObject(publicKeyToMultikey(publicKey))).toThrow(
      expect.objectContaining({ code: 'KEY_UNSUPPORTED' }),
    );
  });
});
