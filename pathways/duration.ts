import { CredstackError } from '#shared/core/errors.ts';

/** ISO-8601 durations without fractions (P2Y, P6M, P2W, P1Y2M3DT4H5M6S). */
export const ISO_DURATION_PATTERN =
  '^P(?!$)(\\d+Y)?(\\d+M)?(\\d+W)?(\\d+D)?(T(?=\\d)(\\d+H)?(\\d+M)?(\\d+S)?)?$';
const DURATION =
  /^P(?!$)(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;

/**
 * The instant `duration` before `at`, calendar-aware for years and months (UTC).
 *
 * @example
 * subtractDuration(new Date('2026-03-01T00:00:00Z'), 'P2Y'); // 2024-03-01
 */
export function subtractDuration(at: Date, duration: string): Date {
  const m = DURATION.exec(duration);
  if (!m) throw new CredstackError('INPUT_MALFORMED', `not an ISO-8601 duration: ${duration}`);
  const n = (i: number): number => Number(m[i] ?? 0);
  const d = new Date(at);
  d.setUTCFullYear(d.getUTCFullYear() - n(1), d.getUTCMonth() - n(2));
  const seconds = ((n(3) * 7 + n(4)) * 24 + n(5)) * 3600 + n(6) * 60 + n(7);
  return new Date(d.getTime() - seconds * 1000);
}
