import { constants, type KeyObject, privateEncrypt, sign } from 'node:crypto';
import type { SignCommandInput } from '@aws-sdk/client-kms';
import { p256 } from '@noble/curves/nist.js';

/** DER DigestInfo prefix of a SHA-256 digest (RFC 8017 §9.2), as KMS prepends it for RSA. */
const SHA256_DIGEST_INFO = Buffer.from('3031300d060960864801650304020105000420', 'hex');

/**
 * Signs as AWS KMS does, in KMS's own encodings, with a real private key: ECDSA over the given
 * digest, DER-encoded (noble, so the test does not reuse the code under test); RSA PKCS#1 v1.5
 * over DigestInfo ‖ digest; Ed25519 over the raw message. Used by the mocked KMS clients.
 *
 * @example
 * kms.on(SignCommand).callsFake((input) => ({ Signature: signLikeKms(key, input) }));
 */
export function signLikeKms(privateKey: KeyObject, input: SignCommandInput): Uint8Array {
  const message = input.Message!;
  if (input.SigningAlgorithm === 'ECDSA_SHA_256' && input.MessageType === 'DIGEST') {
    const secret = Buffer.from(privateKey.export({ format: 'jwk' }).d!, 'base64url');
    return p256.sign(message, secret, { prehash: false, format: 'der', lowS: false });
  }
  if (input.SigningAlgorithm === 'RSASSA_PKCS1_V1_5_SHA_256' && input.MessageType === 'DIGEST') {
    return privateEncrypt(
      { key: privateKey, padding: constants.RSA_PKCS1_PADDING },
      Buffer.concat([SHA256_DIGEST_INFO, message]),
    );
  }
  if (input.SigningAlgorithm === 'ED25519_SHA_512' && input.MessageType === 'RAW') {
    return sign(null, message, privateKey);
  }
  throw new Error(`the fake KMS does not sign ${input.SigningAlgorithm}/${input.MessageType}`);
}
