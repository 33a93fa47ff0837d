import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import {
  GetPublicKeyCommand,
  type GetPublicKeyCommandOutput,
  type KeySpec,
  type KMSClient,
  type MessageType,
  SignCommand,
  type SigningAlgorithmSpec,
} from '@aws-sdk/client-kms';
import type { JWK } from 'jose';
import { publicJwkOf } from '#shared/adapters/key-files/local-signer.ts';
import { CredstackError, describeError } from '#shared/core/errors.ts';
import { derToJoseSignature } from '#shared/credentials/crypto/ecdsa-der.ts';
import type { Signer, SigningAlgorithm } from '#shared/credentials/crypto/signer.ts';

/**
 * How each JOSE algorithm maps onto an asymmetric KMS key. ES256 and RS256 send a SHA-256
 * digest (`DIGEST`), so messages of any size can be signed; Ed25519 in KMS only offers pure
 * EdDSA over the raw message (`ED25519_SHA_512` requires `RAW`, at most 4096 bytes) — the
 * pre-hashed `ED25519_PH_SHA_512` is Ed25519ph, which JOSE `EdDSA` verifiers do not accept.
 * The infrastructure stack reads this map to create keys with the matching spec.
 *
 * @example
 * KMS_KEY_SPECS.ES256.keySpec; // 'ECC_NIST_P256'
 */
export const KMS_KEY_SPECS = {
  ES256: { keySpec: 'ECC_NIST_P256', signingAlgorithm: 'ECDSA_SHA_256', messageType: 'DIGEST' },
  RS256: {
    keySpec: 'RSA_2048',
    signingAlgorithm: 'RSASSA_PKCS1_V1_5_SHA_256',
    messageType: 'DIGEST',
  },
  EdDSA: {
    keySpec: 'ECC_NIST_EDWARDS25519',
    signingAlgorithm: 'ED25519_SHA_512',
    messageType: 'RAW',
  },
} as const satisfies Record<
  SigningAlgorithm,
  { keySpec: KeySpec; signingAlgorithm: SigningAlgorithmSpec; messageType: MessageType }
>;

/** KMS refuses RAW messages longer than this; DIGEST messages are 32 bytes. */
export const KMS_MAX_RAW_MESSAGE_BYTES = 4096;

/** Signature lengths KMS returns for our key specs, once converted to JOSE form. */
const JOSE_SIGNATURE_BYTES: Record<SigningAlgorithm, number> = { ES256: 64, RS256: 256, EdDSA: 64 };

export interface KmsSignerOptions {
  /** Injected so that the caller owns region, credentials and retries (and tests can mock it). */
  readonly client: KMSClient;
  /** Key id, key ARN, alias name (`alias/...`) or alias ARN. */
  readonly keyId: string;
  readonly algorithm: SigningAlgorithm;
}

function awsErrorName(error: unknown): string {
  return error instanceof Error ? error.name : 'Error';
}

/**
 * A Signer whose private key lives in AWS KMS and never leaves it.
 *
 * @example
 * const signer = new KmsSigner({ client: new KMSClient({}), keyId: 'alias/credstack-issuer', algorithm: 'ES256' });
 * const jwk = await signer.publicJwk();
 */
export class KmsSigner implements Signer {
  readonly algorithm: SigningAlgorithm;
  readonly keyRef: string;
  readonly #client: KMSClient;
  #jwk: Promise<JWK> | undefined;

  constructor(options: KmsSignerOptions) {
    if (!Object.hasOwn(KMS_KEY_SPECS, options.algorithm)) {
      throw new CredstackError(
        'KEY_UNSUPPORTED',
        `KMS signing does not support ${options.algorithm}`,
      );
    }
    if (options.keyId.length === 0) {
      throw new CredstackError('KEY_NOT_FOUND', 'a KMS signer needs a key id');
    }
    this.algorithm = options.algorithm;
    this.keyRef = options.keyId;
    this.#client = options.client;
  }

