import { describe, expect, it } from 'vitest';
import { bakePng, PNG_CREDENTIAL_KEYWORD } from '#shared/credentials/bake/png.ts';
import { bakeSvg } from '#shared/credentials/bake/svg.ts';
import { isCompactJws, readCredentialInput } from '#shared/credentials/verify/input.ts';
import {
  concatBytes,
  itxtChunk,
  rejectionOf,
  SAMPLE_JSON,
  SAMPLE_JWS,
  tinyPng,
} from '#test/support/bake-fixtures.ts';

const encoder = new TextEncoder();
const SVG = '<svg xmlns="http://www.w3.org/2000/svg"><rect/></svg>';

function bytesOf(text: string): Uint8Array {
  return encoder.encode(text);
}

describe('readCredentialInput', () => {
  it('reads a PNG baked with a JWS', async () => {
    const input = await readCredentialInput(bakePng(tinyPng(), SAMPLE_JWS));

    expect(input).toEqual({ format: 'png', text: SAMPLE_JWS, embedded: 'jwt' });
  });

  it('reads a PNG baked with JSON', async () => {
    const input = await readCredentialInput(bakePng(tinyPng(), SAMPLE_JSON));

    expect(input).toEqual({ format: 'png', text: SAMPLE_JSON, embedded: 'json' });
  });

  it('reads an SVG after a BOM and whitespace, whatever the credential form', async () => {
    const withJws = bytesOf(`\ufeff \n${bakeSvg(SVG, SAMPLE_JWS)}`);
    const withJson = bytesOf(bakeSvg(SVG, SAMPLE_JSON));

    expect(await readCredentialInput(withJws)).toEqual({
      format: 'svg',
      text: SAMPLE_JWS,
      embedded: 'jwt',
    });
    expect(await readCredentialInput(withJson)).toEqual({
      format: 'svg',
      text: SAMPLE_JSON,
      embedded: 'json',
    });
  });

  it('reads JSON text without its BOM and surrounding whitespace', async () => {
    const input = await readCredentialInput(bytesOf(`\ufeff\r\n${SAMPLE_JSON}\r\n`));

    expect(input).toEqual({ format: 'json', text: SAMPLE_JSON });
  });

  it('reads a compact JWS with a trailing newline', async () => {
    expect(await readCredentialInput(bytesOf(`${SAMPLE_JWS}\n`))).toEqual({
      format: 'jwt',
      text: SAMPLE_JWS,
    });
  });

  it('decides a .1ob file by its content, JSON or JWT', async () => {
    expect(
      (await readCredentialInput(bytesOf(SAMPLE_JSON), { filename: 'badge.1ob' })).format,
    ).toBe('json');
    expect((await readCredentialInput(bytesOf(SAMPLE_JWS), { filename: 'badge.1ob' })).format).toBe(
      'jwt',
    );
  });

  it('decides by content even when the name says otherwise', async () => {
    expect((await readCredentialInput(bytesOf(SAMPLE_JWS), { filename: 'badge.png' })).format).toBe(
      'jwt',
    );
  });

  it('refuses text of no known format, naming the file', async () => {
    const error = await rejectionOf(
      readCredentialInput(bytesOf('https://example.com/assertions/1'), { filename: 'badge.txt' }),
    );

    expect(error).toEqual(
      expect.objectContaining({
        code: 'UNSUPPORTED_FORMAT',
        message: 'badge.txt is not a PNG, an SVG, JSON or a compact JWS',
      }),
    );
  });

  it('refuses empty input and a JSON array as UNSUPPORTED_FORMAT', async () => {
    expect(await rejectionOf(readCredentialInput(new Uint8Array(0)))).toEqual(
      expect.objectContaining({ code: 'UNSUPPORTED_FORMAT' }),
    );
    expect(await rejectionOf(readCredentialInput(bytesOf('[{"a":1}]')))).toEqual(
      expect.objectContaining({ code: 'UNSUPPORTED_FORMAT' }),
    );
  });

  it('refuses binary formats other than PNG as UNSUPPORTED_FORMAT', async () => {
    const jpeg = Uint8Array.of(0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46);

    expect(await rejectionOf(readCredentialInput(jpeg))).toEqual(
      expect.objectContaining({
        code: 'UNSUPPORTED_FORMAT',
        message: expect.stringContaining('neither a PNG nor UTF-8 text'),
      }),
    );
  });

  it('refuses UTF-16 text as UNSUPPORTED_FORMAT', async () => {
    const utf16 = concatBytes([
      Uint8Array.of(0xff, 0xfe),
      new Uint8Array(Buffer.from('{}', 'utf16le')),
    ]);

    expect(await rejectionOf(readCredentialInput(utf16))).toEqual(
      expect.objectContaining({
        code: 'UNSUPPORTED_FORMAT',
        message: expect.stringContaining('UTF-16'),
      }),
    );
  });

  it('refuses JSON that is not valid UTF-8 as INPUT_MALFORMED', async () => {
    const bytes = Uint8Array.of(0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d);

    expect(await rejectionOf(readCredentialInput(bytes))).toEqual(
      expect.objectContaining({ code: 'INPUT_MALFORMED', message: 'the input is not valid UTF-8' }),
    );
  });

  it('refuses input above the size cap with INPUT_TOO_LARGE', async () => {
    expect(await rejectionOf(readCredentialInput(bytesOf(SAMPLE_JWS), { maxBytes: 10 }))).toEqual(
      expect.objectContaining({ code: 'INPUT_TOO_LARGE' }),
    );
  });

  it('passes on the PNG reason when a baked image is broken', async () => {
    expect(await rejectionOf(readCredentialInput(tinyPng()))).toEqual(
      expect.objectContaining({
        code: 'INPUT_MALFORMED',
        message: expect.stringContaining('no iTXt chunk'),
      }),
    );
  });

  it('passes on the SVG reason when a baked image is broken', async () => {
    expect(await rejectionOf(readCredentialInput(bytesOf(SVG)))).toEqual(
      expect.objectContaining({
        code: 'INPUT_MALFORMED',
        message: expect.stringContaining('no credential element'),
      }),
    );
  });

  it('refuses an image whose baked text is neither JSON nor a JWS', async () => {
    const png = tinyPng([itxtChunk(PNG_CREDENTIAL_KEYWORD, 'https://example.com/assertions/1')]);

    expect(await rejectionOf(readCredentialInput(png, { filename: 'badge.png' }))).toEqual(
      expect.objectContaining({
        code: 'UNSUPPORTED_FORMAT',
        message: 'the credential baked into badge.png (PNG) is neither JSON nor a compact JWS',
      }),
    );
  });

  it('re-exports isCompactJws', async () => {
    expect(isCompactJws(SAMPLE_JWS)).toBe(true);
    expect(isCompactJws(SAMPLE_JSON)).toBe(false);
  });
});
