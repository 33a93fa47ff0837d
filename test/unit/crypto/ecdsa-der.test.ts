import { generateKeyPairSync, sign, verify } from 'node:crypto';
import { p256 } from '@noble/curves/nist.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { derToJoseSignature, joseToDerSignature } from '#shared/credentials/crypto/ecdsa-der.ts';

function thrown(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  return undefined;
}

const nonZero32 = fc
  .uint8Array({ minLength: 32, maxLength: 32 })
  .filter((bytes) => bytes.some((byte) => byte !== 0));

function concat(...parts: Uint8Array[]): Uint8Array {
  return Uint8Array.from(parts.flatMap((part) => Array.from(part)));
}

const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });

describe('derToJoseSignature', () => {
  it('pads a short r and strips the sign byte of a high-bit s', () => {
    const r = new Uint8Array(31).fill(0x11);
    const s = new Uint8Array(32).fill(0x22);
    s[0] = 0x80;
    const der = Uint8Array.from([0x30, 2 + 31 + 2 + 33, 0x02, 31, ...r, 0x02, 33, 0x00, ...s]);

    const raw = derToJoseSignature(der);

    expect(raw).toEqual(concat(Uint8Array.of(0), r, s));
  });

  it('agrees byte for byte with noble deterministic DER and compact signatures', () => {
    const secretKey = p256.utils.randomSecretKey();
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (message) => {
        const der = p256.sign(message, secretKey, { format: 'der', lowS: false });
        const compact = p256.sign(message, secretKey, { format: 'compact', lowS: false });

        expect(derToJoseSignature(der)).toEqual(compact);
        expect(joseToDerSignature(compact)).toEqual(der);
      }),
      { numRuns: 50 },
    );
  });

  it('turns node:crypto DER signatures into ieee-p1363 signatures that verify', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (message) => {
        const der = sign('sha256', message, privateKey);

        const raw = derToJoseSignature(der);

        expect(raw.length).toBe(64);
        expect(verify('sha256', message, { key: publicKey, dsaEncoding: 'ieee-p1363' }, raw)).toBe(
          true,
        );
      }),
      { numRuns: 50 },
    );
  });

  it.each([
    ['a wrong outer tag', [0x31, 6, 0x02, 1, 1, 0x02, 1, 1]],
    ['a SEQUENCE length that does not match', [0x30, 7, 0x02, 1, 1, 0x02, 1, 1]],
    ['trailing bytes inside the SEQUENCE', [0x30, 7, 0x02, 1, 1, 0x02, 1, 1, 0]],
    ['a negative r', [0x30, 6, 0x02, 1, 0x81, 0x02, 1, 1]],
    ['a non-minimal leading zero', [0x30, 7, 0x02, 2, 0x00, 0x01, 0x02, 1, 1]],
    ['a zero s', [0x30, 6, 0x02, 1, 1, 0x02, 1, 0]],
    ['an empty r', [0x30, 5, 0x02, 0, 0x02, 1, 1]],
    ['a truncated s', [0x30, 6, 0x02, 1, 1, 0x02, 2, 1]],
    ['a non-minimal long-form length', [0x30, 0x81, 6, 0x02, 1, 1, 0x02, 1, 1]],
    ['an INTEGER tag that is not INTEGER', [0x30, 6, 0x04, 1, 1, 0x02, 1, 1]],
    ['an empty input', []],
  ])('rejects %s', (_name, bytes) => {
    const error = thrown(() => derToJoseSignature(Uint8Array.from(bytes)));

    expect(error).toMatchObject({ code: 'SIGNING_FAILED' });
  });

  it('rejects an r longer than the curve size', () => {
    const r = new Uint8Array(33).fill(0x01);
    const der = Uint8Array.from([0x30, 2 + 33 + 3, 0x02, 33, ...r, 0x02, 1, 1]);

    const error = thrown(() => derToJoseSignature(der));

    expect(error).toMatchObject({
      code: 'SIGNING_FAILED',
      message: 'ECDSA signature: r is longer than 32 bytes',
    });
  });
});

describe('joseToDerSignature', () => {
  it('round-trips any non-zero r and s through DER', () => {
    fc.assert(
      fc.property(nonZero32, nonZero32, (r, s) => {
        const raw = concat(r, s);

        const der = joseToDerSignature(raw);

        expect(der[0]).toBe(0x30);
        expect(der[1]).toBe(der.length - 2);
        expect(derToJoseSignature(der)).toEqual(raw);
      }),
      { numRuns: 500 },
    );
  });

  it('round-trips P-521-sized halves, whose SEQUENCE needs the long length form', () => {
    const nonZero66 = fc
      .uint8Array({ minLength: 66, maxLength: 66 })
      .filter((bytes) => bytes.some((byte) => byte !== 0));
    fc.assert(
      fc.property(nonZero66, nonZero66, (r, s) => {
        const raw = concat(r, s);

        const der = joseToDerSignature(raw);

        expect(der[1]).toBe(0x81);
        expect(der[2]).toBe(der.length - 3);
        expect(derToJoseSignature(der, 66)).toEqual(raw);
      }),
      { numRuns: 200 },
    );
  });

  it('turns node:crypto ieee-p1363 signatures into DER signatures that verify', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (message) => {
        const raw = sign('sha256', message, { key: privateKey, dsaEncoding: 'ieee-p1363' });

        const der = joseToDerSignature(raw);

        expect(verify('sha256', message, publicKey, der)).toBe(true);
      }),
      { numRuns: 50 },
    );
  });

  it('encodes leading zeros minimally and adds a sign byte where the high bit is set', () => {
    const r = new Uint8Array(32);
    r[31] = 0x05;
    const s = new Uint8Array(32).fill(0xff);

    const der = joseToDerSignature(concat(r, s));

    expect(der).toEqual(Uint8Array.from([0x30, 3 + 35, 0x02, 1, 0x05, 0x02, 33, 0x00, ...s]));
  });

  it('rejects an odd length and a zero half', () => {
    const odd = thrown(() => joseToDerSignature(new Uint8Array(63).fill(1)));
    const zero = thrown(() =>
      joseToDerSignature(concat(new Uint8Array(32), new Uint8Array(32).fill(1))),
    );

    expect(odd).toMatchObject({ code: 'SIGNING_FAILED' });
    expect(zero).toMatchObject({ code: 'SIGNING_FAILED', message: 'ECDSA signature: r is zero' });
  });
});
