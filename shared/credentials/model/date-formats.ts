/**
 * The `date` and `date-time` checks of the JSON Schema `format` keyword (RFC 3339 full-date and
 * date-time) for the validators a Lambda bundle carries as generated code: the only formats
 * the Open Badges and issuance schemas use. They answer as the ajv-formats "full" checks the
 * sources compile with (test/unit/credential/date-formats.test.ts compares them), without the
 * 7.5 KB of every other format that module defines.
 */

/** A format as Ajv's generated code calls it. */
export interface FormatCheck {
  readonly validate: (text: string) => boolean;
}

const FULL_DATE = /^(\d\d\d\d)-(\d\d)-(\d\d)$/;
// hh:mm:ss, an optional fraction, then `Z` or an offset (±hh, ±hhmm or ±hh:mm); the offset is
// optional in the pattern so that its absence is told apart from a malformed one below.
const TIME = /^(\d\d):(\d\d):(\d\d(?:\.\d+)?)([zZ]|([+-])(\d\d)(?::?(\d\d))?)?$/;
// Date and time are joined by `T`, `t` or any whitespace.
const DATE_TIME_JOINER = /[Tt\s]/;
const MONTH_DAYS = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

function isLeapYear(year: number): boolean {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

function isFullDate(text: string): boolean {
  const parts = FULL_DATE.exec(text);
  if (parts === null) return false;
  const year = Number(parts[1]);
  const month = Number(parts[2]);
  const day = Number(parts[3]);
  if (month < 1 || month > 12 || day < 1) return false;
  return day <= (month === 2 && isLeapYear(year) ? 29 : MONTH_DAYS[month]!);
}

/** A time with its offset; second 60 only where it is 23:59 in UTC (a leap second). */
function isTimeWithOffset(text: string): boolean {
  const parts = TIME.exec(text);
  if (parts === null || parts[4] === undefined) return false;
  const hour = Number(parts[1]);
  const minute = Number(parts[2]);
  const second = Number(parts[3]);
  const sign = parts[5] === '-' ? -1 : 1;
  const offsetHours = Number(parts[6] ?? 0);
  const offsetMinutes = Number(parts[7] ?? 0);
  if (offsetHours > 23 || offsetMinutes > 59) return false;
  if (hour <= 23 && minute <= 59 && second < 60) return true;
  const utcMinute = minute - sign * offsetMinutes;
  const utcHour = hour - sign * offsetHours - (utcMinute < 0 ? 1 : 0);
  return (
    (utcHour === 23 || utcHour === -1) && (utcMinute === 59 || utcMinute === -1) && second < 61
  );
}

/** RFC 3339 full-date: a real calendar day. */
export const date: FormatCheck = { validate: isFullDate };

/** RFC 3339 date-time: a full date and a time with its offset. */
export const dateTime: FormatCheck = {
  validate: (text) => {
    const parts = text.split(DATE_TIME_JOINER);
    return parts.length === 2 && isFullDate(parts[0]!) && isTimeWithOffset(parts[1]!);
  },
};
