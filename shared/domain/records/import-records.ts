import { createHash } from 'node:crypto';
import {
  credentialFromJwtPayload,
  decodeCompactJws,
} from '#shared/credentials/proof/vc-jwt-verify.ts';
import type { ImportRecord } from './search-records.ts';

/**
 * What the import use cases, the candidate index and search share about a stored import: its
 * id, where it is re-verified, and its credential. Kept apart from the use cases so the
 * indexer can read imports without depending on the code that writes them.
 */

/**
 * The import id of a credential in a learner's wallet: derived from the credential id, so
 * importing the same credential twice is a conflict, and the id can be found from the index.
 *
 * @example
 * importIdFor('urn:uuid:91537dba-56cb-11ec-bf63-0242ac130002'); // 'x4u…' (43 characters)
 */
export function importIdFor(credentialId: string): string {
  return createHash('sha256').update(credentialId).digest('base64url');
}

/**
 * Where an employer allowed to see the learner re-verifies an imported badge.
 *
 * @example
 * importVerifyUrl('https://api.example', 'ada', id); // 'https://api.example/candidates/ada/credentials/<id>'
 */
export function importVerifyUrl(baseUrl: string, learnerId: string, importId: string): string {
  return `${baseUrl}/candidates/${encodeURIComponent(learnerId)}/credentials/${importId}`;
}

/**
 * The credential JSON of an import (the payload's credential for a VC-JWT).
 *
 * @example
 * importedCredentialJson(record).issuer;
 */
export function importedCredentialJson(record: ImportRecord): Record<string, unknown> {
  if (record.signed.startsWith('{')) return JSON.parse(record.signed) as Record<string, unknown>;
  return credentialFromJwtPayload(decodeCompactJws(record.signed).payload).credential;
}
