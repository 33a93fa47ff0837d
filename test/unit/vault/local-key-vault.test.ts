import { createPublicKey, verify } from 'node:crypto';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JWK } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalKeyVault } from '#shared/adapters/key-files/local-key-vault.ts';
import { generateLocalKey } from '#shared/adapters/key-files/local-signer.ts';
import type { Signer, SigningAlgorithm } from '#shared/credentials/crypto/signer.ts';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'credstack-vault-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const DATA = new TextEncoder().encode('header.payload');

async function verifies(signer: Signer, jwk: JWK): Promise<boolean> {
  const signature = await signer.sign(DATA);
  const key = createPublicKey({ key: jwk as never, format: 'jwk' });
  const digest = signer.algorithm === 'EdDSA' ? null : 'sha256';
  const options = signer.algorithm === 'ES256' ? { key, dsaEncoding: 'ieee-p1363' as const } : key;
  return verify(digest, DATA, options, signature);
}

describe('LocalKeyVault', () => {
  it.each<SigningAlgorithm>(['ES256', 'EdDSA'])(
    'creates an %s key file (0600 in a 0700 directory) named by its reference',
    async (algorithm) => {
      const vault = new LocalKeyVault({ dir });

      const { keyRef, signer } = await vault.createKey('northfield', algorithm);

      const [issuerId, keyId] = keyRef.split('/');
      expect(issuerId).toBe('northfield');
      expect(signer.keyRef).toBe(keyRef);
      expect(signer.algorithm).toBe(algorithm);
      expect((await signer.publicJwk()).kid).toBe(keyId);
      expect(await readdir(join(dir, 'northfield'))).toEqual([`${keyId}.pem`]);
      expect((await stat(join(dir, 'northfield', `${keyId}.pem`))).mode & 0o777).toBe(0o600);
      expect((await stat(join(dir, 'northfield'))).mode & 0o777).toBe(0o700);
      expect(await verifies(signer, await signer.publicJwk())).toBe(true);
    },
  );

  it('opens a key created earlier, in a fresh vault, and signs with it', async () => {
    const { keyRef, signer: created } = await new LocalKeyVault({ dir }).createKey(
      'northfield',
      'RS256',
    );
    const vault = new LocalKeyVault({ dir });

    const signer = await vault.signerFor(keyRef, 'RS256');

    expect(signer.keyRef).toBe(keyRef);
    expect(await signer.publicJwk()).toEqual(await created.publicJwk());
    expect(await verifies(signer, await created.publicJwk())).toBe(true);
  });

  it('loads a signer once and serves it from memory after', async () => {
    const { keyRef } = await new LocalKeyVault({ dir }).createKey('northfield', 'ES256');
    const vault = new LocalKeyVault({ dir });

    const [first, second] = await Promise.all([
      vault.signerFor(keyRef, 'ES256'),
      vault.signerFor(keyRef, 'ES256'),
    ]);
    await rm(join(dir, 'northfield'), { recursive: true });
    const third = await vault.signerFor(keyRef, 'ES256');

    expect(second).toBe(first);
    expect(third).toBe(first);
  });

  it('refuses a key for another algorithm with KEY_UNSUPPORTED', async () => {
    const vault = new LocalKeyVault({ dir });
    const { keyRef } = await vault.createKey('northfield', 'ES256');

    await expect(vault.signerFor(keyRef, 'EdDSA')).rejects.toMatchObject({
      name: 'CredstackError',
      code: 'KEY_UNSUPPORTED',
    });
  });

  it('answers KEY_NOT_FOUND for a well-formed reference with no key file, and retries later', async () => {
    const vault = new LocalKeyVault({ dir });

    const missing = vault.signerFor('northfield/absent', 'ES256');
    await expect(missing).rejects.toMatchObject({ code: 'KEY_NOT_FOUND' });
    await generateLocalKey(join(dir, 'northfield'), 'ES256', 'absent');
    const found = await vault.signerFor('northfield/absent', 'ES256');

    expect(found.keyRef).toBe('northfield/absent');
    expect(await verifies(found, await found.publicJwk())).toBe(true);
  });

  it.each([
    '../outside',
    'northfield/../../etc/passwd',
    '/etc/passwd',
    'northfield/sub/key',
    'northfield/.hidden',
    '../northfield',
    'northfield/..',
    '',
  ])(
    'refuses the reference %j, which would leave the vault, with KEY_NOT_FOUND',
    async (keyRef) => {
      const vault = new LocalKeyVault({ dir });

      await expect(vault.signerFor(keyRef, 'ES256')).rejects.toMatchObject({
        code: 'KEY_NOT_FOUND',
      });
    },
  );

  it('refuses an issuer id that is not one directory name with INPUT_MALFORMED', async () => {
    const vault = new LocalKeyVault({ dir: join(dir, 'vault') });

    const create = vault.createKey('../escape', 'ES256');

    await expect(create).rejects.toMatchObject({ code: 'INPUT_MALFORMED' });
    expect(await readdir(dir)).toEqual([]);
  });
});