  /** Signs `data` with the KMS key and returns the JOSE form of the signature. */
  async sign(data: Uint8Array): Promise<Uint8Array> {
    const spec = KMS_KEY_SPECS[this.algorithm];
    let message: Uint8Array;
    if (spec.messageType === 'DIGEST') {
      message = createHash('sha256').update(data).digest();
    } else {
      if (data.length > KMS_MAX_RAW_MESSAGE_BYTES) {
        throw new CredstackError(
          'INPUT_TOO_LARGE',
          `KMS signs ${this.algorithm} only over the raw message, at most ${KMS_MAX_RAW_MESSAGE_BYTES} bytes; this one has ${data.length}. Use ES256 or RS256 for larger credentials`,
        );
      }
      message = data;
    }
    let signature: Uint8Array | undefined;
    let usedAlgorithm: string | undefined;
    try {
      const output = await this.#client.send(
        new SignCommand({
          KeyId: this.keyRef,
          Message: message,
          MessageType: spec.messageType,
          SigningAlgorithm: spec.signingAlgorithm,
        }),
      );
      signature = output.Signature;
      usedAlgorithm = output.SigningAlgorithm;
    } catch (error) {
      throw new CredstackError(
        'SIGNING_FAILED',
        `KMS Sign with key ${this.keyRef} failed: ${awsErrorName(error)}: ${describeError(error)}`,
        { cause: error },
      );
    }
    if (signature === undefined) {
      throw new CredstackError(
        'SIGNING_FAILED',
        `KMS Sign with key ${this.keyRef} returned no signature`,
      );
    }
    if (usedAlgorithm !== undefined && usedAlgorithm !== spec.signingAlgorithm) {
      throw new CredstackError(
        'SIGNING_FAILED',
        `KMS signed with ${usedAlgorithm}, not the requested ${spec.signingAlgorithm}`,
      );
    }
    const jose = this.algorithm === 'ES256' ? derToJoseSignature(signature, 32) : signature;
    if (jose.length !== JOSE_SIGNATURE_BYTES[this.algorithm]) {
      throw new CredstackError(
        'SIGNING_FAILED',
        `KMS returned a ${jose.length}-byte ${this.algorithm} signature; expected ${JOSE_SIGNATURE_BYTES[this.algorithm]}`,
      );
    }
    return new Uint8Array(jose);
  }

  /**
   * The public key as a JWK with `alg`, `use: 'sig'` and its thumbprint as `kid`. KMS is asked
   * once; a failed request is not cached, so a later call can retry.
   */
  async publicJwk(): Promise<JWK> {
    this.#jwk ??= this.#fetchPublicJwk().catch((error: unknown) => {
      this.#jwk = undefined;
      throw error;
    });
    return { ...(await this.#jwk) };
  }

  async #fetchPublicJwk(): Promise<JWK> {
    const spec = KMS_KEY_SPECS[this.algorithm];
    let output: GetPublicKeyCommandOutput;
    try {
      output = await this.#client.send(new GetPublicKeyCommand({ KeyId: this.keyRef }));
    } catch (error) {
      throw new CredstackError(
        'SIGNING_FAILED',
        `KMS GetPublicKey for key ${this.keyRef} failed: ${awsErrorName(error)}: ${describeError(error)}`,
        { cause: error },
      );
    }
    if (output.KeySpec !== spec.keySpec) {
      throw new CredstackError(
        'KEY_UNSUPPORTED',
        `KMS key ${this.keyRef} has key spec ${output.KeySpec ?? '(none)'}, but ${this.algorithm} needs ${spec.keySpec}`,
      );
    }
    if (output.KeyUsage !== undefined && output.KeyUsage !== 'SIGN_VERIFY') {
      throw new CredstackError(
        'KEY_UNSUPPORTED',
        `KMS key ${this.keyRef} has key usage ${output.KeyUsage}, not SIGN_VERIFY`,
      );
    }
    if (!output.SigningAlgorithms?.includes(spec.signingAlgorithm)) {
      throw new CredstackError(
        'KEY_UNSUPPORTED',
        `KMS key ${this.keyRef} offers ${output.SigningAlgorithms?.join(', ') || 'no signing algorithms'}, not ${spec.signingAlgorithm}`,
      );
    }
    if (output.PublicKey === undefined) {
      throw new CredstackError(
        'KEY_NOT_FOUND',
        `KMS GetPublicKey for key ${this.keyRef} returned no key`,
      );
    }
    let publicKey: KeyObject;
    try {
      publicKey = createPublicKey({
        key: Buffer.from(output.PublicKey),
        format: 'der',
        type: 'spki',
      });
    } catch (error) {
      throw new CredstackError(
        'KEY_UNSUPPORTED',
        `KMS key ${this.keyRef}: the public key is not a DER SubjectPublicKeyInfo`,
        { cause: error },
      );
    }
    return publicJwkOf(publicKey, this.algorithm);
  }
}
