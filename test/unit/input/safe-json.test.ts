import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_JSON_MAX_BYTES,
  DEFAULT_JSON_MAX_DEPTH,
  parseJsonSafely,
} from '#shared/core/safe-json.ts';
import { thrownBy } from '#test/support/bake-fixtures.ts';

function nestedArrays(depth: number): string {
  return `${'['.repeat(depth)}${']'.repeat(depth)}`;
}

function nestedObjects(depth: number): string {
  return `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

describe('parseJsonSafely', () => {
  it('has caps of 1 MiB and depth 64 by default', () => {
    expect(DEFAULT_JSON_MAX_BYTES).toBe(1_048_576);
    expect(DEFAULT_JSON_MAX_DEPTH).toBe(64);
  });

  it('parses JSON within the limits', () => {
    expect(parseJsonSafely('{"a":[1,"x",null,{"b":true}]}')).toEqual({
      a: [1, 'x', null, { b: true }],
    });
    expect(parseJsonSafely('  42 ')).toBe(42);
  });

  it('ignores a leading byte order mark', () => {
    expect(parseJsonSafely('\ufeff{"a":1}')).toEqual({ a: 1 });
  });

  it('accepts nesting exactly at the cap and refuses one level more', () => {
    expect(thrownBy(() => parseJsonSafely(nestedArrays(64)))).toBeUndefined();
    expect(thrownBy(() => parseJsonSafely(nestedArrays(65)))).toEqual(
      expect.objectContaining({ code: 'INPUT_TOO_DEEP', message: expect.stringContaining('64') }),
    );
  });

  it('does not count brackets inside strings, escaped quotes included', () => {
    const text = `{"s":"[[[[{{{{\\"[[[[","t":["]]]]"]}`;

    expect(parseJsonSafely(text, { maxDepth: 2 })).toEqual({ s: '[[[[{{{{"[[[[', t: [']]]]'] });
  });

  it('refuses a 100,000-deep array quickly, before JSON.parse can recurse', () => {
    const text = '['.repeat(100_000);
    const started = performance.now();

    const error = thrownBy(() => parseJsonSafely(text));

    expect(error).toEqual(expect.objectContaining({ code: 'INPUT_TOO_DEEP' }));
    expect(performance.now() - started).toBeLessThan(500);
  });

  it('refuses text larger than the byte cap, counting UTF-8 bytes', () => {
    const ascii = `"${'a'.repeat(8)}"`;
    const multibyte = '"éééé"'; // 6 characters, 10 bytes

    expect(parseJsonSafely(ascii, { maxBytes: 10 })).toBe('aaaaaaaa');
    expect(thrownBy(() => parseJsonSafely(ascii, { maxBytes: 9 }))).toEqual(
      expect.objectContaining({ code: 'INPUT_TOO_LARGE' }),
    );
    expect(thrownBy(() => parseJsonSafely(multibyte, { maxBytes: 9 }))).toEqual(
      expect.objectContaining({ code: 'INPUT_TOO_LARGE' }),
    );
    expect(thrownBy(() => parseJsonSafely(' '.repeat(DEFAULT_JSON_MAX_BYTES + 1)))).toEqual(
      expect.objectContaining({ code: 'INPUT_TOO_LARGE' }),
    );
  });

  it('refuses malformed JSON with the parser position in the message', () => {
    const error = thrownBy(() => parseJsonSafely('[1,2'));

    expect(error).toEqual(
      expect.objectContaining({
        name: 'CredstackError',
        code: 'INPUT_MALFORMED',
        message: expect.stringMatching(/^JSON input is malformed: .*position 4/),
      }),
    );
    expect((error as Error).cause).toBeInstanceOf(SyntaxError);
  });

  it.each(['', '{', '{"a":}', "{'a':1}", '[1,]', 'undefined', '"unterminated', ']]]]'])(
    'refuses %j as INPUT_MALFORMED',
    (text) => {
      expect(thrownBy(() => parseJsonSafely(text))).toEqual(
        expect.objectContaining({ code: 'INPUT_MALFORMED' }),
      );
    },
  );

  it('agrees with JSON.parse on any valid JSON within the limits', () => {
    fc.assert(
      fc.property(fc.json({ maxDepth: 10 }), (text) => {
        expect(parseJsonSafely(text)).toEqual(JSON.parse(text));
      }),
      { numRuns: 500 },
    );
  });

  it('decides by nesting depth alone around the cap, for arrays and objects', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 130 }),
        fc.option(fc.integer({ min: 1, max: 100 }), { nil: undefined }),
        fc.boolean(),
        (depth, maxDepth, objects) => {
          const text = objects ? nestedObjects(depth) : nestedArrays(depth);
          const error = thrownBy(() => parseJsonSafely(text, { maxDepth }));
          if (depth <= (maxDepth ?? DEFAULT_JSON_MAX_DEPTH)) expect(error).toBeUndefined();
          else expect(error).toEqual(expect.objectContaining({ code: 'INPUT_TOO_DEEP' }));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('never throws anything but a CredstackError on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (text) => {
        const error = thrownBy(() => parseJsonSafely(text, { maxDepth: 3 }));
        if (error !== undefined) expect(error).toHaveProperty('name', 'CredstackError');
      }),
      { numRuns: 500 },
    );
  });
});
