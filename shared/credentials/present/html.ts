/**
 * Safe HTML building for pages that show untrusted credential data. Everything interpolated
 * into an `html` template is escaped unless it is already a {@link SafeHtml}, so a forgotten
 * escape call cannot open an injection; URLs go through an allow-list before they reach an
 * attribute.
 */

/**
 * A fragment of markup that is already safe to emit as is.
 *
 * @example
 * const fragment: SafeHtml = html`<p>${name}</p>`;
 */
export class SafeHtml {
  readonly value: string;

  constructor(value: string) {
    this.value = value;
  }

  toString(): string {
    return this.value;
  }
}

/** What an `html` template accepts between `${…}`. */
export type HtmlValue =
  | SafeHtml
  | string
  | number
  | boolean
  | null
  | undefined
  | readonly HtmlValue[];

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
};

// C0/C1 controls (except tab, LF, CR), lone surrogates and noncharacters are not allowed in
// HTML text; replacing them keeps the page well-formed whatever the credential holds.
const FORBIDDEN_CHARACTERS =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFDD0-\uFDEF\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Escapes text for HTML element content and double- or single-quoted attribute values.
 *
 * @example
 * escapeHtml('<b title="x">'); // '&lt;b title=&quot;x&quot;&gt;'
 */
export function escapeHtml(text: string): string {
  return text.replace(FORBIDDEN_CHARACTERS, '\uFFFD').replace(/[&<>"'`]/g, (c) => ESCAPES[c]!);
}

/**
 * Marks trusted markup as safe. Only for strings built by this code, never credential data.
 *
 * @example
 * const rule = raw('<hr>');
 */
export function raw(markup: string): SafeHtml {
  return new SafeHtml(markup);
}

function render(value: HtmlValue): string {
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  if (value === null || value === undefined || value === false || value === true) return '';
  return escapeHtml(String(value));
}

/**
 * Tagged template that escapes every interpolated value (arrays are joined, `null`,
 * `undefined` and booleans render as nothing, {@link SafeHtml} is kept as is).
 *
 * @example
 * html`<p>${credential.name}</p>`; // the name is escaped
 */
export function html(strings: TemplateStringsArray, ...values: readonly HtmlValue[]): SafeHtml {
  let out = strings[0] ?? '';
  for (let i = 0; i < values.length; i++) {
    out += render(values[i]) + (strings[i + 1] ?? '');
  }
  return new SafeHtml(out);
}

/** Longest URL emitted into a page; anything longer is dropped rather than truncated. */
export const MAX_URL_LENGTH = 4096;

/** Longest data: image URL emitted into a page (about 1.5 MB of image). */
export const MAX_DATA_IMAGE_LENGTH = 2 * 1024 * 1024;

const DATA_IMAGE = /^data:image\/(?:png|jpeg|gif|webp|avif|svg\+xml)(?:;[A-Za-z0-9=.+-]+)*,/i;

/**
 * The URL, normalised, when it is an absolute http(s) URL with a host; otherwise undefined.
 * Other schemes (`javascript:`, `data:`, `vbscript:`…) never reach an attribute.
 *
 * @example
 * httpUrl('https://example.org/a b'); // 'https://example.org/a%20b'
 * httpUrl('javascript:alert(1)'); // undefined
 */
export function httpUrl(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length > MAX_URL_LENGTH) return undefined;
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return undefined;
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '') {
    return undefined;
  }
  // Credentials in a link would be shown to, and sent by, whoever clicks it.
  if (url.username !== '' || url.password !== '') return undefined;
  return url.href;
}

/**
 * An image source a page may show: an http(s) URL or a `data:image/…` URL of a common
 * raster or SVG type (an `<img>` never runs scripts in an SVG). Anything else: undefined.
 *
 * @example
 * imageUrl('data:image/png;base64,iVBORw0KGgo='); // kept
 * imageUrl('javascript:alert(1)'); // undefined
 */
export function imageUrl(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (DATA_IMAGE.test(text)) {
    if (text.length > MAX_DATA_IMAGE_LENGTH || /[\s"'<>\\`]/.test(text)) return undefined;
    return text;
  }
  return httpUrl(text);
}

/**
 * A link to one of the service's own resources: a root-relative path (not `//host`) or an
 * absolute http(s) URL; otherwise undefined.
 *
 * @example
 * serviceLink('/credentials/123.json'); // '/credentials/123.json'
 * serviceLink('//evil.example/x'); // undefined
 */
export function serviceLink(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length > MAX_URL_LENGTH) return undefined;
  if (/^\/(?![/\\])[^\s"'<>\\`]*$/.test(value)) return value;
  return httpUrl(value);
}
