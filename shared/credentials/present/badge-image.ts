/**
 * Badge graphics drawn in code, to be baked (bakeSvg / bakePng): an accessible SVG with the
 * title and issuer, and a small RGBA PNG of the same coloured medal without text. Both are
 * deterministic: the same input gives the same bytes.
 */
import { CredstackError } from '#shared/core/errors.ts';
import { badgeColor, parseRgb, type Rgb, textColorOn } from './badge-color.ts';
import { encodeRgbaPng } from './png-encoder.ts';

export interface BadgeSvgInput {
  readonly title: string;
  readonly issuerName: string;
  /** `#rgb` or `#rrggbb`; a palette colour chosen by the title when absent. */
  readonly color?: string;
}

export interface BadgePngInput {
  readonly title: string;
  readonly color?: string;
}

/** Side of the PNG badge, in pixels. */
export const BADGE_PNG_SIZE = 256;

/** Most characters per title line, and most lines, in the SVG. */
export const TITLE_LINE_CHARS = 16;
export const TITLE_MAX_LINES = 3;
const ISSUER_LINE_CHARS = 24;

/** Longest title or issuer name accepted, in characters. */
export const MAX_LABEL_LENGTH = 1000;

const XML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

// Characters XML 1.0 does not allow (controls other than tab/LF/CR, lone surrogates,
// U+FFFE/U+FFFF): the SVG must stay well-formed whatever the title holds.
const NOT_XML_CHAR =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Escapes text for XML content and quoted attribute values.
 *
 * @example
 * escapeXml('R&D <"1">'); // 'R&amp;D &lt;&quot;1&quot;&gt;'
 */
