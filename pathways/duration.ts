import { CredstackError } from '#shared/core/errors.ts';

/** ISO-8601 durations without fractions (P2Y, P6M, P2W, P1Y2M3DT4H5M6S). */
export const ISO_DURATION_PATTERN =
  '^P(?!$)(\\d+Y)?(\\d+M)?(\\d+W)?(\\d+D)?(T(?=\\d)(\\d+H)?(\\d+M)?(\\d+S)?)?$';
const DURATION =
  /^P(?!$)(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;

/** A duration split into its calendar part (years, months) and its fixed part (seconds). */
export interface ParsedDuration {
  readonly years: number;
  readonly months: number;
  readonly seconds: number;
}

/**
 * Parses an ISO-8601 duration once, so windows can be computed without the regular expression.
 *
 * @example
 * parseDuration('P1Y2W'); // { years: 1, months: 0, seconds: 1209600 }
 */
export function parseDuration(duration: string): ParsedDuration {
  // One object per distinct duration, so windows computed for it can be cached by identity.
  let parsed = parsedCache.get(duration);
  if (parsed === undefined) {
    parsed = parse(duration);
    if (parsedCache.size >= 1000) parsedCache.clear();
    parsedCache.set(duration, parsed);
  }
  return parsed;
}

const parsedCache = new Map<string, ParsedDuration>();

function parse(duration: string): ParsedDuration {
  const m = DURATION.exec(duration);
  if (!m) throw new CredstackError('INPUT_MALFORMED', `not an ISO-8601 duration: ${duration}`);
  const n = (i: number): number => Number(m[i] ?? 0);
  const seconds = ((n(3) * 7 + n(4)) * 24 + n(5)) * 3600 + n(6) * 60 + n(7);
  return Object.freeze({ years: n(1), months: n(2), seconds });
}

/**
 * The instant `duration` before `at`, calendar-aware for years and months (UTC).
 *
 * @example
 * subtractDuration(new Date('2026-03-01T00:00:00Z'), 'P2Y'); // 2024-03-01
 */
export function subtractDuration(at: Date, duration: string | ParsedDuration): Date {
  const parts = typeof duration === 'string' ? parseDuration(duration) : duration;
  const d = new Date(at);
  d.setUTCFullYear(d.getUTCFullYear() - parts.years, d.getUTCMonth() - parts.months);
  return new Date(d.getTime() - parts.seconds * 1000);
}
