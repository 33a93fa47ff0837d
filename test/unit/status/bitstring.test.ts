import { gunzipSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createBitstring,
  decodeBitstring,
  encodeBitstring,
  getBit,
  readStatus,
  setBit,
} from '#shared/credentials/status/bitstring.ts';

const invalid = expect.objectContaining({ code: 'STATUS_LIST_INVALID' });

describe('createBitstring', () => {
  it('makes 131,072 zero bits (16 KiB) by default', () => {
    const bits = createBitstring();

    expect(bits.length).toBe(16_384);
    expect(bits.every((byte) => byte === 0)).toBe(true);
  });

  it('rounds a length up to whole bytes', () => {
    expect(createBitstring(9).length).toBe(2);
  });

  it.each([0, -8, 1.5])('refuses the length %d', (length) => {
    expect(() => createBitstring(length)).toThrow(invalid);
  });
});

describe('setBit and getBit', () => {
  it('puts index 0 in the left-most bit of the first byte', () => {
    const bits = createBitstring(16);

    setBit(bits, 0);

    expect(bits[0]).toBe(0x80);
    expect(getBit(bits, 0)).toBe(true);
    expect(getBit(bits, 1)).toBe(false);
  });

  it('puts index 23 in the right-most bit of the third byte', () => {
    const bits = createBitstring(32);

    setBit(bits, 23);

    expect([...bits]).toEqual([0, 0, 1, 0]);
  });

  it('clears a bit', () => {
    const bits = createBitstring(8);
    setBit(bits, 5);

    setBit(bits, 5, false);

    expect(bits[0]).toBe(0);
  });

  it.each([-1, 16, 2.5])('refuses the index %d on a 16-bit list', (index) => {
    const bits = createBitstring(16);

    expect(() => getBit(bits, index)).toThrow(invalid);
    expect(() => setBit(bits, index)).toThrow(invalid);
  });
});

describe('readStatus', () => {
  it('reads multi-bit entries with the first bit most significant', () => {
    const bits = createBitstring(16);
    setBit(bits, 2); // entry 1, high bit
    setBit(bits, 5); // entry 2, low bit
    setBit(bits, 6); // entry 3, both bits
    setBit(bits, 7);

    expect([0, 1, 2, 3].map((index) => readStatus(bits, index, 2))).toEqual([0, 2, 1, 3]);
  });

  it('refuses an entry that runs past the end of the list', () => {
    expect(() => readStatus(createBitstring(16), 8, 2)).toThrow(invalid);
  });
});

describe('encodeBitstring and decodeBitstring', () => {
  it('encodes as multibase base64url GZIP without padding', () => {
    const bits = createBitstring();
    setBit(bits, 42);

    const encoded = encodeBitstring(bits);

    expect(encoded.startsWith('uH4sI')).toBe(true);
    expect(encoded).toMatch(/^u[A-Za-z0-9_-]+$/);
    expect([...gunzipSync(Buffer.from(encoded.slice(1), 'base64url'))]).toEqual([...bits]);
  });

  it('round-trips any set of bits', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 0, max: 4095 }), { maxLength: 64 }),
        (indices) => {
          const bits = createBitstring(4096);
          for (const index of indices) setBit(bits, index);

          const decoded = decodeBitstring(encodeBitstring(bits));

          expect([...decoded]).toEqual([...bits]);
          for (const index of indices) expect(getBit(decoded, index)).toBe(true);
        },
      ),
      { numRuns: 50 },
    );
  });

  it('accepts the unprefixed GZIP form of StatusList2021', () => {
    const bits = createBitstring(64);
    setBit(bits, 3);

    const decoded = decodeBitstring(gzipSync(bits).toString('base64url'));

    expect(getBit(decoded, 3)).toBe(true);
  });

  it('refuses a gzip bomb without inflating it fully', () => {
    // 20 MiB of zeros compress to about 20 KB; the default cap is 16 MiB.
    const bomb = `u${gzipSync(Buffer.alloc(20 * 1024 * 1024)).toString('base64url')}`;

    expect(() => decodeBitstring(bomb)).toThrow(
      expect.objectContaining({
        code: 'STATUS_LIST_INVALID',
        message: expect.stringContaining('inflates to more than'),
      }),
    );
    expect(() => decodeBitstring(encodeBitstring(createBitstring()), { maxBytes: 1024 })).toThrow(
      invalid,
    );
  });

  it.each([
    ['', 'empty'],
    ['zH4sIAAAA', 'a base58 multibase prefix'],
    ['u!!!!', 'characters outside base64url'],
    [`u${Buffer.from('plain text, not gzip').toString('base64url')}`, 'data that is not GZIP'],
    [`u${gzipSync(Buffer.alloc(0)).toString('base64url')}`, 'an empty bitstring'],
  ])('refuses %j (%s)', (encoded) => {
    expect(() => decodeBitstring(encoded)).toThrow(invalid);
  });
});
