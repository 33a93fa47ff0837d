/**
 * Human-readable UTC dates for public pages. Written out by hand rather than with Intl so
 * that the text does not change with the runtime's ICU data or locale.
 */

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
] as const;

/**
 * Formats a date-time string as e.g. `5 March 2026, 14:07 UTC`; undefined when the string
 * names no instant.
 *
 * @example
 * formatUtcDate('2026-03-05T15:07:00+01:00'); // '5 March 2026, 14:07 UTC'
 */
export function formatUtcDate(value: string): string | undefined {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) return undefined;
  const date = new Date(ms);
  const hours = String(date.getUTCHours()).padStart(2, '0');
  const minutes = String(date.getUTCMinutes()).padStart(2, '0');
  return `${date.getUTCDate()} ${MONTHS[date.getUTCMonth()]} ${date.getUTCFullYear()}, ${hours}:${minutes} UTC`;
}

/**
 * The instant as an ISO 8601 UTC string for a `<time datetime>` attribute; undefined when
 * the string names no instant.
 *
 * @example
 * isoInstant('2026-03-05T15:07:00+01:00'); // '2026-03-05T14:07:00.000Z'
 */
export function isoInstant(value: string): string | undefined {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) return undefined;
  const date = new Date(ms);
  // toISOString throws outside ±275760 years, which Date.parse can still produce.
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}
