import { onFirstNeed } from '#shared/core/first-need.ts';
import type { KeyVault } from '#shared/domain/ports/key-vault.ts';
import type { ServiceConfig } from '../config.ts';

/**
 * The KMS client and key vault, loaded on first need: most first requests of a function that
 * may sign (a batch check, a status read, a pathway evaluation with nothing due) never sign, and
 * the KMS client with its protocol code is a chunk of the bundle of its own.
 */
const kmsVaultModules = onFirstNeed('the KMS key vault', async () => {
  const [{ KMSClient }, { KmsKeyVault }] = await Promise.all([
    import('@aws-sdk/client-kms'),
    import('#shared/adapters/kms/kms-key-vault.ts'),
  ]);
  return { KMSClient, KmsKeyVault };
});

/**
 * The KMS key vault of a function that creates or signs with issuer keys, tagged with the
 * stage so the function's role (which only reaches keys of its stage) can use what it creates.
 * The KMS client is loaded and built on the vault's first use; a failed load answers that
 * call with `PART_UNAVAILABLE` (503) and the next call loads again.
 *
 * @example
 * export const handler = apiFunction(config, { routes: issuanceRoutes, vault: kmsKeyVault(config) });
 */
export function kmsKeyVault(config: ServiceConfig): KeyVault {
  let vault: KeyVault | undefined;
  const ready = async (): Promise<KeyVault> => {
    const { KMSClient, KmsKeyVault } = await kmsVaultModules();
    vault ??= new KmsKeyVault({
      client: new KMSClient({}),
      aliasPrefix: config.kmsAliasPrefix,
      tags: { 'credstack:stage': config.stage },
    });
    return vault;
  };
  return {
    createKey: async (issuerId, algorithm) => (await ready()).createKey(issuerId, algorithm),
    signerFor: async (keyRef, algorithm) => (await ready()).signerFor(keyRef, algorithm),
  };
}
