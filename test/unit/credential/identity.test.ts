import { describe, expect, it } from 'vitest';
import {
  emailIdentity,
  hashIdentity,
  isIdentityHash,
  matchesIdentity,
  normalizeEmail,
} from '#shared/credentials/model/identity.ts';

// The OB 3.0 spec's own example: SHA-256 of 'a@example.com' salted with 'Kosher'.
const SPEC_HASH = 'sha256$b5809d8a92f8858436d7e6b87c12ebc0ae1eac4baecc2c0b913aee2c922ef399';

describe('hashIdentity', () => {
  it("matches the spec's known answer for a@example.com salted with Kosher", () => {
    expect(hashIdentity('a@example.com', 'Kosher')).toEqual({
      identityHash: SPEC_HASH,
      salt: 'Kosher',
    });
  });

  it('hashes the value as given, without normalising it', () => {
    expect(hashIdentity('sourcedId-42', 'salt').identityHash).toBe(
      'sha256$4b2a483c306932a9e73467c22fb9d656c66b5ca6f8620273ff87622e0c273393',
    );
  });

  it('hashes with an empty salt when the salt is the empty string', () => {
    expect(hashIdentity('a@example.com', '').identityHash).toBe(
      'sha256$08168cd80dfd534ab0f10af10f1303fe00af2d43ab5c1432360d137f8197e17a',
    );
  });

  it('draws a fresh 16-byte hex salt when none is given', () => {
    const first = hashIdentity('a@example.com');
    const second = hashIdentity('a@example.com');

    expect(first.salt).toMatch(/^[0-9a-f]{32}$/);
    expect(second.salt).not.toBe(first.salt);
    expect(first.identityHash).toBe(hashIdentity('a@example.com', first.salt).identityHash);
  });
});

describe('normalizeEmail', () => {
  it('trims and lower-cases', () => {
    expect(normalizeEmail('  Ada@Example.COM \n')).toBe('ada@example.com');
  });
});

describe('emailIdentity', () => {
  it('builds a hashed emailAddress IdentityObject of the normalised email', () => {
    expect(emailIdentity(' A@Example.com ', 'Kosher')).toEqual({
      type: 'IdentityObject',
      hashed: true,
      identityHash: SPEC_HASH,
      identityType: 'emailAddress',
      salt: 'Kosher',
    });
  });
});

describe('matchesIdentity', () => {
  it('matches the email an identity was made from, in any case', () => {
    const identity = emailIdentity('ada@example.com', 'c0ffee');

    expect(matchesIdentity(identity, 'ada@example.com')).toBe(true);
    expect(matchesIdentity(identity, '  ADA@example.COM')).toBe(true);
  });

  it('does not match another email', () => {
    expect(matchesIdentity(emailIdentity('ada@example.com', 'c0ffee'), 'bob@example.com')).toBe(
      false,
    );
  });

  it('matches a hash another issuer made without normalising', () => {
    const identity = {
      type: 'IdentityObject',
      hashed: true,
      identityHash: hashIdentity('Ada@Example.com', 'x').identityHash,
      identityType: 'emailAddress',
      salt: 'x',
    };

    expect(matchesIdentity(identity, 'Ada@Example.com')).toBe(true);
  });

  it('accepts upper-case hex and md5 hashes', () => {
    const md5 = {
      type: 'IdentityObject',
      hashed: true,
      identityType: 'emailAddress',
      salt: 'Kosher',
    };

    expect(
      matchesIdentity(
        { ...md5, identityHash: SPEC_HASH.toUpperCase().replace('SHA256', 'sha256') },
        'a@example.com',
      ),
    ).toBe(true);
    expect(
      matchesIdentity(
        { ...md5, identityHash: 'md5$ddd142639a792e74751ee7e129237efa' },
        'a@example.com',
      ),
    ).toBe(true);
  });

  it('compares a plain (unhashed) email identity', () => {
    const plain = {
      type: 'IdentityObject',
      hashed: false,
      identityHash: 'Student@1EdTech.edu',
      identityType: 'emailAddress',
    };

    expect(matchesIdentity(plain, 'student@1edtech.edu')).toBe(true);
    expect(matchesIdentity(plain, 'other@1edtech.edu')).toBe(false);
  });

  it('refuses other identity types, malformed hashes and non-objects', () => {
    const base = emailIdentity('a@example.com', 'Kosher');

    expect(matchesIdentity({ ...base, identityType: 'sourcedId' }, 'a@example.com')).toBe(false);
    expect(matchesIdentity({ ...base, identityHash: 'sha256$abc' }, 'a@example.com')).toBe(false);
    expect(matchesIdentity({ ...base, identityHash: 'sha1$abc' }, 'a@example.com')).toBe(false);
    expect(matchesIdentity(null, 'a@example.com')).toBe(false);
  });
});

describe('isIdentityHash', () => {
  it('requires the digest length of its algorithm', () => {
    expect(isIdentityHash(SPEC_HASH)).toBe(true);
    expect(isIdentityHash('md5$ddd142639a792e74751ee7e129237efa')).toBe(true);
    expect(isIdentityHash(`sha256$${'0'.repeat(63)}`)).toBe(false);
    expect(isIdentityHash('asdjhsadas')).toBe(false);
  });
});
