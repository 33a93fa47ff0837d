import { describe, expect, it } from 'vitest';
import { isCredstackError } from '#shared/core/errors.ts';
import { decodeSearchCursor, encodeSearchCursor } from '#shared/search/search-cursor.ts';

describe('search cursors', () => {
  it('carry the ranking time and the engine position through a round trip', () => {
    const cursor = { asOf: '2026-12-07T04:00:00.000Z', position: 'WyJyZWxldmFuY2UiLDEsImFkYSJd' };
    const text = encodeSearchCursor(cursor);

    expect(text).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeSearchCursor(text)).toEqual(cursor);
  });

  it('refuses anything else as malformed input', () => {
    const bad = [
      'not a cursor',
      Buffer.from('["c1","yesterday","x"]').toString('base64url'),
      Buffer.from('["c0","2026-12-07T04:00:00.000Z","x"]').toString('base64url'),
      Buffer.from('{"asOf":"2026-12-07T04:00:00.000Z"}').toString('base64url'),
    ];
    for (const text of bad) {
      let error: unknown;
      try {
        decodeSearchCursor(text);
      } catch (caught) {
        error = caught;
      }
      expect(isCredstackError(error, 'INPUT_MALFORMED')).toBe(true);
    }
  });
});
