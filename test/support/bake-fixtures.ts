/**
 * Test helpers: tiny PNGs built from scratch (IHDR + IDAT + IEND of a 1×1 RGB image), PNG
 * chunks with correct CRCs, and sample credential texts. Kept independent of the code under
 * test so that a bug there cannot hide in the fixtures.
 */
import { crc32, deflateSync } from 'node:zlib';

const SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);
const encoder = new TextEncoder();

/** One PNG chunk: length, type, data and a correct CRC. */
export function pngChunk(type: string, data: Uint8Array): Uint8Array {
  const chunk = new Uint8Array(12 + data.length);
  const view = new DataView(chunk.buffer);
  view.setUint32(0, data.length);
  chunk.set(encoder.encode(type), 4);
  chunk.set(data, 8);
  view.setUint32(8 + data.length, crc32(chunk.subarray(4, 8 + data.length)));
  return chunk;
}

/** The PNG signature followed by the given chunks. */
export function assemblePng(chunks: readonly Uint8Array[]): Uint8Array {
  return concatBytes([SIGNATURE, ...chunks]);
}

export function ihdrChunk(): Uint8Array {
  // 1×1, bit depth 8, colour type 2 (RGB), deflate, adaptive filtering, no interlace.
  return pngChunk('IHDR', Uint8Array.of(0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0));
}

export function idatChunk(): Uint8Array {
  // One scanline: filter byte 0, then one orange pixel.
  return pngChunk('IDAT', new Uint8Array(deflateSync(Uint8Array.of(0, 0xff, 0x80, 0x00))));
}

export function iendChunk(): Uint8Array {
  return pngChunk('IEND', new Uint8Array(0));
}

/** A valid 1×1 PNG; `extra` chunks go between IDAT and IEND. */
export function tinyPng(extra: readonly Uint8Array[] = []): Uint8Array {
  return assemblePng([ihdrChunk(), idatChunk(), ...extra, iendChunk()]);
}

/** An iTXt chunk with full control over its fields, to build conformant and broken ones. */
export function itxtChunk(
  keyword: string,
  text: Uint8Array | string,
  fields: { flag?: number; method?: number; language?: string; translated?: string } = {},
): Uint8Array {
  const body = typeof text === 'string' ? encoder.encode(text) : text;
  return pngChunk(
    'iTXt',
    concatBytes([
      encoder.encode(keyword),
      Uint8Array.of(0, fields.flag ?? 0, fields.method ?? 0),
      encoder.encode(fields.language ?? ''),
      Uint8Array.of(0),
      encoder.encode(fields.translated ?? ''),
      Uint8Array.of(0),
      body,
    ]),
  );
}

/** The chunks of a PNG as [type, data] pairs, read without checking anything. */
export function listChunks(png: Uint8Array): Array<[string, Uint8Array]> {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const chunks: Array<[string, Uint8Array]> = [];
  for (let at = 8; at + 12 <= png.length; ) {
    const length = view.getUint32(at);
    const type = String.fromCharCode(...png.subarray(at + 4, at + 8));
    chunks.push([type, png.subarray(at + 8, at + 8 + length)]);
    at += 12 + length;
  }
  return chunks;
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

function base64url(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}

/** A compact JWS-shaped string (not signed by anything; baking does not verify). */
export const SAMPLE_JWS = [
  base64url('{"alg":"EdDSA","typ":"JWT"}'),
  base64url('{"iss":"https://issuer.example","jti":"urn:uuid:1"}'),
  Buffer.alloc(64, 7).toString('base64url'),
].join('.');

/** A credential as JSON text, with an embedded proof and non-ASCII text. */
export const SAMPLE_JSON = JSON.stringify({
  '@context': ['https://www.w3.org/ns/credentials/v2'],
  id: 'urn:uuid:2c0a6f1e-5b7e-4c51-9f7e-0f2f0c7a1b11',
  type: ['VerifiableCredential', 'OpenBadgeCredential'],
  name: 'Zusammenarbeit — “Teamwork” ✓',
  proof: { type: 'DataIntegrityProof', proofValue: 'z58DAdFfa9SkqZMVPxAQp' },
});

/** Runs `action` and returns what it threw, so a test can assert on it outside a catch. */
export function thrownBy(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  return undefined;
}

/**
 * The reason `promise` rejects with, or `undefined` when it fulfils.
 *
 * @example
 * expect(await rejectionOf(readCredentialInput(bytes))).toEqual(expect.objectContaining({ code: 'INPUT_TOO_LARGE' }));
 */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  return undefined;
}
