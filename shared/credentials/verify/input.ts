/**
 * Reading what a person hands the verifier: a credential file or upload whose format is
 * decided by its content, never by its name (a `.1ob` file is JSON or a JWT inside).
 */

import { CredstackError } from '#shared/core/errors.ts';
import { onFirstNeed } from '#shared/core/first-need.ts';
import {
  credentialTextKind,
  isCompactJws,
  PNG_SIGNATURE,
} from '#shared/credentials/bake/credential-kind.ts';

export { isCompactJws };

// The readers of baked images load on the first image: most inputs are JSON or a VC-JWT, and
// in a Lambda bundle the readers (the SVG scanner above all) are then chunks that a cold
// start does not parse. One that cannot load is a `PART_UNAVAILABLE` error, never a verdict.
const pngReader = onFirstNeed(
  'the PNG credential reader',
  () => import('#shared/credentials/bake/png.ts'),
);
const svgReader = onFirstNeed(
  'the SVG credential reader',
  () => import('#shared/credentials/bake/svg.ts'),
);

/** The input as read: its format and the credential text (extracted, for images). */
export type CredentialInput = {
  format: 'json' | 'jwt' | 'png' | 'svg';
  text: string;
  /** For png/svg: whether the baked text is JSON (embedded proof) or a compact JWS. */
  embedded?: 'json' | 'jwt';
};

/** Largest input accepted by default: 10 MiB (baked images are the large ones). */
export const DEFAULT_INPUT_MAX_BYTES = 10 * 1024 * 1024;

/** Options for {@link readCredentialInput}. */
export interface ReadInputOptions {
  readonly maxBytes?: number;
  /** The file name, used only to make messages clearer. */
  readonly filename?: string;
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Detects the format of a credential input by its content and returns the credential text:
 * a PNG or SVG is unbaked, JSON and JWT text are returned trimmed of a BOM and whitespace.
 * Rejects with `PART_UNAVAILABLE` when the reader of an image could not be loaded.
 *
 * @example
 * const input = await readCredentialInput(new Uint8Array(await readFile('badge.png')));
 * // { format: 'png', embedded: 'jwt', text: 'eyJhbGciOi…' }
 */
export async function readCredentialInput(
  bytes: Uint8Array,
  options?: ReadInputOptions,
): Promise<CredentialInput> {
  const maxBytes = options?.maxBytes ?? DEFAULT_INPUT_MAX_BYTES;
  const where = options?.filename === undefined ? 'the input' : options.filename;
  if (bytes.length > maxBytes) {
    throw new CredstackError(
      'INPUT_TOO_LARGE',
      `${where} is ${bytes.length} bytes, larger than the limit of ${maxBytes}`,
    );
  }
  if (startsWith(bytes, PNG_SIGNATURE)) {
    const { extractFromPng } = await pngReader();
    const text = extractFromPng(bytes, { maxBytes });
    return { format: 'png', text, embedded: embeddedKind(text, `${where} (PNG)`) };
  }
  if (startsWith(bytes, UTF16_LE_BOM) || startsWith(bytes, UTF16_BE_BOM)) {
    throw new CredstackError('UNSUPPORTED_FORMAT', `${where} is UTF-16 text; use UTF-8`);
  }

  const first = firstSignificantByte(bytes);
  const decoded = decodeUtf8(bytes, where, first === LT || first === OPEN_BRACE);
  const text = decoded.trim();
  if (text.startsWith('<')) {
    const { extractFromSvg } = await svgReader();
    const baked = extractFromSvg(text, { maxBytes });
    return { format: 'svg', text: baked, embedded: embeddedKind(baked, `${where} (SVG)`) };
  }
  if (text.startsWith('{')) return { format: 'json', text };
  if (isCompactJws(text)) return { format: 'jwt', text };
  throw new CredstackError(
    'UNSUPPORTED_FORMAT',
    `${where} is not a PNG, an SVG, JSON or a compact JWS`,
  );
}

const UTF8_BOM = Uint8Array.of(0xef, 0xbb, 0xbf);
const UTF16_LE_BOM = Uint8Array.of(0xff, 0xfe);
const UTF16_BE_BOM = Uint8Array.of(0xfe, 0xff);
const LT = 0x3c;
const OPEN_BRACE = 0x7b;

function embeddedKind(text: string, where: string): 'json' | 'jwt' {
  const kind = credentialTextKind(text);
  if (kind === undefined) {
    throw new CredstackError(
      'UNSUPPORTED_FORMAT',
      `the credential baked into ${where} is neither JSON nor a compact JWS`,
    );
  }
  return kind;
}

/**
 * Decodes UTF-8 text without its BOM. Bad UTF-8 in what looks like JSON or SVG is a broken
 * credential; in anything else it means a binary format this service does not read.
 */
function decodeUtf8(bytes: Uint8Array, where: string, looksLikeText: boolean): string {
  const body = startsWith(bytes, UTF8_BOM) ? bytes.subarray(UTF8_BOM.length) : bytes;
  try {
    return utf8.decode(body);
  } catch (error) {
    throw new CredstackError(
      looksLikeText ? 'INPUT_MALFORMED' : 'UNSUPPORTED_FORMAT',
      looksLikeText
        ? `${where} is not valid UTF-8`
        : `${where} is neither a PNG nor UTF-8 text (SVG, JSON or a compact JWS)`,
      { cause: error },
    );
  }
}

/** The first byte after an optional UTF-8 BOM and ASCII whitespace, or -1. */
function firstSignificantByte(bytes: Uint8Array): number {
  let at = startsWith(bytes, UTF8_BOM) ? UTF8_BOM.length : 0;
  while (at < bytes.length) {
    const byte = bytes[at]!;
    if (byte !== 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d) return byte;
    at++;
  }
  return -1;
}

function startsWith(bytes: Uint8Array, prefix: Readonly<Uint8Array>): boolean {
  if (bytes.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (bytes[i] !== prefix[i]) return false;
  return true;
}
