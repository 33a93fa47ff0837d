import {
  createHash,
  createPublicKey,
  generateKeyPairSync,
  type JsonWebKey,
  verify,
} from 'node:crypto';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compactVerify, importJWK, type JWK } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  generateLocalKey,
  LocalSigner,
  loadLocalSigner,
  publicJwkOf,
} from '#shared/adapters/key-files/local-signer.ts';
import type { SigningAlgorithm } from '#shared/credentials/crypto/signer.ts';

let root: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'credstack-local-signer-'));
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

/** RFC 7638 thumbprint computed here by hand, independently of jose. */
function thumbprint(jwk: JWK): string {
  const members =
    jwk.kty === 'EC'
      ? { crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y }
      : jwk.kty === 'RSA'
        ? { e: jwk.e, kty: jwk.kty, n: jwk.n }
        : { crv: jwk.crv, kty: jwk.kty, x: jwk.x };
  return createHash('sha256').update(JSON.stringify(members)).digest('base64url');
}

function nodeVerify(
  algorithm: SigningAlgorithm,
  jwk: JWK,
  data: Uint8Array,
  signature: Uint8Array,
) {
  const key = createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' });
  if (algorithm === 'ES256') {
    return verify('sha256', data, { key, dsaEncoding: 'ieee-p1363' }, signature);
  }
  return verify(algorithm === 'RS256' ? 'sha256' : null, data, key, signature);
}

async function compactJws(signer: LocalSigner, payload: string): Promise<string> {
  const header = Buffer.from(
    JSON.stringify({ alg: signer.algorithm, kid: signer.keyRef }),
  ).toString('base64url');
  const input = `${header}.${Buffer.from(payload).toString('base64url')}`;
  const signature = await signer.sign(Buffer.from(input, 'ascii'));
  return `${input}.${Buffer.from(signature).toString('base64url')}`;
}

const KEY_TYPES = [
  ['ES256', { kty: 'EC', crv: 'P-256' }, 64],
  ['RS256', { kty: 'RSA', e: 'AQAB' }, 256],
  ['EdDSA', { kty: 'OKP', crv: 'Ed25519' }, 64],
] as const;

describe('generateLocalKey', () => {
  it.each(KEY_TYPES)(
    'writes a %s key as PKCS#8 PEM with mode 0600 in a 0700 directory',
    async (algorithm, members) => {
      const dir = join(root, 'keys');

      const signer = await generateLocalKey(dir, algorithm);

      const jwk = await signer.publicJwk();
      expect(signer.algorithm).toBe(algorithm);
      expect(jwk).toMatchObject({ ...members, alg: algorithm, use: 'sig', kid: thumbprint(jwk) });
      expect(jwk).not.toHaveProperty('d');
      expect(signer.keyRef).toBe(thumbprint(jwk));
      expect(signer.path).toBe(join(dir, `${thumbprint(jwk)}.pem`));
      expect((await stat(dir)).mode & 0o777).toBe(0o700);
      expect((await stat(signer.path!)).mode & 0o777).toBe(0o600);
      expect(await readFile(signer.path!, 'utf8')).toMatch(
        /^-----BEGIN PRIVATE KEY-----\n[\s\S]+\n-----END PRIVATE KEY-----\n$/,
      );
      expect(await readdir(dir)).toEqual([`${thumbprint(jwk)}.pem`]);
    },
  );

  it('names the key file and the kid after an explicit key id', async () => {
    const signer = await generateLocalKey(root, 'EdDSA', 'issuer-2026');

    expect(signer.keyRef).toBe('issuer-2026');
    expect(signer.path).toBe(join(root, 'issuer-2026.pem'));
    expect((await signer.publicJwk()).kid).toBe('issuer-2026');
  });

  it('never overwrites an existing key and leaves no temporary file behind', async () => {
    const first = await generateLocalKey(root, 'ES256', 'issuer');
    const before = await readFile(first.path!, 'utf8');

    const attempt = generateLocalKey(root, 'ES256', 'issuer');

    await expect(attempt).rejects.toMatchObject({
      code: 'KEY_UNSUPPORTED',
      message: `a key file already exists at ${join(root, 'issuer.pem')}`,
    });
    expect(await readFile(first.path!, 'utf8')).toBe(before);
    expect(await readdir(root)).toEqual(['issuer.pem']);
  });

  it('refuses a key id that could name another path', async () => {
    const attempt = generateLocalKey(root, 'ES256', '../escape');

    await expect(attempt).rejects.toMatchObject({ code: 'BUILD_INVALID' });
    expect(await readdir(root)).toEqual([]);
  });

  it('refuses a key directory that others can write to', async () => {
    const dir = join(root, 'shared');
    await mkdir(dir);
    await chmod(dir, 0o777);

    const attempt = generateLocalKey(dir, 'EdDSA', 'k1');

    await expect(attempt).rejects.toMatchObject({
      code: 'KEY_UNSUPPORTED',
      message: `key directory ${dir} is writable by group or others (mode 777); run chmod 700 on it`,
    });
    expect(await readdir(dir)).toEqual([]);
  });
});

