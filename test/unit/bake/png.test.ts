import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { bakePng, extractFromPng, PNG_CREDENTIAL_KEYWORD } from '#shared/credentials/bake/png.ts';
import {
  assemblePng,
  concatBytes,
  idatChunk,
  iendChunk,
  ihdrChunk,
  itxtChunk,
  listChunks,
  pngChunk,
  SAMPLE_JSON,
  SAMPLE_JWS,
  thrownBy,
  tinyPng,
} from '#test/support/bake-fixtures.ts';

const encoder = new TextEncoder();

function malformedWith(reason: string) {
  return expect.objectContaining({
    name: 'CredstackError',
    code: 'INPUT_MALFORMED',
    message: expect.stringContaining(reason),
  });
}

describe('bakePng', () => {
  it('writes one uncompressed openbadgecredential iTXt chunk just before IEND', () => {
    const png = tinyPng();

    const baked = bakePng(png, SAMPLE_JWS);

    const chunks = listChunks(baked);
    expect(chunks.map(([type]) => type)).toEqual(['IHDR', 'IDAT', 'iTXt', 'IEND']);
    const expectedData = concatBytes([
      encoder.encode(`${PNG_CREDENTIAL_KEYWORD}\0\0\0\0\0`),
      encoder.encode(SAMPLE_JWS),
    ]);
    expect(chunks[2]![1]).toEqual(expectedData);
  });

  it('leaves every other chunk byte for byte as it was', () => {
    const png = tinyPng([pngChunk('tEXt', encoder.encode('Comment\0hello'))]);

    const baked = bakePng(png, SAMPLE_JSON);

    const withoutIend = png.length - 12;
    expect(baked.subarray(0, withoutIend)).toEqual(png.subarray(0, withoutIend));
    expect(baked.subarray(baked.length - 12)).toEqual(png.subarray(withoutIend));
  });

  it('round-trips a compact JWS', () => {
    expect(extractFromPng(bakePng(tinyPng(), SAMPLE_JWS))).toBe(SAMPLE_JWS);
  });

  it('round-trips JSON text with non-ASCII characters', () => {
    expect(extractFromPng(bakePng(tinyPng(), SAMPLE_JSON))).toBe(SAMPLE_JSON);
  });

  it('replaces the credential already baked instead of adding a second one', () => {
    const once = bakePng(tinyPng(), SAMPLE_JSON);

    const twice = bakePng(once, SAMPLE_JWS);

    expect(extractFromPng(twice)).toBe(SAMPLE_JWS);
    expect(listChunks(twice).map(([type]) => type)).toEqual(['IHDR', 'IDAT', 'iTXt', 'IEND']);
    expect(bakePng(twice, SAMPLE_JWS)).toEqual(twice);
  });

  it('collapses several openbadgecredential chunks into the new one and keeps other iTXt chunks', () => {
    const other = itxtChunk('Description', 'a badge');
    const png = tinyPng([
      itxtChunk(PNG_CREDENTIAL_KEYWORD, '{"a":1}'),
      other,
      itxtChunk(PNG_CREDENTIAL_KEYWORD, '{"b":2}'),
    ]);

    const baked = bakePng(png, SAMPLE_JWS);

    expect(listChunks(baked).map(([type]) => type)).toEqual([
      'IHDR',
      'IDAT',
      'iTXt',
      'iTXt',
      'IEND',
    ]);
    expect(baked.subarray(33 + idatChunk().length, 33 + idatChunk().length + other.length)).toEqual(
      other,
    );
    expect(extractFromPng(baked)).toBe(SAMPLE_JWS);
  });

  it('refuses text that is neither JSON nor a compact JWS', () => {
    expect(thrownBy(() => bakePng(tinyPng(), 'https://example.com/assertion/1'))).toEqual(
      expect.objectContaining({ code: 'BUILD_INVALID' }),
    );
  });

  it('refuses to bake into a PNG whose IDAT CRC does not match', () => {
    const png = tinyPng();
    png[42] = png[42]! ^ 0xff;

    expect(thrownBy(() => bakePng(png, SAMPLE_JWS))).toEqual(
      malformedWith('CRC mismatch in the IDAT chunk'),
    );
  });

  it('refuses a credential larger than the text cap, so the result stays readable', () => {
    expect(thrownBy(() => bakePng(tinyPng(), SAMPLE_JSON, { maxTextBytes: 10 }))).toEqual(
      expect.objectContaining({ code: 'INPUT_TOO_LARGE' }),
    );
  });
});

