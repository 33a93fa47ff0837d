import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { bakePng } from '#shared/credentials/bake/png.ts';
import { badgeFileKind, credentialFromPng } from '../../../web/src/baked-png.ts';

/**
 * The browser's reading of a baked PNG (web/src/baked-png.ts) against the service's own
 * baking (shared/credentials/bake/png.ts): what the service bakes, the verify box reads back.
 */

// A 1×1 PNG: signature, IHDR, IDAT, IEND (CRCs as any encoder writes them).
const PIXEL = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==',
  'base64',
);
const JWT = 'eyJhbGciOiJFUzI1NiJ9.eyJpc3MiOiJkaWQ6d2ViOmV4YW1wbGUuY29tIn0.c2lnbmF0dXJl';

/** An iTXt chunk inserted before IEND, with its fields as given (CRC not checked here). */
function withChunk(png: Uint8Array, data: Uint8Array): Uint8Array {
  const chunk = Buffer.alloc(12 + data.length);
  chunk.writeUInt32BE(data.length, 0);
  chunk.write('iTXt', 4, 'latin1');
  Buffer.from(data).copy(chunk, 8);
  const iend = png.length - 12;
  return Buffer.concat([png.subarray(0, iend), chunk, png.subarray(iend)]);
}

describe('reading a baked PNG in the browser', () => {
  it('reads back the JWT and the JSON the service bakes', async () => {
    const json = JSON.stringify({ id: 'urn:uuid:1', name: 'SQL' });

    expect(await credentialFromPng(bakePng(PIXEL, JWT))).toBe(JWT);
    expect(await credentialFromPng(bakePng(PIXEL, json))).toBe(json);
    expect(badgeFileKind(bakePng(PIXEL, JWT))).toBe('png');
  });

  it('inflates a compressed credential chunk', async () => {
    const head = Buffer.from('openbadgecredential\0\x01\x00\0\0', 'latin1');
    const png = withChunk(PIXEL, Buffer.concat([head, deflateSync(Buffer.from(JWT))]));

    expect(await credentialFromPng(png)).toBe(JWT);
  });

  it('says in words why a PNG is refused', async () => {
    const twice = withChunk(
      bakePng(PIXEL, JWT),
      Buffer.from(`openbadgecredential\0\0\0\0\0${JWT}`),
    );

    await expect(credentialFromPng(PIXEL)).rejects.toThrow('This PNG carries no badge');
    await expect(credentialFromPng(twice)).rejects.toThrow('more than one credential');
    await expect(credentialFromPng(bakePng(PIXEL, JWT).subarray(0, 60))).rejects.toThrow(
      'cut short',
    );
  });

  it('tells the other formats by their content', () => {
    const text = (s: string) => new TextEncoder().encode(s);

    expect(badgeFileKind(text('\uFEFF  {"id":1}'))).toBe('json');
    expect(badgeFileKind(text('<?xml version="1.0"?><svg/>'))).toBe('svg');
    expect(badgeFileKind(text(JWT))).toBe('jwt');
  });
});
