import {
  CreateAliasCommand,
  CreateKeyCommand,
  type KMSClient,
  ScheduleKeyDeletionCommand,
  type Tag,
} from '@aws-sdk/client-kms';
import { KMS_KEY_SPECS, KmsSigner } from '#shared/adapters/kms/kms-signer.ts';
import { type Clock, systemClock } from '#shared/core/clock.ts';
import { CredstackError, describeError } from '#shared/core/errors.ts';
import type { Signer, SigningAlgorithm } from '#shared/credentials/crypto/signer.ts';
import type { KeyVault } from '#shared/domain/ports/key-vault.ts';

/**
 * The tag naming the issuer a KMS key belongs to. Key policies and IAM conditions
 * (`aws:ResourceTag/credstack:issuer`) scope who may sign with which issuer's keys by it.
 */
export const KMS_ISSUER_TAG = 'credstack:issuer';

/** Default alias prefix: aliases read `alias/credstack/<issuerId>/<alg>-<timestamp>`. */
export const DEFAULT_KMS_ALIAS_PREFIX = 'credstack';

/** Days before a key whose alias could not be created is deleted (the KMS minimum is 7). */
const ORPHAN_DELETION_DAYS = 7;

export interface KmsKeyVaultOptions {
  /** Injected: the caller owns region, credentials and retries (and tests can mock it). */
  readonly client: KMSClient;
  /** Alias path under `alias/` (default `credstack`). */
  readonly aliasPrefix?: string;
  /** Extra tags on every key (e.g. stage, cost centre); `credstack:issuer` is always set. */
  readonly tags?: Readonly<Record<string, string>>;
  /** Source of the alias timestamp. */
  readonly clock?: Clock;
}

// Alias names allow A–Z a–z 0–9 / _ -; the issuer id is one path segment of it.
const ISSUER_ID = /^[A-Za-z0-9_-]{1,128}$/;
const ALIAS_PREFIX = /^[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)*$/;

function awsError(action: string, error: unknown): string {
  const name = error instanceof Error ? error.name : 'Error';
  return `KMS ${action} failed: ${name}: ${describeError(error)}`;
}

/**
 * A KeyVault over AWS KMS: each issuer key is an asymmetric SIGN_VERIFY KMS key tagged
 * `credstack:issuer=<issuerId>` with an alias for people to find it by; the key reference is
 * the key ARN. The private key never leaves KMS. Signers are cached, so each key's public key
 * is fetched from KMS once per process.
 *
 * @example
 * const vault = new KmsKeyVault({ client: new KMSClient({}), tags: { stage: 'prod' } });
 * const { keyRef, signer } = await vault.createKey('northfield', 'ES256');
 */
export class KmsKeyVault implements KeyVault {
  readonly #client: KMSClient;
  readonly #aliasPrefix: string;
  readonly #tags: readonly Tag[];
  readonly #clock: Clock;
  readonly #signers = new Map<string, KmsSigner>();

  constructor(options: KmsKeyVaultOptions) {
    const prefix = options.aliasPrefix ?? DEFAULT_KMS_ALIAS_PREFIX;
    if (!ALIAS_PREFIX.test(prefix) || /^aws(\/|$)/i.test(prefix)) {
      throw new CredstackError(
        'INPUT_MALFORMED',
        `KMS alias prefix "${prefix}" must be segments of A–Z a–z 0–9 _ - and not start with aws`,
      );
    }
    this.#client = options.client;
    this.#aliasPrefix = prefix;
    this.#tags = Object.entries(options.tags ?? {})
      .filter(([key]) => key !== KMS_ISSUER_TAG)
      .map(([TagKey, TagValue]) => ({ TagKey, TagValue }));
    this.#clock = options.clock ?? systemClock;
  }

  async createKey(
    issuerId: string,
    algorithm: SigningAlgorithm,
  ): Promise<{ readonly keyRef: string; readonly signer: Signer }> {
    if (!ISSUER_ID.test(issuerId)) {
      throw new CredstackError(
        'INPUT_MALFORMED',
        `issuer id "${issuerId}" cannot be part of a KMS alias (A–Z a–z 0–9 _ -)`,
      );
    }
    if (!Object.hasOwn(KMS_KEY_SPECS, algorithm)) {
      throw new CredstackError('KEY_UNSUPPORTED', `KMS keys cannot sign ${String(algorithm)}`);
    }
    const spec = KMS_KEY_SPECS[algorithm];
    let arn: string | undefined;
    try {
      const output = await this.#client.send(
        new CreateKeyCommand({
          KeySpec: spec.keySpec,
          KeyUsage: 'SIGN_VERIFY',
          Description: `credstack ${algorithm} signing key of issuer ${issuerId}`,
          Tags: [{ TagKey: KMS_ISSUER_TAG, TagValue: issuerId }, ...this.#tags],
        }),
      );
      arn = output.KeyMetadata?.Arn;
    } catch (error) {
      throw new CredstackError('SIGNING_FAILED', awsError('CreateKey', error), { cause: error });
    }
    if (arn === undefined) {
      throw new CredstackError('SIGNING_FAILED', 'KMS CreateKey returned no key ARN');
    }
    // Milliseconds keep two keys made in the same second apart; alias names allow no `:` or `.`.
    const stamp = this.#clock.now().toISOString().replace(/[-:.]/g, '');
    const aliasName = `alias/${this.#aliasPrefix}/${issuerId}/${algorithm.toLowerCase()}-${stamp}`;
    try {
      await this.#client.send(new CreateAliasCommand({ AliasName: aliasName, TargetKeyId: arn }));
    } catch (error) {
      // An unnamed key is not left behind to be paid for: it is scheduled for deletion.
      try {
        await this.#client.send(
          new ScheduleKeyDeletionCommand({ KeyId: arn, PendingWindowInDays: ORPHAN_DELETION_DAYS }),
        );
      } catch {
        // Best effort: the alias failure is the error to report; the tag still finds the key.
      }
      throw new CredstackError('SIGNING_FAILED', awsError(`CreateAlias ${aliasName}`, error), {
        cause: error,
      });
    }
    return { keyRef: arn, signer: this.#signer(arn, algorithm) };
  }

  async signerFor(keyRef: string, algorithm: SigningAlgorithm): Promise<Signer> {
    return this.#signer(keyRef, algorithm);
  }

  #signer(keyRef: string, algorithm: SigningAlgorithm): KmsSigner {
    const cacheKey = `${algorithm} ${keyRef}`;
    let signer = this.#signers.get(cacheKey);
    if (signer === undefined) {
      signer = new KmsSigner({ client: this.#client, keyId: keyRef, algorithm });
      this.#signers.set(cacheKey, signer);
    }
    return signer;
  }
}