describe('LocalSigner', () => {
  it.each(KEY_TYPES)(
    'makes %s signatures that node:crypto and jose verify with the public JWK',
    async (algorithm, _members, length) => {
      const signer = await generateLocalKey(root, algorithm);
      const jwk = await signer.publicJwk();
      const data = new TextEncoder().encode('header.payload');

      const signature = await signer.sign(data);
      const jws = await compactJws(signer, '{"hello":"world"}');

      expect(signature.length).toBe(length);
      expect(nodeVerify(algorithm, jwk, data, signature)).toBe(true);
      expect(
        nodeVerify(algorithm, jwk, new TextEncoder().encode('header.payloae'), signature),
      ).toBe(false);
      const verified = await compactVerify(jws, await importJWK(jwk, algorithm));
      expect(new TextDecoder().decode(verified.payload)).toBe('{"hello":"world"}');
      expect(verified.protectedHeader).toEqual({ alg: algorithm, kid: signer.keyRef });
    },
  );

  it('returns a fresh copy of the public JWK on each call', async () => {
    const signer = await generateLocalKey(root, 'EdDSA');
    const first = await signer.publicJwk();
    first.kid = 'changed';

    const second = await signer.publicJwk();

    expect(second.kid).toBe(signer.keyRef);
  });

  it('refuses RSA keys shorter than 2048 bits and curves other than P-256', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey;
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey;

    expect(() => new LocalSigner({ privateKey: rsa, keyId: 'k' })).toThrow(
      'RSA keys must have at least 2048 bits, not 1024',
    );
    expect(() => new LocalSigner({ privateKey: p384, keyId: 'k' })).toThrow(
      'a key of type ec (secp384r1) cannot sign ES256, RS256 or EdDSA',
    );
  });
});

describe('loadLocalSigner', () => {
  it.each(KEY_TYPES)(
    'reads back a %s key file with the same id and public key',
    async (algorithm) => {
      const generated = await generateLocalKey(root, algorithm);

      const loaded = await loadLocalSigner(generated.path!);

      expect(loaded.algorithm).toBe(algorithm);
      expect(loaded.keyRef).toBe(generated.keyRef);
      expect(await loaded.publicJwk()).toEqual(await generated.publicJwk());
      const data = new TextEncoder().encode('signed by the loaded key');
      expect(
        nodeVerify(algorithm, await generated.publicJwk(), data, await loaded.sign(data)),
      ).toBe(true);
    },
  );

  it('refuses a key file that group and others can read', async () => {
    const signer = await generateLocalKey(root, 'ES256', 'issuer');
    await chmod(signer.path!, 0o644);

    const attempt = loadLocalSigner(signer.path!);

    await expect(attempt).rejects.toMatchObject({
      code: 'KEY_UNSUPPORTED',
      message: `key file ${signer.path} is accessible by group or others (mode 0644); run chmod 600 on it`,
    });
  });

  it('reports a missing key file as KEY_NOT_FOUND', async () => {
    const attempt = loadLocalSigner(join(root, 'absent.pem'));

    await expect(attempt).rejects.toMatchObject({
      code: 'KEY_NOT_FOUND',
      message: `no key file at ${join(root, 'absent.pem')}`,
    });
  });

  it('reports a file that holds no private key as INPUT_MALFORMED', async () => {
    const path = join(root, 'junk.pem');
    await writeFile(path, 'not a key\n', { mode: 0o600 });

    const attempt = loadLocalSigner(path);

    await expect(attempt).rejects.toMatchObject({ code: 'INPUT_MALFORMED' });
  });
});

describe('publicJwkOf', () => {
  it('refuses a key that does not fit the algorithm', async () => {
    const { publicKey } = generateKeyPairSync('ed25519');

    const attempt = publicJwkOf(publicKey, 'ES256');

    await expect(attempt).rejects.toMatchObject({
      code: 'KEY_UNSUPPORTED',
      message: 'the key signs EdDSA, not ES256',
    });
  });
});