export function escapeXml(text: string): string {
  return text.replace(NOT_XML_CHAR, '\uFFFD').replace(/[&<>"']/g, (c) => XML_ESCAPES[c]!);
}

/**
 * Splits a title into at most `maxLines` lines of at most `lineChars` characters (code
 * points), breaking at spaces, cutting longer words, and ending with "…" when cut short.
 *
 * @example
 * wrapTitle('Advanced Data Analysis with Python', 16, 3); // ['Advanced Data', 'Analysis with', 'Python']
 */
export function wrapTitle(title: string, lineChars: number, maxLines: number): string[] {
  const lines: string[] = [];
  let current: string[] = [];
  for (const word of title.trim().split(/\s+/)) {
    let chars = Array.from(word);
    while (chars.length > lineChars) {
      if (current.length > 0) lines.push(current.join(''));
      lines.push(chars.slice(0, lineChars).join(''));
      chars = chars.slice(lineChars);
      current = [];
    }
    if (chars.length === 0) continue;
    if (current.length === 0) current = chars;
    else if (current.length + 1 + chars.length <= lineChars) current.push(' ', ...chars);
    else {
      lines.push(current.join(''));
      current = chars;
    }
  }
  if (current.length > 0) lines.push(current.join(''));
  if (lines.length <= maxLines) return lines;
  const last = Array.from(lines[maxLines - 1]!).slice(0, lineChars - 1);
  return [...lines.slice(0, maxLines - 1), `${last.join('').trimEnd()}…`];
}

/**
 * An accessible SVG badge (300×300 viewBox): a medal in the badge colour with the title
 * wrapped to at most three lines and the issuer's name; `role="img"`, an `aria-label`
 * and a `<title>`. All text is XML-escaped.
 *
 * @example
 * const svg = bakeSvg(badgeSvg({ title: 'Data Literacy', issuerName: 'Example Academy' }), jws);
 */
export function badgeSvg(input: BadgeSvgInput): string {
  const title = label(input.title, 'title');
  const issuer = label(input.issuerName, 'issuerName');
  const color = badgeColor(title, input.color);
  const ink = textColorOn(color);
  const lines = wrapTitle(title, TITLE_LINE_CHARS, TITLE_MAX_LINES);
  const firstBaseline = 140 - (lines.length - 1) * 16 + 9;
  const tspans = lines
    .map((line, i) => `<tspan x="150" y="${firstBaseline + i * 32}">${escapeXml(line)}</tspan>`)
    .join('');
  const issuerLine = wrapTitle(issuer, ISSUER_LINE_CHARS, 1)[0] ?? '';
  const name = escapeXml(`${title}, issued by ${issuer}`);

  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 300 300" width="300" height="300" role="img" aria-label="${name}">`,
    `<title>${name}</title>`,
    `<circle cx="150" cy="150" r="146" fill="${shade(color, 0.8)}"/>`,
    `<circle cx="150" cy="150" r="138" fill="${color}"/>`,
    `<circle cx="150" cy="150" r="124" fill="none" stroke="${ink}" stroke-opacity="0.55" stroke-width="3"/>`,
    `<text text-anchor="middle" font-family="system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif" font-size="26" font-weight="700" fill="${ink}">${tspans}</text>`,
    `<text x="150" y="226" text-anchor="middle" font-family="system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif" font-size="15" fill="${ink}">${escapeXml(issuerLine)}</text>`,
    '</svg>',
    '',
  ].join('\n');
}

/**
 * A 256×256 RGBA PNG badge: an anti-aliased medal in the badge colour with a star, and the
 * title in an iTXt `Title` chunk. No text is drawn.
 *
 * @example
 * const png = bakePng(badgePng({ title: 'Data Literacy' }), jws);
 */
export function badgePng(input: BadgePngInput): Uint8Array {
  const title = label(input.title, 'title');
  const color = badgeColor(title, input.color);
  const rgba = medalPixels(color);
  return encodeRgbaPng({ width: BADGE_PNG_SIZE, height: BADGE_PNG_SIZE, rgba }, [
    { keyword: 'Title', text: title },
  ]);
}

function label(value: string, name: string): string {
  const text = typeof value === 'string' ? value.replace(/\s+/g, ' ').trim() : '';
  if (text === '' || text.length > MAX_LABEL_LENGTH) {
    throw new CredstackError(
      'BUILD_INVALID',
      `the badge ${name} must be a non-empty string of at most ${MAX_LABEL_LENGTH} characters`,
    );
  }
  return text.replace(NOT_XML_CHAR, '\uFFFD');
}

function shade(hex: string, factor: number): string {
  const { r, g, b } = parseRgb(hex);
  const channel = (c: number) =>
    Math.round(c * factor)
      .toString(16)
      .padStart(2, '0');
  return `#${channel(r)}${channel(g)}${channel(b)}`;
}

// Drawing takes tens of milliseconds and depends only on the colour, of which few are used.
const MAX_CACHED_MEDALS = 32;
const medals = new Map<string, Uint8Array>();

function medalPixels(color: string): Uint8Array {
  let pixels = medals.get(color);
  if (pixels === undefined) {
    pixels = drawMedal(parseRgb(color), parseRgb(textColorOn(color)));
    if (medals.size >= MAX_CACHED_MEDALS) medals.delete(medals.keys().next().value!);
    medals.set(color, pixels);
  }
  return pixels;
}

// 3×3 samples per pixel: enough anti-aliasing for a 256-pixel medal, quick to draw.
const SAMPLES = 3;
const STAR = starPolygon(BADGE_PNG_SIZE / 2, BADGE_PNG_SIZE / 2, 58, 24);

function drawMedal(base: Rgb, ink: Rgb): Uint8Array {
  const size = BADGE_PNG_SIZE;
  const center = size / 2;
  const rim = { r: base.r * 0.8, g: base.g * 0.8, b: base.b * 0.8 };
  const ring = mix(base, ink, 0.55);
  const out = new Uint8Array(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let covered = 0;
      for (let sy = 0; sy < SAMPLES; sy++) {
        for (let sx = 0; sx < SAMPLES; sx++) {
          const px = x + (sx + 0.5) / SAMPLES;
          const py = y + (sy + 0.5) / SAMPLES;
          const d = Math.hypot(px - center, py - center);
          if (d > 124) continue;
          let c = base;
          if (d > 118) c = rim;
          else if (d > 104 && d <= 108) c = ring;
          else if (d < 62 && inPolygon(STAR, px, py)) c = ink;
          r += c.r;
          g += c.g;
          b += c.b;
          covered++;
        }
      }
      if (covered === 0) continue;
      const i = (y * size + x) * 4;
      out[i] = Math.round(r / covered);
      out[i + 1] = Math.round(g / covered);
      out[i + 2] = Math.round(b / covered);
      out[i + 3] = Math.round((covered * 255) / (SAMPLES * SAMPLES));
    }
  }
  return out;
}

function mix(a: Rgb, b: Rgb, t: number): Rgb {
  return { r: a.r + (b.r - a.r) * t, g: a.g + (b.g - a.g) * t, b: a.b + (b.b - a.b) * t };
}

function starPolygon(cx: number, cy: number, outer: number, inner: number): number[] {
  const points: number[] = [];
  for (let k = 0; k < 10; k++) {
    const radius = k % 2 === 0 ? outer : inner;
    const angle = -Math.PI / 2 + (k * Math.PI) / 5;
    points.push(cx + radius * Math.cos(angle), cy + radius * Math.sin(angle));
  }
  return points;
}

// Even-odd ray casting over a flat [x0, y0, x1, y1, …] polygon.
function inPolygon(points: readonly number[], x: number, y: number): boolean {
  let inside = false;
  const n = points.length / 2;
  for (let i = 0, j = n - 1; i < n; j = i++) {
    const xi = points[2 * i]!;
    const yi = points[2 * i + 1]!;
    const xj = points[2 * j]!;
    const yj = points[2 * j + 1]!;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}
