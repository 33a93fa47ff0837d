// The key vault port is owned by the vault folder, next to its adapters (key files, KMS), so the
// adapters need nothing from the service layer; shared/domain/ports/repositories.ts re-exports it.
import type { Signer, SigningAlgorithm } from '#shared/credentials/crypto/signer.ts';

/** Creates and opens signing keys. In AWS: KMS keys tagged with their issuer; locally: key files. */
export interface KeyVault {
  createKey(
    issuerId: string,
    algorithm: SigningAlgorithm,
  ): Promise<{ readonly keyRef: string; readonly signer: Signer }>;
  signerFor(keyRef: string, algorithm: SigningAlgorithm): Promise<Signer>;
}
