/**
 * A minimal PNG writer: 8-bit RGBA, no interlace, filter type 0 on every row, one IDAT,
 * optional uncompressed iTXt text chunks. Enough for images drawn in code, with no image
 * library; deterministic for the same pixels.
 */
import { crc32, deflateSync } from 'node:zlib';
import { CredstackError } from '#shared/core/errors.ts';

/** One iTXt entry: a Latin-1 keyword of 1–79 characters and UTF-8 text. */
export interface PngText {
  readonly keyword: string;
  readonly text: string;
}

export interface RgbaImage {
  readonly width: number;
  readonly height: number;
  /** `width * height * 4` bytes, rows top to bottom, non-premultiplied RGBA. */
  readonly rgba: Uint8Array;
}

/** Largest side accepted; the service only draws small badges. */
export const MAX_PNG_SIDE = 4096;

const SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);
const encoder = new TextEncoder();

/**
 * Encodes RGBA pixels as a PNG, with iTXt chunks (before IDAT) for any texts given.
 *
 * @example
 * const png = encodeRgbaPng({ width: 1, height: 1, rgba: Uint8Array.of(255, 0, 0, 255) });
 */
export function encodeRgbaPng(image: RgbaImage, texts: readonly PngText[] = []): Uint8Array {
  const { width, height, rgba } = image;
  if (!isSide(width) || !isSide(height) || rgba.length !== width * height * 4) {
    throw new CredstackError(
      'BUILD_INVALID',
      `cannot encode a ${width}×${height} PNG from ${rgba.length} bytes of RGBA`,
    );
  }
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  header.set([8, 6, 0, 0, 0], 8); // bit depth 8, colour type 6 (RGBA), deflate, filter 0, no interlace

  const stride = width * 4;
  const filtered = new Uint8Array((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    // Each row starts with its filter type byte, 0 (None).
    filtered.set(rgba.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  }
  const chunks = [chunk('IHDR', header)];
  for (const text of texts) chunks.push(chunk('iTXt', itxtData(text)));
  chunks.push(chunk('IDAT', deflateSync(filtered, { level: 9 })), chunk('IEND', new Uint8Array()));
  return concat([SIGNATURE, ...chunks]);
}

function isSide(value: number): boolean {
  return Number.isInteger(value) && value >= 1 && value <= MAX_PNG_SIDE;
}

function itxtData({ keyword, text }: PngText): Uint8Array {
  if (!/^[\x20-\x7e\xa1-\xff]{1,79}$/.test(keyword) || /^ | $| {2}/.test(keyword)) {
    throw new CredstackError('BUILD_INVALID', `"${keyword}" is not a valid PNG text keyword`);
  }
  const keywordBytes = Uint8Array.from(keyword, (c) => c.charCodeAt(0));
  // keyword NUL, compression flag 0, method 0, empty language tag NUL, empty translation NUL
  return concat([keywordBytes, Uint8Array.of(0, 0, 0, 0, 0), encoder.encode(text)]);
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  const typeBytes = Uint8Array.from(type, (c) => c.charCodeAt(0));
  out.set(typeBytes, 4);
  out.set(data, 8);
  // The CRC covers the chunk type and data, not the length.
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
