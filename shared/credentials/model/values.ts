/**
 * Value-level predicates shared by the builder's input validation and the rules check.
 * Plain regular expressions, compiled once: these run on every verification.
 */

/**
 * An absolute URI (RFC 3986 / IRI): a scheme, a colon, then no whitespace and none of the
 * characters a URI may never contain. Non-ASCII is allowed (IRIs).
 */
const ABSOLUTE_URI = /^[A-Za-z][A-Za-z0-9+.-]*:[^\s"<>\\^`{|}]+$/;

/** http(s) URLs must also name a host. */
const HTTP_SCHEME = /^https?:/i;
const HTTP_URL = /^https?:\/\/[^/?#@\s]+(?:[/?#]|$)/i;

/**
 * xsd:dateTimeStamp, the lexical form VCDM 2.0 requires for `validFrom` / `validUntil`:
 * a date-time with seconds and a mandatory timezone.
 */
const DATE_TIME_STAMP =
  /^-?([1-9][0-9]{3,}|0[0-9]{3})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T(?:(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\.[0-9]+)?|24:00:00(?:\.0+)?)(?:Z|[+-](?:(?:0[0-9]|1[0-3]):[0-5][0-9]|14:00))$/;

/**
 * Texts that passed {@link isUri}: the contexts, issuer, achievement and status list of one
 * issuer's credentials repeat in every one of them, and a set lookup costs less than the
 * three expressions. Bounded in number and length; only texts that passed are kept.
 */
const KNOWN_URIS = new Set<string>();
const MAX_KNOWN_URIS = 4096;
const MAX_KNOWN_URI_LENGTH = 256;

/**
 * True when `value` is an absolute URI (a URL, DID, URN…).
 *
 * @example
 * isUri('did:example:123'); // true
 * isUri('https ://not-a-url'); // false
 */
export function isUri(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  if (KNOWN_URIS.has(value)) return true;
  if (!ABSOLUTE_URI.test(value) || (HTTP_SCHEME.test(value) && !HTTP_URL.test(value))) return false;
  if (value.length <= MAX_KNOWN_URI_LENGTH) {
    if (KNOWN_URIS.size >= MAX_KNOWN_URIS) KNOWN_URIS.clear();
    KNOWN_URIS.add(value);
  }
  return true;
}

/**
 * True when `value` is an xsd:dateTimeStamp (date-time with a timezone) naming a real day.
 *
 * @example
 * isDateTimeStamp('2026-01-01T00:00:00Z'); // true
 * isDateTimeStamp('2026-01-01T00:00:00'); // false (no timezone)
 */
export function isDateTimeStamp(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const match = DATE_TIME_STAMP.exec(value);
  if (match === null) return false;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  // Date.parse rolls 30 February over into March; the lexical space does not.
  if (day > daysInMonth(year, month)) return false;
  return instantOf(value) !== null;
}

/**
 * Days in `month` (1–12) of `year`, counted without a Date object. Years 0–99 are counted as
 * Date.UTC counts them, as 1900–1999, so that no verdict on a date moves with this shortcut.
 */
function daysInMonth(year: number, month: number): number {
  const y = year < 100 ? 1900 + year : year;
  if (month === 2) return y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/**
 * Milliseconds since the epoch of a date-time string, or null when it names no instant.
 *
 * @example
 * instantOf('1970-01-01T00:00:01Z'); // 1000
 */
export function instantOf(value: string): number | null {
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : ms;
}

/**
 * The values of a JSON-LD set: absent → none, array → itself, anything else → one value.
 *
 * @example
 * valuesOf('Image'); // ['Image']
 */
export function valuesOf(value: unknown): readonly unknown[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/**
 * True for a plain JSON object (not null, not an array).
 *
 * @example
 * isObject({}); // true
 */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * True when a `type` value (a string or an array of strings) includes `name`.
 *
 * @example
 * hasType(['VerifiableCredential', 'OpenBadgeCredential'], 'OpenBadgeCredential'); // true
 */
export function hasType(type: unknown, name: string): boolean {
  return type === name || (Array.isArray(type) && type.includes(name));
}

/**
 * Formats a Date as an RFC 3339 UTC date-time at seconds precision, `Z`-terminated.
 *
 * @example
 * toDateTimeZ(new Date('2026-01-01T10:00:00.123Z')); // '2026-01-01T10:00:00Z'
 */
export function toDateTimeZ(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

/**
 * Appends one step to a JSON pointer, escaping `~` and `/` as RFC 6901 requires.
 *
 * @example
 * pointer('/credentialSubject', 'achievement'); // '/credentialSubject/achievement'
 */
export function pointer(base: string, step: string | number): string {
  const token =
    typeof step === 'number' ? String(step) : step.replace(/~/g, '~0').replace(/\//g, '~1');
  return `${base}/${token}`;
}
