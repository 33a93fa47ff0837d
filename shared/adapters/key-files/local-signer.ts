import {
  createPrivateKey,
  createPublicKey,
  sign as cryptoSign,
  generateKeyPair,
  type KeyObject,
} from 'node:crypto';
import { promisify } from 'node:util';
import { calculateJwkThumbprint, type JWK } from 'jose';
import {
  assertLocalKeyId,
  keyFilePath,
  keyIdFromPath,
  readPrivateKeyFile,
  writePrivateKeyFile,
} from '#shared/adapters/key-files/key-files.ts';
import { CredstackError, describeError } from '#shared/core/errors.ts';
import type { Signer, SigningAlgorithm } from '#shared/credentials/crypto/signer.ts';

/**
 * The JOSE algorithm a key can sign with: P-256 → ES256, RSA of at least 2048 bits → RS256,
 * Ed25519 → EdDSA. Anything else is `KEY_UNSUPPORTED`.
 *
 * @example
 * signingAlgorithmOf(createPublicKey(pem)); // 'ES256'
 */
export function signingAlgorithmOf(key: KeyObject): SigningAlgorithm {
  const type = key.asymmetricKeyType;
  if (type === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') return 'ES256';
  if (type === 'rsa') {
    const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
    if (bits >= 2048) return 'RS256';
    throw new CredstackError(
      'KEY_UNSUPPORTED',
      `RSA keys must have at least 2048 bits, not ${bits}`,
    );
  }
  if (type === 'ed25519') return 'EdDSA';
  const curve = key.asymmetricKeyDetails?.namedCurve;
  throw new CredstackError(
    'KEY_UNSUPPORTED',
    `a key of type ${type ?? 'secret'}${curve ? ` (${curve})` : ''} cannot sign ES256, RS256 or EdDSA`,
  );
}

/**
 * The public JWK of `key` (public or private) with `alg`, `use: 'sig'` and `kid` — the RFC
 * 7638 SHA-256 thumbprint when no kid is given. `KEY_UNSUPPORTED` if the key does not fit
 * `algorithm`.
 *
 * @example
 * const jwk = await publicJwkOf(publicKey, 'ES256'); // { kty: 'EC', crv: 'P-256', x, y, alg, kid, use }
 */
export async function publicJwkOf(
  key: KeyObject,
  algorithm: SigningAlgorithm,
  kid?: string,
): Promise<JWK> {
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  const actual = signingAlgorithmOf(publicKey);
  if (actual !== algorithm) {
    throw new CredstackError('KEY_UNSUPPORTED', `the key signs ${actual}, not ${algorithm}`);
  }
  const jwk = publicKey.export({ format: 'jwk' }) as JWK;
  return {
    ...jwk,
    alg: algorithm,
    kid: kid ?? (await calculateJwkThumbprint(jwk, 'sha256')),
    use: 'sig',
  };
}

export interface LocalSignerOptions {
  readonly privateKey: KeyObject;
  /** The local key id: the key file's name without `.pem`, and the JWK `kid`. */
  readonly keyId: string;
  /** The key file the key came from, if any. */
  readonly path?: string;
}

/**
 * A Signer over a private key held in process memory, for development and the local runtime.
 * Signing runs on the libuv thread pool (the callback form of `crypto.sign`), so RSA
 * signatures do not block the event loop.
 *
 * @example
 * const signer = await loadLocalSigner('.data/keys/issuer.pem');
 * const signature = await signer.sign(new TextEncoder().encode('header.payload'));
 */
export class LocalSigner implements Signer {
  readonly algorithm: SigningAlgorithm;
  readonly keyRef: string;
  readonly path: string | undefined;
  readonly #privateKey: KeyObject;
  #jwk: Promise<JWK> | undefined;

  constructor(options: LocalSignerOptions) {
    if (options.privateKey.type !== 'private') {
      throw new CredstackError('KEY_UNSUPPORTED', 'a LocalSigner needs a private key');
    }
    assertLocalKeyId(options.keyId);
    this.algorithm = signingAlgorithmOf(options.privateKey);
    this.keyRef = options.keyId;
    this.path = options.path;
    this.#privateKey = options.privateKey;
  }

  /** Signs `data` and returns the JOSE form of the signature (ES256: 64-byte r‖s). */
  sign(data: Uint8Array): Promise<Uint8Array> {
    const digest = this.algorithm === 'EdDSA' ? null : 'sha256';
    const key =
      this.algorithm === 'ES256'
        ? { key: this.#privateKey, dsaEncoding: 'ieee-p1363' as const }
        : this.#privateKey;
    return new Promise((resolve, reject) => {
      cryptoSign(digest, data, key, (error, signature) => {
        if (error) {
          reject(
            new CredstackError(
              'SIGNING_FAILED',
              `local ${this.algorithm} signing failed: ${describeError(error)}`,
              {
                cause: error,
              },
            ),
          );
        } else {
          resolve(new Uint8Array(signature));
        }
      });
    });
  }

  /** The public key as a JWK with `alg`, `kid` (the local key id) and `use: 'sig'`. */
  async publicJwk(): Promise<JWK> {
    this.#jwk ??= publicJwkOf(this.#privateKey, this.algorithm, this.keyRef);
    // A copy per call: callers may decorate the JWK without touching the cached one.
    return { ...(await this.#jwk) };
  }
}

const generateKeyPairAsync = promisify(generateKeyPair);

async function generatePrivateKey(algorithm: SigningAlgorithm): Promise<KeyObject> {
  if (algorithm === 'ES256') {
    return (await generateKeyPairAsync('ec', { namedCurve: 'P-256' })).privateKey;
  }
  if (algorithm === 'RS256') {
    return (await generateKeyPairAsync('rsa', { modulusLength: 2048 })).privateKey;
  }
  if (algorithm === 'EdDSA') return (await generateKeyPairAsync('ed25519')).privateKey;
  throw new CredstackError('KEY_UNSUPPORTED', `cannot generate a key for ${String(algorithm)}`);
}

/**
 * Generates a key for `algorithm` (P-256, RSA-2048 or Ed25519), writes it as a PKCS#8 PEM to
 * `<dir>/<keyId>.pem` with mode 0600 (the directory 0700 if created) and returns its signer.
 * Without a `keyId`, the key's RFC 7638 thumbprint is the id.
 *
 * @example
 * const signer = await generateLocalKey('.data/keys', 'ES256');
 * signer.path; // '.data/keys/<thumbprint>.pem'
 */
export async function generateLocalKey(
  dir: string,
  algorithm: SigningAlgorithm,
  keyId?: string,
): Promise<LocalSigner> {
  if (keyId !== undefined) assertLocalKeyId(keyId);
  const privateKey = await generatePrivateKey(algorithm);
  const id =
    keyId ??
    (await calculateJwkThumbprint(createPublicKey(privateKey).export({ format: 'jwk' }) as JWK));
  const path = keyFilePath(dir, id);
  const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }) as string;
  await writePrivateKeyFile(path, pem);
  return new LocalSigner({ privateKey, keyId: id, path });
}

/**
 * Loads the signer of a key file written by {@link generateLocalKey}. Refuses a file that
 * group or others can access (`KEY_UNSUPPORTED`); the key id is the file name without `.pem`.
 *
 * @example
 * const signer = await loadLocalSigner('.data/keys/issuer-2026.pem');
 */
export async function loadLocalSigner(path: string): Promise<LocalSigner> {
  const keyId = keyIdFromPath(path);
  const pem = await readPrivateKeyFile(path);
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: pem, format: 'pem' });
  } catch (error) {
    throw new CredstackError(
      'INPUT_MALFORMED',
      `${path} does not hold an unencrypted PEM private key`,
      {
        cause: error,
      },
    );
  }
  return new LocalSigner({ privateKey, keyId, path });
}
