import { KMSClient } from '@aws-sdk/client-kms';
import { KmsKeyVault } from '#shared/adapters/kms/kms-key-vault.ts';
import type { ServiceConfig } from '../config.ts';

/**
 * The KMS key vault of a function that creates or signs with issuer keys, tagged with the
 * stage so the function's role (which only reaches keys of its stage) can use what it creates.
 *
 * @example
 * export const handler = apiFunction(config, { routes: issuanceRoutes, vault: kmsKeyVault(config) });
 */
export function kmsKeyVault(config: ServiceConfig, client = new KMSClient({})): KmsKeyVault {
  return new KmsKeyVault({
    client,
    aliasPrefix: config.kmsAliasPrefix,
    tags: { 'credstack:stage': config.stage },
  });
}