describe('extractFromPng', () => {
  it('reads the text exactly as stored, surrounding whitespace included', () => {
    const png = tinyPng([itxtChunk(PNG_CREDENTIAL_KEYWORD, `\n${SAMPLE_JWS}\n`)]);

    expect(extractFromPng(png)).toBe(`\n${SAMPLE_JWS}\n`);
  });

  it('ignores iTXt chunks with other keywords, including ones that only start alike', () => {
    const png = tinyPng([
      itxtChunk('openbadges', 'https://example.com/assertion'),
      itxtChunk(`${PNG_CREDENTIAL_KEYWORD}x`, '{"wrong":true}'),
      itxtChunk(PNG_CREDENTIAL_KEYWORD, SAMPLE_JSON),
    ]);

    expect(extractFromPng(png)).toBe(SAMPLE_JSON);
  });

  it('inflates a chunk whose compression flag is 1', () => {
    const compressed = new Uint8Array(deflateSync(encoder.encode(SAMPLE_JSON)));
    const png = tinyPng([itxtChunk(PNG_CREDENTIAL_KEYWORD, compressed, { flag: 1 })]);

    expect(extractFromPng(png)).toBe(SAMPLE_JSON);
  });

  it('refuses a compressed chunk that inflates past the text cap', () => {
    const bomb = new Uint8Array(deflateSync(new Uint8Array(5_000_000).fill(0x20)));
    const png = tinyPng([itxtChunk(PNG_CREDENTIAL_KEYWORD, bomb, { flag: 1 })]);

    expect(thrownBy(() => extractFromPng(png))).toEqual(
      expect.objectContaining({
        code: 'INPUT_TOO_LARGE',
        message: expect.stringContaining('1048576'),
      }),
    );
  });

  it('refuses a compressed chunk that does not inflate', () => {
    const png = tinyPng([
      itxtChunk(PNG_CREDENTIAL_KEYWORD, Uint8Array.of(1, 2, 3, 4), { flag: 1 }),
    ]);

    expect(thrownBy(() => extractFromPng(png))).toEqual(malformedWith('does not inflate'));
  });

  it('refuses an unknown compression flag or method', () => {
    const flag2 = tinyPng([itxtChunk(PNG_CREDENTIAL_KEYWORD, SAMPLE_JWS, { flag: 2 })]);
    const method1 = tinyPng([
      itxtChunk(PNG_CREDENTIAL_KEYWORD, SAMPLE_JWS, { flag: 1, method: 1 }),
    ]);

    expect(thrownBy(() => extractFromPng(flag2))).toEqual(malformedWith('compression flag 2'));
    expect(thrownBy(() => extractFromPng(method1))).toEqual(malformedWith('compression method 1'));
  });

  it('refuses bytes that are not a PNG', () => {
    const jpeg = Uint8Array.of(0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46, 0x49, 0x46);

    expect(thrownBy(() => extractFromPng(jpeg))).toEqual(malformedWith('not a PNG'));
    expect(thrownBy(() => extractFromPng(new Uint8Array(0)))).toEqual(malformedWith('not a PNG'));
  });

  it('refuses a PNG cut in the middle of a chunk', () => {
    const png = bakePng(tinyPng(), SAMPLE_JWS);

    const error = thrownBy(() => extractFromPng(png.subarray(0, png.length - 20)));

    expect(error).toEqual(malformedWith('truncated PNG: the iTXt chunk'));
  });

  it('refuses a PNG cut between chunks, with no IEND', () => {
    const png = assemblePng([
      ihdrChunk(),
      idatChunk(),
      itxtChunk(PNG_CREDENTIAL_KEYWORD, SAMPLE_JWS),
    ]);

    expect(thrownBy(() => extractFromPng(png))).toEqual(malformedWith('no IEND chunk'));
  });

  it('refuses a PNG ending in a few stray bytes', () => {
    const png = bakePng(tinyPng(), SAMPLE_JWS);

    expect(thrownBy(() => extractFromPng(png.subarray(0, png.length - 5)))).toEqual(
      malformedWith('7 stray bytes'),
    );
  });

  it('refuses a PNG whose IHDR CRC does not match', () => {
    const png = bakePng(tinyPng(), SAMPLE_JWS);
    png[29] = png[29]! ^ 0x01;

    expect(thrownBy(() => extractFromPng(png))).toEqual(
      malformedWith('CRC mismatch in the IHDR chunk at offset 8'),
    );
  });

  it('refuses a PNG whose credential chunk CRC does not match', () => {
    const png = bakePng(tinyPng(), SAMPLE_JWS);
    png[png.length - 30] = png[png.length - 30]! ^ 0x10;

    expect(thrownBy(() => extractFromPng(png))).toEqual(
      malformedWith('CRC mismatch in the iTXt chunk'),
    );
  });

  it('refuses a PNG that does not start with IHDR', () => {
    const png = assemblePng([
      idatChunk(),
      ihdrChunk(),
      itxtChunk(PNG_CREDENTIAL_KEYWORD, SAMPLE_JWS),
      iendChunk(),
    ]);

    expect(thrownBy(() => extractFromPng(png))).toEqual(
      malformedWith('does not start with a 13-byte IHDR'),
    );
  });

  it('refuses a second IHDR, a missing IDAT and data after IEND', () => {
    const secondIhdr = tinyPng([ihdrChunk(), itxtChunk(PNG_CREDENTIAL_KEYWORD, SAMPLE_JWS)]);
    const noIdat = assemblePng([
      ihdrChunk(),
      itxtChunk(PNG_CREDENTIAL_KEYWORD, SAMPLE_JWS),
      iendChunk(),
    ]);
    const trailing = concatBytes([
      tinyPng([itxtChunk(PNG_CREDENTIAL_KEYWORD, SAMPLE_JWS)]),
      Uint8Array.of(0, 0, 0),
    ]);

    expect(thrownBy(() => extractFromPng(secondIhdr))).toEqual(malformedWith('second IHDR'));
    expect(thrownBy(() => extractFromPng(noIdat))).toEqual(malformedWith('no IDAT chunk'));
    expect(thrownBy(() => extractFromPng(trailing))).toEqual(
      malformedWith('3 bytes after the IEND chunk'),
    );
  });

  it('refuses a chunk type that is not four ASCII letters and a length above 2^31-1', () => {
    const badType = tinyPng([pngChunk('iT1t', Uint8Array.of(1))]);
    const huge = tinyPng();
    new DataView(huge.buffer).setUint32(33, 0x80000000);

    expect(thrownBy(() => extractFromPng(badType))).toEqual(malformedWith('invalid type'));
    expect(thrownBy(() => extractFromPng(huge))).toEqual(malformedWith('length above 2^31-1'));
  });

  it('refuses a PNG without an openbadgecredential chunk', () => {
    expect(thrownBy(() => extractFromPng(tinyPng()))).toEqual(
      malformedWith('no iTXt chunk with the keyword "openbadgecredential"'),
    );
  });

  it('refuses a PNG with two openbadgecredential chunks', () => {
    const png = tinyPng([
      itxtChunk(PNG_CREDENTIAL_KEYWORD, SAMPLE_JWS),
      itxtChunk(PNG_CREDENTIAL_KEYWORD, SAMPLE_JSON),
    ]);

    expect(thrownBy(() => extractFromPng(png))).toEqual(malformedWith('2 iTXt chunks'));
  });

  it('refuses text that is not valid UTF-8', () => {
    const png = tinyPng([itxtChunk(PNG_CREDENTIAL_KEYWORD, Uint8Array.of(0x7b, 0xc3, 0x28, 0x7d))]);

    expect(thrownBy(() => extractFromPng(png))).toEqual(malformedWith('not valid UTF-8'));
  });

  it('refuses an empty credential and an iTXt header cut short', () => {
    const empty = tinyPng([itxtChunk(PNG_CREDENTIAL_KEYWORD, ' \n')]);
    const short = tinyPng([pngChunk('iTXt', encoder.encode(`${PNG_CREDENTIAL_KEYWORD}\0\0`))]);
    const noNul = tinyPng([pngChunk('iTXt', encoder.encode(`${PNG_CREDENTIAL_KEYWORD}\0\0\0en`))]);

    expect(thrownBy(() => extractFromPng(empty))).toEqual(malformedWith('chunk is empty'));
    expect(thrownBy(() => extractFromPng(short))).toEqual(
      malformedWith('ends before its compression fields'),
    );
    expect(thrownBy(() => extractFromPng(noNul))).toEqual(
      malformedWith('no end to its language tag'),
    );
  });

  it('refuses a PNG above the size cap, which a caller can raise or lower', () => {
    const png = bakePng(tinyPng(), SAMPLE_JWS);

    expect(thrownBy(() => extractFromPng(png, { maxBytes: png.length - 1 }))).toEqual(
      expect.objectContaining({ code: 'INPUT_TOO_LARGE' }),
    );
    expect(extractFromPng(png, { maxBytes: png.length })).toBe(SAMPLE_JWS);
  });

  it('refuses uncompressed text above the text cap', () => {
    const png = bakePng(tinyPng(), SAMPLE_JWS);

    expect(thrownBy(() => extractFromPng(png, { maxTextBytes: 100 }))).toEqual(
      expect.objectContaining({ code: 'INPUT_TOO_LARGE' }),
    );
  });
});
