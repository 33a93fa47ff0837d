import { generateKeyPairSync, type KeyObject, sign, verify } from 'node:crypto';
import { base58 } from '@scure/base';
import { describe, expect, it } from 'vitest';
import { StaticFetcher } from '#shared/adapters/https/static-fetcher.ts';
import { CredstackError } from '#shared/core/errors.ts';
import { createKeyResolver, keyFromEmbeddedJwk } from '#shared/credentials/keys/key-resolver.ts';

/** Test keys with their Multikey written out here, independently of the code under test. */
function ed25519() {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const x = Buffer.from(publicKey.export({ format: 'jwk' }).x as string, 'base64url');
  const multikey = `z${base58.encode(Buffer.concat([Buffer.of(0xed, 0x01), x]))}`;
  return { publicKey, privateKey, multikey, jwk: publicKey.export({ format: 'jwk' }) };
}

function p256() {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = publicKey.export({ format: 'jwk' });
  const x = Buffer.from(jwk.x as string, 'base64url');
  const y = Buffer.from(jwk.y as string, 'base64url');
  const compressed = Buffer.concat([Buffer.of(((y.at(-1) ?? 0) & 1) === 0 ? 2 : 3), x]);
  const multikey = `z${base58.encode(Buffer.concat([Buffer.of(0x80, 0x24), compressed]))}`;
  return { publicKey, privateKey, multikey, jwk };
}

/** The resolved key checks a signature made by the matching private key. */
function verifiesWith(key: KeyObject, privateKey: KeyObject): boolean {
  const data = Buffer.from('credstack');
  const isEd = privateKey.asymmetricKeyType === 'ed25519';
  const signature = sign(isEd ? null : 'sha256', data, privateKey);
  return verify(isEd ? null : 'sha256', data, key, signature);
}

async function failure(promise: Promise<unknown>): Promise<CredstackError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(CredstackError);
  return error as CredstackError;
}

const json = (value: unknown) => ({ body: JSON.stringify(value) });
const noNetwork = new StaticFetcher({});

describe('resolveVerificationMethod with did:key', () => {
  it('resolves an Ed25519 did:key whose fragment repeats the key', async () => {
    const { multikey, privateKey } = ed25519();
    const fetcher = new StaticFetcher({});
    const { resolveVerificationMethod } = createKeyResolver({ fetcher });

    const resolved = await resolveVerificationMethod(`did:key:${multikey}#${multikey}`);

    expect(resolved).toMatchObject({
      id: `did:key:${multikey}#${multikey}`,
      controller: `did:key:${multikey}`,
      source: 'did:key',
      jwk: { kty: 'OKP', crv: 'Ed25519' },
    });
    expect(verifiesWith(resolved.key, privateKey)).toBe(true);
    expect(fetcher.requests).toEqual([]);
  });

  it('resolves a P-256 did:key without a fragment', async () => {
    const { multikey, privateKey, jwk } = p256();
    const { resolveVerificationMethod } = createKeyResolver({ fetcher: noNetwork });

    const resolved = await resolveVerificationMethod(`did:key:${multikey}`);

    expect(resolved.id).toBe(`did:key:${multikey}#${multikey}`);
    expect(resolved.jwk).toMatchObject({ kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y });
    expect(verifiesWith(resolved.key, privateKey)).toBe(true);
  });

  it('refuses a did:key whose fragment names another key', async () => {
    const { multikey } = ed25519();
    const other = ed25519().multikey;
    const { resolveVerificationMethod } = createKeyResolver({ fetcher: noNetwork });

    const error = await failure(resolveVerificationMethod(`did:key:${multikey}#${other}`));

    expect(error.code).toBe('KEY_NOT_FOUND');
  });

  it('refuses a did:key that is not a base58btc multikey', async () => {
    const { resolveVerificationMethod } = createKeyResolver({ fetcher: noNetwork });

    const error = await failure(resolveVerificationMethod('did:key:u6Mk0OIl'));

    expect(error.code).toBe('KEY_NOT_FOUND');
  });
});

