/**
 * Open Badges 3.0 PNG baking: the credential (JSON text or a compact JWS) travels in one
 * uncompressed iTXt chunk whose keyword is `openbadgecredential`, placed before IEND.
 */
import { crc32, inflateSync } from 'node:zlib';
import { CredstackError } from '#shared/core/errors.ts';
import {
  credentialTextKind,
  DEFAULT_BAKED_TEXT_MAX_BYTES,
  PNG_SIGNATURE,
} from './credential-kind.ts';

// Defined with the credential kinds, which a reader of input sniffing formats loads without
// this module (shared/credentials/verify/input.ts).
export { PNG_SIGNATURE };

/** Largest PNG accepted by default: 10 MiB. */
export const DEFAULT_PNG_MAX_BYTES = 10 * 1024 * 1024;

/** The iTXt keyword that names the baked credential. */
export const PNG_CREDENTIAL_KEYWORD = 'openbadgecredential';

/** Caps for reading a PNG. */
export interface PngLimits {
  /** Largest accepted PNG, in bytes. */
  readonly maxBytes?: number;
  /** Largest accepted credential text, in bytes of UTF-8 (after inflating, if compressed). */
  readonly maxTextBytes?: number;
}

interface Chunk {
  readonly type: string;
  /** Offset of the chunk's length field. */
  readonly start: number;
  /** Offset of the chunk's data. */
  readonly dataStart: number;
  /** Offset just past the chunk's CRC. */
  readonly end: number;
}

const MAX_CHUNK_LENGTH = 0x7fffffff;
const KEYWORD_BYTES = new TextEncoder().encode(PNG_CREDENTIAL_KEYWORD);
// keyword NUL, flag 0, method 0, empty language tag NUL, empty translated keyword NUL.
const ITXT_HEADER = Uint8Array.of(...KEYWORD_BYTES, 0, 0, 0, 0, 0);
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const encoder = new TextEncoder();

/**
 * Bakes a credential into a PNG: checks the PNG, drops any `openbadgecredential` iTXt chunk
 * already there (a PNG carries at most one) and inserts a new uncompressed one before IEND.
 *
 * @example
 * const baked = bakePng(badgePng, compactJws);
 */
export function bakePng(png: Uint8Array, credential: string, limits?: PngLimits): Uint8Array {
  if (credentialTextKind(credential) === undefined) {
    throw new CredstackError(
      'BUILD_INVALID',
      'cannot bake: the credential is neither JSON text nor a compact JWS',
    );
  }
  const maxTextBytes = limits?.maxTextBytes ?? DEFAULT_BAKED_TEXT_MAX_BYTES;
  const text = encoder.encode(credential);
  // Refused here too, or the baked image could not be read back with the same caps.
  if (text.length > maxTextBytes) throw textTooLarge(maxTextBytes);
  const chunks = readChunks(png, limits?.maxBytes ?? DEFAULT_PNG_MAX_BYTES);
  const iend = chunks[chunks.length - 1]!;
  const kept = chunks.filter((chunk) => !isCredentialChunk(png, chunk));
  const itxt = credentialChunk(text);

  const parts: Uint8Array[] = [png.subarray(0, PNG_SIGNATURE.length)];
  for (const chunk of kept) {
    if (chunk === iend) parts.push(itxt);
    parts.push(png.subarray(chunk.start, chunk.end));
  }
  return concat(parts);
}

/**
 * Returns the credential text baked into a PNG (JSON text or a compact JWS), exactly as
 * stored. Throws `INPUT_MALFORMED` with the reason when the PNG is broken or does not carry
 * exactly one `openbadgecredential` iTXt chunk, `INPUT_TOO_LARGE` past the caps.
 *
 * @example
 * const text = extractFromPng(new Uint8Array(await readFile('badge.png')));
 */
export function extractFromPng(png: Uint8Array, limits?: PngLimits): string {
  const maxTextBytes = limits?.maxTextBytes ?? DEFAULT_BAKED_TEXT_MAX_BYTES;
  const chunks = readChunks(png, limits?.maxBytes ?? DEFAULT_PNG_MAX_BYTES);
  const found = chunks.filter((chunk) => isCredentialChunk(png, chunk));
  if (found.length === 0) {
    throw malformed(`the PNG has no iTXt chunk with the keyword "${PNG_CREDENTIAL_KEYWORD}"`);
  }
  if (found.length > 1) {
    throw malformed(
      `the PNG has ${found.length} iTXt chunks with the keyword "${PNG_CREDENTIAL_KEYWORD}"; at most one is allowed`,
    );
  }
  const chunk = found[0]!;
  const data = png.subarray(chunk.dataStart, chunk.end - 4);
  const text = decodeText(itxtText(data, maxTextBytes), maxTextBytes);
  if (text.trim() === '') throw malformed('the openbadgecredential iTXt chunk is empty');
  return text;
}

