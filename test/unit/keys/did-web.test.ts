import { describe, expect, it } from 'vitest';
import { didWebUrl } from '#shared/credentials/keys/did-web.ts';

describe('didWebUrl', () => {
  it.each([
    ['did:web:example.com', 'https://example.com/.well-known/did.json'],
    ['did:web:example.com:a:b', 'https://example.com/a/b/did.json'],
    ['did:web:example.com%3A3000', 'https://example.com:3000/.well-known/did.json'],
    ['did:web:example.com%3a3000:user:alice', 'https://example.com:3000/user/alice/did.json'],
    ['did:web:Example.COM', 'https://example.com/.well-known/did.json'],
  ])('maps %s to %s', (did, url) => {
    expect(didWebUrl(did)).toBe(url);
  });

  it.each([
    'did:web:',
    'did:web:example.com::a',
    'did:web:example.com:..:secret',
    'did:web:user@example.com',
    'did:web:example.com%2Fpath',
  ])('refuses %s with KEY_NOT_FOUND', (did) => {
    expect(() => didWebUrl(did)).toThrow(expect.objectContaining({ code: 'KEY_NOT_FOUND' }));
  });
});