describe('resolveVerificationMethod with did:jwk', () => {
  it('resolves the #0 method of a did:jwk', async () => {
    const { jwk, privateKey } = ed25519();
    const did = `did:jwk:${Buffer.from(JSON.stringify(jwk)).toString('base64url')}`;
    const { resolveVerificationMethod } = createKeyResolver({ fetcher: noNetwork });

    const resolved = await resolveVerificationMethod(`${did}#0`);

    expect(resolved).toMatchObject({ id: `${did}#0`, controller: did, source: 'did:jwk' });
    expect(verifiesWith(resolved.key, privateKey)).toBe(true);
  });

  it('refuses a did:jwk fragment other than #0', async () => {
    const { jwk } = ed25519();
    const did = `did:jwk:${Buffer.from(JSON.stringify(jwk)).toString('base64url')}`;
    const { resolveVerificationMethod } = createKeyResolver({ fetcher: noNetwork });

    const error = await failure(resolveVerificationMethod(`${did}#1`));

    expect(error.code).toBe('KEY_NOT_FOUND');
  });

  it('refuses a did:jwk that carries a private key', async () => {
    const { privateKey } = ed25519();
    const secret = privateKey.export({ format: 'jwk' });
    const did = `did:jwk:${Buffer.from(JSON.stringify(secret)).toString('base64url')}`;
    const { resolveVerificationMethod } = createKeyResolver({ fetcher: noNetwork });

    const error = await failure(resolveVerificationMethod(`${did}#0`));

    expect(error.code).toBe('KEY_UNSUPPORTED');
    expect(error.message).toContain('"d"');
  });
});

describe('resolveVerificationMethod with did:web', () => {
  const did = 'did:web:college.example';

  it('reads the method from verificationMethod of /.well-known/did.json', async () => {
    const { multikey, privateKey } = ed25519();
    const fetcher = new StaticFetcher({
      'https://college.example/.well-known/did.json': json({
        id: did,
        verificationMethod: [
          { id: `${did}#key-1`, type: 'Multikey', controller: did, publicKeyMultibase: multikey },
        ],
        assertionMethod: [`${did}#key-1`],
      }),
    });

    const resolved = await createKeyResolver({ fetcher }).resolveVerificationMethod(`${did}#key-1`);

    expect(resolved).toMatchObject({
      id: `${did}#key-1`,
      controller: did,
      source: 'did:web',
      documentUrl: 'https://college.example/.well-known/did.json',
    });
    expect(verifiesWith(resolved.key, privateKey)).toBe(true);
    expect(fetcher.requests).toEqual(['https://college.example/.well-known/did.json']);
  });

  it('reads a relative id, a path DID and a publicKeyJwk', async () => {
    const { jwk, privateKey } = p256();
    const pathDid = 'did:web:college.example%3A8443:issuers:42';
    const fetcher = new StaticFetcher({
      'https://college.example:8443/issuers/42/did.json': json({
        id: pathDid,
        verificationMethod: [{ id: '#k', type: 'JsonWebKey', publicKeyJwk: jwk }],
        assertionMethod: ['#k'],
      }),
    });

    const resolved = await createKeyResolver({ fetcher }).resolveVerificationMethod(`${pathDid}#k`);

    expect(resolved.id).toBe(`${pathDid}#k`);
    expect(resolved.controller).toBe(pathDid);
    expect(verifiesWith(resolved.key, privateKey)).toBe(true);
  });

  it('refuses a key the document lists only for authentication', async () => {
    const { multikey } = ed25519();
    const fetcher = new StaticFetcher({
      'https://college.example/.well-known/did.json': json({
        id: did,
        verificationMethod: [
          { id: `${did}#login`, type: 'Multikey', controller: did, publicKeyMultibase: multikey },
        ],
        authentication: [`${did}#login`],
      }),
    });

    await expect(
      createKeyResolver({ fetcher }).resolveVerificationMethod(`${did}#login`),
    ).rejects.toMatchObject({
      code: 'KEY_NOT_FOUND',
      message: `the DID document of ${did} does not list ${did}#login under assertionMethod, so it may not sign credentials`,
    });
  });

  it('finds a method embedded in assertionMethod', async () => {
    const { multikey, privateKey } = ed25519();
    const fetcher = new StaticFetcher({
      'https://college.example/.well-known/did.json': json({
        id: did,
        assertionMethod: [
          `${did}#other`,
          { id: `${did}#assert`, type: 'Ed25519VerificationKey2020', publicKeyMultibase: multikey },
        ],
      }),
    });

    const resolved = await createKeyResolver({ fetcher }).resolveVerificationMethod(
      `${did}#assert`,
    );

    expect(verifiesWith(resolved.key, privateKey)).toBe(true);
  });

  it('refuses a DID document that describes another DID', async () => {
    const { multikey } = ed25519();
    const fetcher = new StaticFetcher({
      'https://college.example/.well-known/did.json': json({
        id: 'did:web:attacker.example',
        verificationMethod: [{ id: `${did}#key-1`, publicKeyMultibase: multikey }],
      }),
    });

    const error = await failure(
      createKeyResolver({ fetcher }).resolveVerificationMethod(`${did}#key-1`),
    );

    expect(error.code).toBe('KEY_NOT_FOUND');
    expect(error.message).toContain('did:web:attacker.example');
  });

  it('says which method is missing from the document', async () => {
    const fetcher = new StaticFetcher({
      'https://college.example/.well-known/did.json': json({ id: did, verificationMethod: [] }),
    });

    const error = await failure(
      createKeyResolver({ fetcher }).resolveVerificationMethod(`${did}#key-9`),
    );

    expect(error.code).toBe('KEY_NOT_FOUND');
    expect(error.message).toContain(`${did}#key-9`);
  });

  it('passes on the fetch failure when the document cannot be fetched', async () => {
    const error = await failure(
      createKeyResolver({ fetcher: noNetwork }).resolveVerificationMethod(`${did}#key-1`),
    );

    expect(error.code).toBe('FETCH_FAILED');
  });
});