/** Splits a PNG into chunks, checking the signature, lengths, CRCs and chunk order. */
function readChunks(png: Uint8Array, maxBytes: number): Chunk[] {
  if (png.length > maxBytes) {
    throw new CredstackError(
      'INPUT_TOO_LARGE',
      `the PNG is ${png.length} bytes, larger than the limit of ${maxBytes}`,
    );
  }
  if (png.length < PNG_SIGNATURE.length || PNG_SIGNATURE.some((byte, i) => png[i] !== byte)) {
    throw malformed('not a PNG: the 8-byte PNG signature is missing');
  }
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const chunks: Chunk[] = [];
  let offset = PNG_SIGNATURE.length;
  let sawIdat = false;
  while (offset < png.length) {
    if (png.length - offset < 12) {
      throw malformed(`truncated PNG: ${png.length - offset} stray bytes at offset ${offset}`);
    }
    const length = view.getUint32(offset);
    if (length > MAX_CHUNK_LENGTH) {
      throw malformed(`PNG chunk at offset ${offset} declares a length above 2^31-1`);
    }
    const type = chunkType(png, offset + 4);
    if (type === undefined) throw malformed(`PNG chunk at offset ${offset} has an invalid type`);
    const dataStart = offset + 8;
    const end = dataStart + length + 4;
    if (end > png.length) {
      throw malformed(`truncated PNG: the ${type} chunk at offset ${offset} runs past the end`);
    }
    const expected = crc32(png.subarray(offset + 4, end - 4));
    if (view.getUint32(end - 4) !== expected) {
      throw malformed(`PNG CRC mismatch in the ${type} chunk at offset ${offset}`);
    }
    if (chunks.length === 0 && (type !== 'IHDR' || length !== 13)) {
      throw malformed('PNG does not start with a 13-byte IHDR chunk');
    }
    if (chunks.length > 0 && type === 'IHDR') throw malformed('PNG has a second IHDR chunk');
    if (type === 'IDAT') sawIdat = true;
    chunks.push({ type, start: offset, dataStart, end });
    offset = end;
    if (type === 'IEND') {
      if (offset !== png.length) {
        throw malformed(`PNG has ${png.length - offset} bytes after the IEND chunk`);
      }
      if (!sawIdat) throw malformed('PNG has no IDAT chunk');
      return chunks;
    }
  }
  throw malformed('truncated PNG: no IEND chunk');
}

/** The 4-letter chunk type, or undefined when a byte is not an ASCII letter. */
function chunkType(png: Uint8Array, at: number): string | undefined {
  let type = '';
  for (let i = at; i < at + 4; i++) {
    const byte = png[i]!;
    const letter = (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a);
    if (!letter) return undefined;
    type += String.fromCharCode(byte);
  }
  return type;
}

/** True for an iTXt chunk whose keyword is `openbadgecredential`. */
function isCredentialChunk(png: Uint8Array, chunk: Chunk): boolean {
  if (chunk.type !== 'iTXt') return false;
  const dataLength = chunk.end - 4 - chunk.dataStart;
  if (dataLength <= KEYWORD_BYTES.length) return false;
  for (let i = 0; i < KEYWORD_BYTES.length; i++) {
    if (png[chunk.dataStart + i] !== KEYWORD_BYTES[i]) return false;
  }
  return png[chunk.dataStart + KEYWORD_BYTES.length] === 0;
}

/**
 * The text field of an `openbadgecredential` iTXt chunk's data (keyword, NUL, compression
 * flag, compression method, language tag, NUL, translated keyword, NUL, text).
 */
function itxtText(data: Uint8Array, maxTextBytes: number): Uint8Array {
  let at = KEYWORD_BYTES.length + 1;
  if (data.length < at + 2) {
    throw malformed('the openbadgecredential iTXt chunk ends before its compression fields');
  }
  const flag = data[at]!;
  const method = data[at + 1]!;
  at += 2;
  for (const field of ['language tag', 'translated keyword']) {
    const nul = data.indexOf(0, at);
    if (nul < 0) throw malformed(`the openbadgecredential iTXt chunk has no end to its ${field}`);
    at = nul + 1;
  }
  const text = data.subarray(at);
  if (flag === 0) {
    if (text.length > maxTextBytes) throw textTooLarge(maxTextBytes);
    return text;
  }
  if (flag !== 1)
    throw malformed(`the openbadgecredential iTXt chunk has compression flag ${flag}`);
  if (method !== 0) {
    throw malformed(`the openbadgecredential iTXt chunk has compression method ${method}`);
  }
  // Not conformant (OB 3.0 asks for an uncompressed chunk) but seen in the wild.
  try {
    return inflateSync(text, { maxOutputLength: maxTextBytes });
  } catch (error) {
    if (error instanceof RangeError) throw textTooLarge(maxTextBytes);
    throw malformed('the compressed openbadgecredential iTXt text does not inflate', error);
  }
}

function decodeText(bytes: Uint8Array, maxTextBytes: number): string {
  if (bytes.length > maxTextBytes) throw textTooLarge(maxTextBytes);
  try {
    return utf8.decode(bytes);
  } catch (error) {
    throw malformed('the openbadgecredential iTXt text is not valid UTF-8', error);
  }
}

/** A complete iTXt chunk (length, type, data, CRC) carrying `text` uncompressed. */
function credentialChunk(text: Uint8Array): Uint8Array {
  const header = ITXT_HEADER;
  const dataLength = header.length + text.length;
  if (dataLength > MAX_CHUNK_LENGTH) {
    throw new CredstackError('INPUT_TOO_LARGE', 'the credential is too large for a PNG chunk');
  }
  const chunk = new Uint8Array(12 + dataLength);
  const view = new DataView(chunk.buffer);
  view.setUint32(0, dataLength);
  chunk.set(encoder.encode('iTXt'), 4);
  chunk.set(header, 8);
  chunk.set(text, 8 + header.length);
  view.setUint32(8 + dataLength, crc32(chunk.subarray(4, 8 + dataLength)));
  return chunk;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

function malformed(reason: string, cause?: unknown): CredstackError {
  return new CredstackError('INPUT_MALFORMED', reason, cause === undefined ? {} : { cause });
}

function textTooLarge(maxTextBytes: number): CredstackError {
  return new CredstackError(
    'INPUT_TOO_LARGE',
    `the baked credential text is larger than the limit of ${maxTextBytes} bytes`,
  );
}
