import { gunzipSync, gzipSync } from 'node:zlib';
import { CredstackError } from '#shared/core/errors.ts';

/**
 * The bitstring of W3C Bitstring Status List v1.0: bit 0 is the left-most (most
 * significant) bit of the first byte; the list is published GZIP-compressed and encoded as
 * multibase base64url without padding (prefix `u`).
 */

/** Smallest list the specification allows: 16 KiB, 131,072 entries, for herd privacy. */
export const MIN_BITSTRING_BITS = 131_072;

/** Largest inflated list accepted by default: 16 MiB (134 million entries). */
export const DEFAULT_MAX_BITSTRING_BYTES = 16 * 1024 * 1024;

function invalid(message: string, cause?: unknown): CredstackError {
  return new CredstackError('STATUS_LIST_INVALID', message, cause ? { cause } : undefined);
}

/**
 * A zeroed bitstring of `length` bits (rounded up to whole bytes).
 *
 * @example
 * const bits = createBitstring(); // 131,072 bits, all 0
 */
export function createBitstring(length: number = MIN_BITSTRING_BITS): Uint8Array {
  if (!Number.isSafeInteger(length) || length <= 0)
    throw invalid(`a bitstring length must be a positive integer, not ${length}`);
  return new Uint8Array(Math.ceil(length / 8));
}

function checkIndex(bits: Uint8Array, index: number): void {
  if (!Number.isSafeInteger(index) || index < 0 || index >= bits.length * 8)
    throw invalid(`index ${index} is outside the status list of ${bits.length * 8} entries`);
}

/**
 * Sets (or clears) the bit at `index`.
 *
 * @example
 * setBit(bits, 23); // revoke the credential at index 23
 */
export function setBit(bits: Uint8Array, index: number, value = true): void {
  checkIndex(bits, index);
  const mask = 0x80 >>> (index % 8);
  const at = index >>> 3;
  bits[at] = value ? (bits[at] ?? 0) | mask : (bits[at] ?? 0) & ~mask;
}

/**
 * Reads the bit at `index`.
 *
 * @example
 * if (getBit(bits, 23)) console.log('revoked');
 */
export function getBit(bits: Uint8Array, index: number): boolean {
  checkIndex(bits, index);
  return ((bits[index >>> 3] ?? 0) & (0x80 >>> (index % 8))) !== 0;
}

/**
 * Reads the status value of entry `index` when every entry is `statusSize` bits wide
 * (entry i starts at bit i × statusSize; its first bit is the most significant).
 *
 * @example
 * const value = readStatus(bits, 5, 2); // 0..3
 */
export function readStatus(bits: Uint8Array, index: number, statusSize = 1): number {
  if (!Number.isSafeInteger(statusSize) || statusSize < 1 || statusSize > 8)
    throw invalid(`statusSize must be an integer from 1 to 8, not ${statusSize}`);
  if (!Number.isSafeInteger(index) || index < 0)
    throw invalid(`status index ${index} is not a non-negative integer`);
  const first = index * statusSize;
  if (first + statusSize > bits.length * 8)
    throw invalid(
      `index ${index} is outside the status list of ${Math.floor((bits.length * 8) / statusSize)} entries`,
    );
  let value = 0;
  for (let bit = 0; bit < statusSize; bit++)
    value = (value << 1) | (getBit(bits, first + bit) ? 1 : 0);
  return value;
}

/**
 * GZIP-compresses the bitstring and encodes it as the `encodedList` of a status list
 * credential: multibase base64url without padding, prefix `u`.
 *
 * @example
 * const encodedList = encodeBitstring(bits); // 'uH4sIAAAAAAAA…'
 */
export function encodeBitstring(bits: Uint8Array): string {
  return `u${gzipSync(bits).toString('base64url')}`;
}

export interface DecodeBitstringOptions {
  /** Largest inflated size accepted, in bytes (default 16 MiB): a gzip bomb stops here. */
  readonly maxBytes?: number;
}

const BASE64URL = /^[A-Za-z0-9_-]*={0,2}$/u;

/**
 * Decodes an `encodedList` back to the bitstring. The inflated size is capped while
 * inflating, so a few kilobytes that would expand to gigabytes are refused cheaply.
 * A list without the `u` prefix is accepted when it is plain base64url GZIP (`H4sI…`), the
 * form of the earlier StatusList2021.
 *
 * @example
 * const bits = decodeBitstring(subject.encodedList, { maxBytes: 4 * 1024 * 1024 });
 */
export function decodeBitstring(encoded: string, options: DecodeBitstringOptions = {}): Uint8Array {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BITSTRING_BYTES;
  if (typeof encoded !== 'string' || encoded.length === 0)
    throw invalid('the encoded status list is empty or not a string');
  let body: string;
  if (encoded.startsWith('u')) body = encoded.slice(1);
  else if (encoded.startsWith('H4sI')) body = encoded;
  else
    throw invalid(
      'the encoded status list is not multibase base64url: it must start with "u" (GZIP data then begins "H4sI")',
    );
  if (!BASE64URL.test(body))
    throw invalid('the encoded status list contains characters outside base64url');
  // Compressed data is never much larger than its input; a huge string is refused unread.
  if (body.length > Math.ceil((maxBytes * 4) / 3) + 1024)
    throw invalid(`the encoded status list is larger than the limit of ${maxBytes} bytes`);
  const compressed = Buffer.from(body.replace(/=+$/u, ''), 'base64url');
  let inflated: Buffer;
  try {
    inflated = gunzipSync(compressed, { maxOutputLength: maxBytes });
  } catch (error) {
    if (error instanceof RangeError || (error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE')
      throw invalid(`the status list inflates to more than the limit of ${maxBytes} bytes`, error);
    throw invalid('the status list is not valid GZIP data', error);
  }
  if (inflated.length === 0) throw invalid('the status list inflates to an empty bitstring');
  return new Uint8Array(inflated.buffer, inflated.byteOffset, inflated.length);
}
