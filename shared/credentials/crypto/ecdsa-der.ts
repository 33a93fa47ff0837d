import { CredstackError } from '#shared/core/errors.ts';

/**
 * ECDSA signatures come in two encodings: the ASN.1 DER `SEQUENCE { INTEGER r, INTEGER s }`
 * that X.509 tooling and AWS KMS produce, and the fixed-width `r‖s` that JOSE (RFC 7518
 * §3.4) requires. The parser is strict — exact lengths, minimal integers, no trailing bytes —
 * because a lenient one turns malformed or malleated input into a signature that looks valid.
 */

const SEQUENCE = 0x30;
const INTEGER = 0x02;

function fail(message: string): never {
  throw new CredstackError('SIGNING_FAILED', `ECDSA signature: ${message}`);
}

/** Reads a DER length at `at`; returns the length and the offset just past it. */
function readLength(der: Uint8Array, at: number): { length: number; next: number } {
  const first = der[at];
  if (first === undefined) fail('truncated length');
  if (first < 0x80) return { length: first, next: at + 1 };
  // Signatures up to P-521 need at most one length octet; anything longer is not ours.
  if (first !== 0x81) fail('unsupported DER length form');
  const length = der[at + 1];
  if (length === undefined) fail('truncated length');
  if (length < 0x80) fail('non-minimal DER length');
  return { length, next: at + 2 };
}

function readInteger(
  der: Uint8Array,
  at: number,
  size: number,
  name: string,
): { value: Uint8Array; next: number } {
  if (der[at] !== INTEGER) fail(`${name} is not a DER INTEGER`);
  const { length, next } = readLength(der, at + 1);
  if (length === 0) fail(`${name} is empty`);
  const end = next + length;
  if (end > der.length) fail(`${name} runs past the end of the signature`);
  let content = der.subarray(next, end);
  const lead = content[0]!;
  if (lead & 0x80) fail(`${name} is negative`);
  if (lead === 0x00 && content.length > 1) {
    // A leading zero is only allowed to keep a high bit from reading as a sign bit.
    if ((content[1]! & 0x80) === 0) fail(`${name} has a non-minimal encoding`);
    content = content.subarray(1);
  }
  if (content.length > size) fail(`${name} is longer than ${size} bytes`);
  if (content.every((byte) => byte === 0)) fail(`${name} is zero`);
  const value = new Uint8Array(size);
  value.set(content, size - content.length);
  return { value, next: end };
}

/**
 * Converts an ECDSA DER signature to the JOSE `r‖s` form, each half `size` bytes wide
 * (32 for P-256). Throws `SIGNING_FAILED` for anything that is not a strict DER signature.
 *
 * @example
 * const jose = derToJoseSignature(kmsSignature); // 64 bytes for ES256
 */
export function derToJoseSignature(der: Uint8Array, size = 32): Uint8Array {
  if (!Number.isInteger(size) || size <= 0 || size > 66) fail(`unsupported size ${size}`);
  if (der[0] !== SEQUENCE) fail('not a DER SEQUENCE');
  const { length, next } = readLength(der, 1);
  if (next + length !== der.length) fail('the SEQUENCE length does not match the signature');
  const r = readInteger(der, next, size, 'r');
  const s = readInteger(der, r.next, size, 's');
  if (s.next !== der.length) fail('trailing bytes after s');
  const raw = new Uint8Array(size * 2);
  raw.set(r.value, 0);
  raw.set(s.value, size);
  return raw;
}

/** Where the minimal big-endian integer in `half` starts (its leading zero bytes skipped). */
function integerStart(half: Uint8Array, name: string): number {
  let start = 0;
  while (start < half.length - 1 && half[start] === 0) start += 1;
  if (half[start] === 0) fail(`${name} is zero`);
  return start;
}

/** Writes DER INTEGER `half[start..]` at `at` (a 0x00 first when its high bit is set). */
function writeInteger(der: Uint8Array, at: number, half: Uint8Array, start: number): number {
  const pad = half[start]! & 0x80 ? 1 : 0;
  const length = half.length - start + pad;
  der[at] = INTEGER;
  let next = at + 1;
  if (length >= 0x80) der[next++] = 0x81;
  der[next++] = length;
  if (pad) der[next++] = 0x00;
  der.set(half.subarray(start), next);
  return next + half.length - start;
}

function integerSize(half: Uint8Array, start: number): number {
  const length = half.length - start + (half[start]! & 0x80 ? 1 : 0);
  return 1 + (length >= 0x80 ? 2 : 1) + length;
}

/**
 * Converts a JOSE `r‖s` ECDSA signature to DER. The input length must be even; each half is
 * one integer.
 *
 * @example
 * const der = joseToDerSignature(signature); // for tools that expect X9.62 DER
 */
export function joseToDerSignature(raw: Uint8Array): Uint8Array {
  if (raw.length === 0 || raw.length % 2 !== 0 || raw.length > 132) {
    fail(`a JOSE signature has an even length of at most 132 bytes, not ${raw.length}`);
  }
  // Written straight into one buffer: signature verification converts every ES256 signature,
  // so this runs once per verified credential.
  const size = raw.length / 2;
  const r = raw.subarray(0, size);
  const s = raw.subarray(size);
  const rStart = integerStart(r, 'r');
  const sStart = integerStart(s, 's');
  const bodyLength = integerSize(r, rStart) + integerSize(s, sStart);
  const header = bodyLength >= 0x80 ? 3 : 2;
  const der = new Uint8Array(header + bodyLength);
  der[0] = SEQUENCE;
  if (header === 3) {
    der[1] = 0x81;
    der[2] = bodyLength;
  } else der[1] = bodyLength;
  writeInteger(der, writeInteger(der, header, r, rStart), s, sStart);
  return der;
}
