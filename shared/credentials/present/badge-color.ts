/**
 * Badge colours: a caller's `#rgb` / `#rrggbb`, or one of a fixed palette picked from the
 * title so that different badges look different yet the same badge always looks the same;
 * and the text colour (white or near-black) with the better WCAG contrast on it.
 */
import { CredstackError } from '#shared/core/errors.ts';

export interface Rgb {
  readonly r: number;
  readonly g: number;
  readonly b: number;
}

/** Palette for badges without a colour; each carries white text at WCAG AA contrast. */
export const BADGE_PALETTE = [
  '#0b5cad',
  '#1a7f37',
  '#8250df',
  '#b0306e',
  '#9a4d00',
  '#116a7b',
  '#c2261d',
  '#3e4c9c',
] as const;

/** Text colour used on light badges. */
export const DARK_TEXT = '#1f2328';

const HEX_COLOR = /^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i;

/**
 * The badge colour as `#rrggbb` (lower case): the given one, or a palette colour chosen by
 * the title. Throws `BUILD_INVALID` for anything but `#rgb` / `#rrggbb`.
 *
 * @example
 * badgeColor('Data Literacy', '#ABC'); // '#aabbcc'
 */
export function badgeColor(title: string, color?: string): string {
  if (color === undefined) return BADGE_PALETTE[fnv1a(title) % BADGE_PALETTE.length]!;
  if (!HEX_COLOR.test(color)) {
    throw new CredstackError('BUILD_INVALID', 'the badge colour must be #rgb or #rrggbb');
  }
  const hex = color.slice(1).toLowerCase();
  return hex.length === 3 ? `#${[...hex].map((c) => c + c).join('')}` : `#${hex}`;
}

/**
 * Parses `#rrggbb`.
 *
 * @example
 * parseRgb('#ff8000'); // { r: 255, g: 128, b: 0 }
 */
export function parseRgb(hex: string): Rgb {
  const value = Number.parseInt(hex.slice(1), 16);
  return { r: (value >> 16) & 0xff, g: (value >> 8) & 0xff, b: value & 0xff };
}

/**
 * White or {@link DARK_TEXT}, whichever contrasts more with the background colour.
 *
 * @example
 * textColorOn('#ffff00'); // '#1f2328'
 */
export function textColorOn(background: string): string {
  const light = relativeLuminance(parseRgb(background));
  const dark = relativeLuminance(parseRgb(DARK_TEXT));
  const withWhite = 1.05 / (light + 0.05);
  const withDark = (light + 0.05) / (dark + 0.05);
  return withWhite >= withDark ? '#ffffff' : DARK_TEXT;
}

/**
 * WCAG 2 relative luminance of an sRGB colour.
 *
 * @example
 * relativeLuminance({ r: 255, g: 255, b: 255 }); // 1
 */
export function relativeLuminance({ r, g, b }: Rgb): number {
  const linear = (channel: number): number => {
    const c = channel / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
}

// FNV-1a over UTF-16 code units: stable across runs and platforms, unlike object hashing.
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
