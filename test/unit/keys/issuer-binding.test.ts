import { generateKeyPairSync } from 'node:crypto';
import type { JWK } from 'jose';
import { describe, expect, it } from 'vitest';
import { bindKeyToIssuer } from '#shared/credentials/keys/issuer-binding.ts';
import type { ResolvedKey } from '#shared/credentials/keys/key-resolver.ts';

const { publicKey } = generateKeyPairSync('ed25519');
const jwk = publicKey.export({ format: 'jwk' }) as JWK;

function keyOf(fields: Omit<ResolvedKey, 'key' | 'jwk'>): ResolvedKey {
  return { key: publicKey, jwk, ...fields };
}

describe('bindKeyToIssuer', () => {
  it('binds a did:key to the issuer with the same DID', () => {
    const did = 'did:key:z6MkTest';
    const key = keyOf({ id: `${did}#z6MkTest`, controller: did, source: 'did:key' });

    const binding = bindKeyToIssuer(did, key);

    expect(binding.bound).toBe(true);
    expect(binding.keyId).toBe(`${did}#z6MkTest`);
    expect(binding.reason).toMatch(/^The signing key belongs to the issuer/);
  });

  it('does not bind a did:key to an issuer with another id', () => {
    const key = keyOf({ id: 'did:key:z6MkA#z6MkA', source: 'did:key' });

    const binding = bindKeyToIssuer('https://college.example/issuer', key);

    expect(binding.bound).toBe(false);
    expect(binding.reason).toContain('did:key:z6MkA');
    expect(binding.reason).toContain('https://college.example/issuer');
  });

  it('does not bind a method in the issuer document that another DID controls', () => {
    const key = keyOf({
      id: 'did:web:college.example#vendor',
      controller: 'did:web:vendor.example',
      source: 'did:web',
    });

    const binding = bindKeyToIssuer('did:web:college.example', key);

    expect(binding).toEqual({
      bound: false,
      keyId: 'did:web:college.example#vendor',
      reason:
        "The key is listed in did:web:college.example's document but controlled by did:web:vendor.example, so it is not the issuer's.",
    });
  });

  it('binds a did:web method of the issuer DID', () => {
    const key = keyOf({
      id: 'did:web:college.example#key-1',
      controller: 'did:web:college.example',
      source: 'did:web',
      documentUrl: 'https://college.example/.well-known/did.json',
    });

    expect(bindKeyToIssuer('did:web:college.example', key).bound).toBe(true);
  });

  it('does not bind a did:web method of another DID', () => {
    const key = keyOf({ id: 'did:web:other.example#key-1', source: 'did:web' });

    expect(bindKeyToIssuer('did:web:college.example', key).bound).toBe(false);
  });

  it('binds a did:jwk to the issuer with the same DID', () => {
    const did = 'did:jwk:eyJrdHkiOiJPS1AifQ';
    const key = keyOf({ id: `${did}#0`, controller: did, source: 'did:jwk' });

    expect(bindKeyToIssuer(did, key).bound).toBe(true);
  });

  it('binds an https key published on the issuer origin', () => {
    const key = keyOf({
      id: 'https://college.example/keys.json#k1',
      source: 'https',
      documentUrl: 'https://college.example/keys.json',
    });

    const binding = bindKeyToIssuer('https://college.example/issuer', key);

    expect(binding.bound).toBe(true);
    expect(binding.reason).toContain('https://college.example');
  });

  it('does not bind an https key published on another origin', () => {
    const key = keyOf({
      id: 'https://cdn.example/keys.json#k1',
      source: 'https',
      documentUrl: 'https://cdn.example/keys.json',
    });

    const binding = bindKeyToIssuer('https://college.example/issuer', key);

    expect(binding.bound).toBe(false);
    expect(binding.reason).toContain("not on the issuer's own site");
  });

  it('does not bind when a redirect moved the key document to another origin', () => {
    const key = keyOf({
      id: 'https://college.example/keys.json#k1',
      source: 'https',
      documentUrl: 'https://elsewhere.example/keys.json',
    });

    expect(bindKeyToIssuer('https://college.example/issuer', key).bound).toBe(false);
  });

  it('does not bind an https key on a different port of the same host', () => {
    const key = keyOf({
      id: 'https://college.example:8443/keys.json#k1',
      source: 'https',
      documentUrl: 'https://college.example:8443/keys.json',
    });

    expect(bindKeyToIssuer('https://college.example/issuer', key).bound).toBe(false);
  });

  it('binds a controller document on the issuer origin that names the issuer', () => {
    const issuer = 'https://college.example/issuer';
    const key = keyOf({
      id: `${issuer}#key-1`,
      source: 'https',
      controller: issuer,
      documentId: issuer,
      documentUrl: issuer,
    });

    expect(bindKeyToIssuer(issuer, key).bound).toBe(true);
  });

  it('does not bind a controller document on the issuer origin that names someone else', () => {
    const key = keyOf({
      id: 'https://college.example/users/mallory#key-1',
      source: 'https',
      controller: 'https://college.example/users/mallory',
      documentUrl: 'https://college.example/users/mallory',
    });

    const binding = bindKeyToIssuer('https://college.example/issuer', key);

    expect(binding.bound).toBe(false);
    expect(binding.reason).toContain('controlled by https://college.example/users/mallory');
  });

  it('never binds a key read from a URL fragment', () => {
    const id = 'https://college.example/issuer#z6MkTest';
    const key = keyOf({ id, source: 'url-fragment' });

    const binding = bindKeyToIssuer('https://college.example/issuer', key);

    expect(binding.bound).toBe(false);
    expect(binding.reason).toContain('could not be fetched');
  });

  it('never binds an embedded key', () => {
    const key = keyOf({ id: 'embedded jwk', source: 'embedded-jwk' });

    const binding = bindKeyToIssuer('did:key:z6MkTest', key);

    expect(binding.bound).toBe(false);
    expect(binding.reason).toContain('inside the credential');
  });
});
