import { describe, expect, it } from 'vitest';
import { credentialTextKind, isCompactJws } from '#shared/credentials/bake/credential-kind.ts';
import { SAMPLE_JSON, SAMPLE_JWS } from '#test/support/bake-fixtures.ts';

describe('isCompactJws', () => {
  it('accepts three base64url segments, with or without a signature', () => {
    expect(isCompactJws(SAMPLE_JWS)).toBe(true);
    expect(isCompactJws('eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.')).toBe(true);
    expect(isCompactJws('a-_b.c_-d.')).toBe(true);
  });

  it.each([
    ['two segments', 'eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0'],
    ['four segments', 'a.b.c.d'],
    ['an empty header', '.eyJzdWIiOiIxIn0.c2ln'],
    ['an empty payload', 'eyJhbGciOiJub25lIn0..c2ln'],
    ['padding', 'eyJhbGciOiJub25lIn0=.eyJzdWIiOiIxIn0.c2ln'],
    ['standard base64 characters', 'eyJh+GciOiJub25lIn0.eyJzdWIiOiIxIn0.c2/n'],
    ['whitespace', ` ${SAMPLE_JWS}`],
    ['a segment of impossible length', 'abcde.eyJzdWIiOiIxIn0.c2ln'],
    ['nothing', ''],
  ])('refuses %s', (_why, text) => {
    expect(isCompactJws(text)).toBe(false);
  });
});

describe('credentialTextKind', () => {
  it('tells JSON from a compact JWS, ignoring surrounding whitespace', () => {
    expect(credentialTextKind(SAMPLE_JSON)).toBe('json');
    expect(credentialTextKind(`\n ${SAMPLE_JSON}\n`)).toBe('json');
    expect(credentialTextKind(`${SAMPLE_JWS}\n`)).toBe('jwt');
  });

  it('returns undefined for anything else', () => {
    expect(credentialTextKind('https://example.com/assertions/1')).toBeUndefined();
    expect(credentialTextKind('[1,2]')).toBeUndefined();
    expect(credentialTextKind('{ unterminated')).toBeUndefined();
  });
});
