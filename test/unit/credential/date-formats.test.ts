import { fullFormats } from 'ajv-formats/dist/formats.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { date, dateTime } from '#shared/credentials/model/date-formats.ts';

/**
 * The generated validators in a Lambda bundle check `date` and `date-time` with
 * shared/credentials/model/date-formats.ts; the sources compile with ajv-formats' "full"
 * formats. Both must give the very same answer on any text: near-misses of every field,
 * leap years and leap seconds, offsets, separators and arbitrary strings.
 */

type Validate = (text: string) => boolean;
const reference = {
  date: (fullFormats.date as { validate: Validate }).validate,
  dateTime: (fullFormats['date-time'] as { validate: Validate }).validate,
};

const digits = (max: number) => fc.integer({ min: 0, max }).map((n) => String(n).padStart(2, '0'));
const oddDigits = fc.constantFrom('', '1', '123', '٣٣', 'ab', ' 1');
/** Two digits, mostly around the field's limit `max` (each side of it), sometimes not. */
const field = (max: number) =>
  fc.oneof(
    { weight: 8, arbitrary: digits(max + 1) },
    { weight: 2, arbitrary: digits(99) },
    { weight: 1, arbitrary: oddDigits },
  );
const year = fc.oneof(
  fc.integer({ min: 0, max: 9999 }).map((n) => String(n).padStart(4, '0')),
  fc.constantFrom('2000', '1900', '2024', '2100', '2023', '99', '+2024'),
);
const fullDate = fc.tuple(year, field(12), field(31)).map(([y, m, d]) => `${y}-${m}-${d}`);
const fraction = fc.constantFrom('', '.5', '.000001', '.', '.x');
const offset = fc.oneof(
  fc.constantFrom('', 'Z', 'z', '+00:00', '-00:00', '+01', '-0130', 'Z ', 'UTC'),
  fc
    .tuple(fc.constantFrom('+', '-'), field(23), fc.constantFrom(':', ':', '', '::'), field(59))
    .map(([sign, h, colon, m]) => `${sign}${h}${colon}${m}`),
);
const time = fc
  .tuple(field(23), field(59), field(60), fraction, offset)
  .map(([h, m, s, f, o]) => `${h}:${m}:${s}${f}${o}`);
const joiner = fc.constantFrom('T', 't', ' ', '\t', '\u00a0', '\u2028', 'TT', '', '_', 'x');
const dateTimeText = fc.tuple(fullDate, joiner, time).map(([d, j, t]) => `${d}${j}${t}`);

const LEAP_SECONDS = [
  '2016-12-31T23:59:60Z',
  '2016-12-31T23:59:60.5Z',
  '2016-12-31T15:59:60-08:00',
  '2017-01-01T00:59:60+01:00',
  '2016-12-31T23:59:60+01:00',
  '2016-12-31T24:59:30+01:00',
  '2016-12-31T23:59:61Z',
  '2016-12-31T22:59:60Z',
  '2017-01-01T00:00:60+00:01',
  '2017-01-01T01:00:60+01:01',
  '2017-01-01T00:30:60+00:31',
];

describe('the bundled date and date-time formats', () => {
  it('answer as ajv-formats on dates', () => {
    fc.assert(
      fc.property(fc.oneof(fullDate, fc.string()), (text) => {
        expect(date.validate(text)).toBe(reference.date(text));
      }),
      { numRuns: 20_000 },
    );
  });

  it('answer as ajv-formats on date-times', () => {
    fc.assert(
      fc.property(fc.oneof({ weight: 6, arbitrary: dateTimeText }, fc.string()), (text) => {
        expect(dateTime.validate(text)).toBe(reference.dateTime(text));
      }),
      { numRuns: 50_000 },
    );
  });

  it('answer as ajv-formats on leap days and leap seconds', () => {
    const texts = [
      ...['2024-02-29', '2023-02-29', '1900-02-29', '2000-02-29', '2023-04-31', '2023-12-31'],
      ...LEAP_SECONDS,
      ...LEAP_SECONDS.map((text) => text.replace('T', ' ')),
    ];
    let valid = 0;
    for (const text of texts) {
      const check = text.length === 10 ? date : dateTime;
      const expected = (text.length === 10 ? reference.date : reference.dateTime)(text);
      expect(check.validate(text)).toBe(expected);
      if (expected) valid += 1;
    }
    // Both answers are exercised.
    expect(valid).toBeGreaterThan(3);
    expect(texts.length - valid).toBeGreaterThan(3);
  });
});