describe('resolveVerificationMethod with https URLs', () => {
  const url = 'https://college.example/keys.json';

  it('accepts a bare JWK document', async () => {
    const { jwk, privateKey } = ed25519();
    const fetcher = new StaticFetcher({ [url]: json({ ...jwk, kid: 'k1' }) });

    const resolved = await createKeyResolver({ fetcher }).resolveVerificationMethod(`${url}#k1`);

    expect(resolved).toMatchObject({ id: `${url}#k1`, source: 'https', documentUrl: url });
    expect(resolved.controller).toBeUndefined();
    expect(verifiesWith(resolved.key, privateKey)).toBe(true);
  });

  it('picks the JWKS key whose kid is the fragment or the full id', async () => {
    const first = ed25519();
    const second = p256();
    const fetcher = new StaticFetcher({
      [url]: json({
        keys: [
          { ...first.jwk, kid: 'a' },
          { ...second.jwk, kid: `${url}#b` },
        ],
      }),
    });
    const resolver = createKeyResolver({ fetcher });

    const byFragment = await resolver.resolveVerificationMethod(`${url}#a`);
    const byFullId = await resolver.resolveVerificationMethod(`${url}#b`);

    expect(verifiesWith(byFragment.key, first.privateKey)).toBe(true);
    expect(verifiesWith(byFullId.key, second.privateKey)).toBe(true);
  });

  it('refuses a JWKS without the requested kid', async () => {
    const fetcher = new StaticFetcher({ [url]: json({ keys: [{ ...ed25519().jwk, kid: 'a' }] }) });

    const error = await failure(
      createKeyResolver({ fetcher }).resolveVerificationMethod(`${url}#zzz`),
    );

    expect(error.code).toBe('KEY_NOT_FOUND');
  });

  it('reads a controller document and reports its controller', async () => {
    const { multikey, privateKey } = ed25519();
    const issuer = 'https://college.example/issuer';
    const fetcher = new StaticFetcher({
      [issuer]: json({
        id: issuer,
        verificationMethod: [
          {
            id: `${issuer}#key-1`,
            type: 'Multikey',
            controller: issuer,
            publicKeyMultibase: multikey,
          },
        ],
      }),
    });

    const resolved = await createKeyResolver({ fetcher }).resolveVerificationMethod(
      `${issuer}#key-1`,
    );

    expect(resolved).toMatchObject({ controller: issuer, documentId: issuer, source: 'https' });
    expect(verifiesWith(resolved.key, privateKey)).toBe(true);
  });

  it('reads a Multikey document whose id is the verification method', async () => {
    const { multikey, privateKey } = ed25519();
    const keyUrl = 'https://college.example/keys/1';
    const fetcher = new StaticFetcher({
      [keyUrl]: json({
        id: keyUrl,
        type: 'Multikey',
        controller: 'https://college.example/issuer',
        publicKeyMultibase: multikey,
      }),
    });

    const resolved = await createKeyResolver({ fetcher }).resolveVerificationMethod(keyUrl);

    expect(resolved.controller).toBe('https://college.example/issuer');
    expect(verifiesWith(resolved.key, privateKey)).toBe(true);
  });

  it('falls back to an Ed25519 key in the fragment when the document cannot be fetched', async () => {
    const { multikey, privateKey } = ed25519();
    const id = `https://issuer.example/issuers/565049#${multikey}`;

    const resolved = await createKeyResolver({ fetcher: noNetwork }).resolveVerificationMethod(id);

    expect(resolved).toMatchObject({ id, source: 'url-fragment' });
    expect(verifiesWith(resolved.key, privateKey)).toBe(true);
  });

  it('does not fall back to the fragment when the fetched document lacks the key', async () => {
    const { multikey } = ed25519();
    const fetcher = new StaticFetcher({
      'https://issuer.example/issuers/1': json({ id: 'https://issuer.example/issuers/1' }),
    });

    const error = await failure(
      createKeyResolver({ fetcher }).resolveVerificationMethod(
        `https://issuer.example/issuers/1#${multikey}`,
      ),
    );

    expect(error.code).toBe('KEY_NOT_FOUND');
  });

  it('passes on the fetch failure when the fragment is not an Ed25519 key', async () => {
    const error = await failure(
      createKeyResolver({ fetcher: noNetwork }).resolveVerificationMethod(
        'https://issuer.example/issuers/1#key-1',
      ),
    );

    expect(error.code).toBe('FETCH_FAILED');
  });
});

