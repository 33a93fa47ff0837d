import { join, relative, resolve, sep } from 'node:path';
import { keyFilePath } from '#shared/adapters/key-files/key-files.ts';
import { generateLocalKey, loadLocalSigner } from '#shared/adapters/key-files/local-signer.ts';
import { CredstackError } from '#shared/core/errors.ts';
import type { Signer, SigningAlgorithm } from '#shared/credentials/crypto/signer.ts';
import type { KeyVault } from '#shared/domain/ports/key-vault.ts';

export interface LocalKeyVaultOptions {
  /** Root of the vault: each issuer's keys are PEM files in `<dir>/<issuerId>/`. */
  readonly dir: string;
}

// One path segment: no separators, no leading dot (so neither `.` nor `..`).
const SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$/;

/** The signer under the vault's reference, so `signer.keyRef` is what `signerFor` takes. */
function underKeyRef(signer: Signer, keyRef: string): Signer {
  return {
    algorithm: signer.algorithm,
    keyRef,
    sign: (data) => signer.sign(data),
    publicJwk: () => signer.publicJwk(),
  };
}

/**
 * A KeyVault over key files, for the local runtime and tests: `createKey` writes a new PKCS#8
 * PEM (mode 0600, directories 0700) to `<dir>/<issuerId>/<keyId>.pem`, and the key reference
 * is `<issuerId>/<keyId>`. Signers are loaded once and kept in memory.
 *
 * @example
 * const vault = new LocalKeyVault({ dir: '.data/keys' });
 * const { keyRef } = await vault.createKey('northfield', 'ES256'); // 'northfield/<thumbprint>'
 * const signer = await vault.signerFor(keyRef, 'ES256');
 */
export class LocalKeyVault implements KeyVault {
  readonly #dir: string;
  readonly #signers = new Map<string, Promise<Signer>>();

  constructor(options: LocalKeyVaultOptions) {
    this.#dir = resolve(options.dir);
  }

  async createKey(
    issuerId: string,
    algorithm: SigningAlgorithm,
  ): Promise<{ readonly keyRef: string; readonly signer: Signer }> {
    if (!SEGMENT.test(issuerId)) {
      throw new CredstackError(
        'INPUT_MALFORMED',
        `issuer id "${issuerId}" cannot name a key directory (A–Z a–z 0–9 . _ -, no leading dot)`,
      );
    }
    const local = await generateLocalKey(join(this.#dir, issuerId), algorithm);
    const keyRef = `${issuerId}/${local.keyRef}`;
    const signer = underKeyRef(local, keyRef);
    this.#signers.set(keyRef, Promise.resolve(signer));
    return { keyRef, signer };
  }

  async signerFor(keyRef: string, algorithm: SigningAlgorithm): Promise<Signer> {
    let pending = this.#signers.get(keyRef);
    if (pending === undefined) {
      pending = this.#load(keyRef);
      this.#signers.set(keyRef, pending);
      // A failed load is not kept: the file may appear or be fixed later.
      pending.catch(() => this.#signers.delete(keyRef));
    }
    const signer = await pending;
    if (signer.algorithm !== algorithm) {
      throw new CredstackError(
        'KEY_UNSUPPORTED',
        `local key ${keyRef} signs ${signer.algorithm}, not ${algorithm}`,
      );
    }
    return signer;
  }

  async #load(keyRef: string): Promise<Signer> {
    return underKeyRef(await loadLocalSigner(this.#pathOf(keyRef)), keyRef);
  }

  /** The key file of `keyRef`, refusing any reference that would leave the vault directory. */
  #pathOf(keyRef: string): string {
    const parts = keyRef.split('/');
    const [issuerId, keyId] = parts;
    if (
      parts.length !== 2 ||
      issuerId === undefined ||
      keyId === undefined ||
      !SEGMENT.test(issuerId) ||
      !SEGMENT.test(keyId)
    ) {
      throw new CredstackError(
        'KEY_NOT_FOUND',
        `"${keyRef}" is not a key reference of this vault (<issuerId>/<keyId>)`,
      );
    }
    const path = keyFilePath(join(this.#dir, issuerId), keyId);
    // Belt and braces: the segment rules already exclude `..`, separators and absolute paths.
    const inside = relative(this.#dir, path);
    if (inside.startsWith('..') || inside.startsWith(sep) || resolve(this.#dir, inside) !== path) {
      throw new CredstackError('KEY_NOT_FOUND', `key reference ${keyRef} leaves the vault`);
    }
    return path;
  }
}
