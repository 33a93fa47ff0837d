import { CredstackError } from './errors.ts';

/** Largest JSON text accepted by default: 1 MiB of UTF-8. */
export const DEFAULT_JSON_MAX_BYTES = 1024 * 1024;

/** Deepest nesting of arrays and objects accepted by default. */
export const DEFAULT_JSON_MAX_DEPTH = 64;

/** Caps for {@link parseJsonSafely}. */
export interface JsonLimits {
  /** Largest accepted size, in bytes of UTF-8. */
  readonly maxBytes?: number;
  /** Deepest accepted nesting of `[` and `{`; a scalar has depth 0, `[]` depth 1. */
  readonly maxDepth?: number;
}

const OPEN_BRACKET = 0x5b; // [
const CLOSE_BRACKET = 0x5d; // ]
const OPEN_BRACE = 0x7b; // {
const CLOSE_BRACE = 0x7d; // }
const QUOTE = 0x22; // "
const BACKSLASH = 0x5c; // \
const BOM = 0xfeff;

/**
 * Parses untrusted JSON text with size and nesting caps checked before `JSON.parse` runs,
 * so a hostile input (megabytes of text, or `[[[[…` thousands deep) is refused quickly and
 * never reaches code that recurses over the parsed value.
 *
 * @example
 * const credential = parseJsonSafely(text, { maxDepth: 32 }) as Record<string, unknown>;
 */
export function parseJsonSafely(text: string, limits?: JsonLimits): unknown {
  const maxBytes = limits?.maxBytes ?? DEFAULT_JSON_MAX_BYTES;
  const maxDepth = limits?.maxDepth ?? DEFAULT_JSON_MAX_DEPTH;

  // UTF-8 never takes fewer bytes than UTF-16 code units, so the length alone can refuse
  // a huge string without encoding it; nor more than three per code unit, so a text of a
  // third of the limit or less is accepted without counting its bytes.
  if (
    text.length > maxBytes ||
    (text.length * 3 > maxBytes && Buffer.byteLength(text, 'utf8') > maxBytes)
  ) {
    throw new CredstackError(
      'INPUT_TOO_LARGE',
      `JSON input is larger than the limit of ${maxBytes} bytes`,
    );
  }

  // RFC 8259 lets a parser ignore a byte order mark; JSON.parse does not.
  const body = text.charCodeAt(0) === BOM ? text.slice(1) : text;
  const depth = openingsAtMost(body, maxDepth) ? 0 : deepestNesting(body, maxDepth);
  if (depth > maxDepth) {
    throw new CredstackError(
      'INPUT_TOO_DEEP',
      `JSON input nests arrays/objects deeper than the limit of ${maxDepth}`,
    );
  }

  try {
    return JSON.parse(body);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new CredstackError('INPUT_MALFORMED', `JSON input is malformed: ${detail}`, {
      cause: error,
    });
  }
}

/**
 * Deepest nesting of `[`/`{` in `text`, ignoring brackets inside strings. Stops counting as
 * soon as `stopAbove` is exceeded. It does not validate the JSON: JSON.parse does that next.
 */
/**
 * True when the text has at most `limit` opening brackets in all (strings included): then it
 * cannot nest deeper than `limit`, and the character-by-character scan is not needed. Counting
 * with indexOf runs in native code, so typical small documents are cleared in a few steps.
 */
function openingsAtMost(text: string, limit: number): boolean {
  let count = 0;
  for (const bracket of ['{', '[']) {
    let at = text.indexOf(bracket);
    while (at !== -1) {
      count += 1;
      if (count > limit) return false;
      at = text.indexOf(bracket, at + 1);
    }
  }
  return true;
}

function deepestNesting(text: string, stopAbove: number): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  const length = text.length;
  for (let i = 0; i < length; i++) {
    const code = text.charCodeAt(i);
    if (inString) {
      if (code === BACKSLASH) i++;
      else if (code === QUOTE) inString = false;
      continue;
    }
    if (code === QUOTE) {
      inString = true;
    } else if (code === OPEN_BRACKET || code === OPEN_BRACE) {
      depth++;
      if (depth > deepest) {
        deepest = depth;
        if (deepest > stopAbove) return deepest;
      }
    } else if (code === CLOSE_BRACKET || code === CLOSE_BRACE) {
      depth--;
    }
  }
  return deepest;
}