describe('resolveVerificationMethod with other identifiers', () => {
  const { resolveVerificationMethod } = createKeyResolver({ fetcher: noNetwork });

  it('refuses an unknown DID method with DID_UNSUPPORTED', async () => {
    const error = await failure(resolveVerificationMethod('did:example:z6MkrvfzkMnv'));

    expect(error.code).toBe('DID_UNSUPPORTED');
    expect(error.message).toContain('did:example');
  });

  it('refuses an unknown scheme with KEY_NOT_FOUND and names the scheme', async () => {
    const error = await failure(resolveVerificationMethod('xxx:z6MkrvfzkMnvCroEUP2DVc9SHPE48'));

    expect(error.code).toBe('KEY_NOT_FOUND');
    expect(error.message).toContain('"xxx:"');
  });

  it('refuses an identifier without a scheme with KEY_NOT_FOUND', async () => {
    const error = await failure(resolveVerificationMethod('z6MkrvfzkMnvCroEUP2DVc9SHPE48'));

    expect(error.code).toBe('KEY_NOT_FOUND');
    expect(error.message).toContain('has no scheme');
  });
});

describe('keyFromEmbeddedJwk', () => {
  it('wraps a header jwk as an embedded key', () => {
    const { jwk, privateKey } = ed25519();

    const resolved = keyFromEmbeddedJwk(jwk, 'kid-1');

    expect(resolved).toMatchObject({ id: 'kid-1', source: 'embedded-jwk' });
    expect(verifiesWith(resolved.key, privateKey)).toBe(true);
  });

  it('refuses a symmetric key', () => {
    expect(() => keyFromEmbeddedJwk({ kty: 'oct', k: 'c2VjcmV0' })).toThrow(
      expect.objectContaining({ code: 'KEY_UNSUPPORTED' }),
    );
  });
});
