import { describe, expect, it } from 'vitest';
import {
  hasType,
  instantOf,
  isDateTimeStamp,
  isUri,
  pointer,
  toDateTimeZ,
  valuesOf,
} from '#shared/credentials/model/values.ts';

describe('isUri', () => {
  it.each([
    'https://example.org/badges/1',
    'http://data.europa.eu/esco/skill/abc',
    'did:example:ebfeb1f712ebc6f1c276e12ec21',
    'did:key:z6MkhTNL7i2etLerDK8Acz5t528giE5KA4p75T6ka1E1D74r#z6Mk',
    'urn:uuid:91537dba-56cb-11ec-bf63-0242ac130002',
    'data:image/png;base64,iVBORw0KGgo=',
    'https://例え.jp/バッジ',
  ])('accepts %s', (value) => {
    expect(isUri(value)).toBe(true);
  });

  it.each([
    'https ://not-a-url/vcs/1',
    'fake-issuer',
    'https://',
    'https:/example.org',
    'https://example.org/a b',
    'urn:',
    '',
  ])('rejects %j', (value) => {
    expect(isUri(value)).toBe(false);
  });

  it('rejects non-strings', () => {
    expect(isUri(null)).toBe(false);
    expect(isUri(['https://example.org'])).toBe(false);
  });
});

describe('isDateTimeStamp', () => {
  it.each([
    '2010-01-01T00:00:00Z',
    '2023-02-26T01:02:58.447Z',
    '2023-02-25T19:10:39-06:00',
    '4023-02-26T01:02:58.447Z',
    '2024-02-29T12:00:00+14:00',
  ])('accepts %s', (value) => {
    expect(isDateTimeStamp(value)).toBe(true);
  });

  it.each([
    '2010-01-01T00:00:00',
    '2010-01-01',
    '2010-01-01 00:00:00Z',
    '2023-02-30T00:00:00Z',
    'Sat 25 Feb 2023 07:16:31 PM CST',
    'Sun, 26 Feb 2023 01:22:14 +0000',
  ])('rejects %j', (value) => {
    expect(isDateTimeStamp(value)).toBe(false);
  });
});

describe('instantOf', () => {
  it('compares across timezones', () => {
    expect(instantOf('2023-02-25T19:21:29-06:00')).toBe(instantOf('2023-02-26T01:21:29Z'));
  });
});

describe('toDateTimeZ', () => {
  it('drops milliseconds and ends in Z', () => {
    expect(toDateTimeZ(new Date('2026-01-01T10:00:00.999Z'))).toBe('2026-01-01T10:00:00Z');
  });
});

describe('valuesOf', () => {
  it('treats absence as no values and a single value as one', () => {
    expect(valuesOf(undefined)).toEqual([]);
    expect(valuesOf('Image')).toEqual(['Image']);
    expect(valuesOf(['a', 'b'])).toEqual(['a', 'b']);
  });
});

describe('hasType', () => {
  it('finds a type in a string or an array', () => {
    expect(hasType('Profile', 'Profile')).toBe(true);
    expect(hasType(['VerifiableCredential', 'OpenBadgeCredential'], 'OpenBadgeCredential')).toBe(
      true,
    );
    expect(hasType(['VerifiableCredential'], 'OpenBadgeCredential')).toBe(false);
  });
});

describe('pointer', () => {
  it('escapes ~ and / in keys', () => {
    expect(pointer('/a', 'b/c~d')).toBe('/a/b~1c~0d');
    expect(pointer('', 0)).toBe('/0');
  });
});
