import { describeError, reportReason } from '#shared/core/errors.ts';
import type { Fetcher } from '#shared/credentials/fetch/fetcher.ts';
import { checkStatusUrl, fetchStatusDocument, isObject } from './status-document.ts';
import type { StatusResult } from './status-result.ts';

/**
 * The 1EdTech Revocation List Status Method (`1EdTechRevocationList`, used by Open Badges
 * 3.0): the status entry's `id` is the URL of the issuer's revocation list, a JSON document
 * whose `revokedCredentials` array holds objects with the `id` of each revoked credential,
 * an optional `revoked` flag and an optional `revocationReason`. A credential is revoked
 * when its id is listed and `revoked` is true or absent.
 */

const TYPE = '1EdTechRevocationList';

function idOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  return isObject(value) && typeof value.id === 'string' ? value.id : undefined;
}

/**
 * Checks a `1EdTechRevocationList` status entry of `credential` against the list it names.
 *
 * @example
 * const result = await checkRevocationListEntry(credential.credentialStatus, credential, fetcher);
 */
export async function checkRevocationListEntry(
  entry: Record<string, unknown>,
  credential: Record<string, unknown>,
  fetcher: Fetcher,
): Promise<StatusResult> {
  const result = (outcome: StatusResult['outcome'], reason: string): StatusResult => ({
    type: TYPE,
    purpose: 'revocation',
    outcome,
    reason,
  });
  let url: string;
  try {
    url = checkStatusUrl(entry.id, 'the revocation list id');
  } catch (error) {
    return result('error', describeError(error));
  }
  const credentialId = credential.id;
  if (typeof credentialId !== 'string')
    return result(
      'error',
      'the credential has no id, so it cannot be looked up in its revocation list',
    );

  let list: Record<string, unknown>;
  try {
    const document = await fetchStatusDocument(
      fetcher,
      url,
      'application/json, application/ld+json;q=0.9',
    );
    if (document.kind !== 'json')
      return result('error', `the revocation list at ${url} is a JWT, not a JSON document`);
    list = document.value;
  } catch (error) {
    return result(
      'error',
      reportReason(
        error,
        `the revocation list at ${url}`,
        (message) => `the revocation list at ${url} could not be read: ${message}`,
      ),
    );
  }

  const listIssuer = idOf(list.issuer);
  const credentialIssuer = idOf(credential.issuer);
  if (listIssuer !== undefined && credentialIssuer !== undefined && listIssuer !== credentialIssuer)
    return result(
      'error',
      `the revocation list at ${url} belongs to ${listIssuer}, not to the credential's issuer ${credentialIssuer}`,
    );

  // The specification names the array revokedCredentials; the 1EdTech validator reads
  // revokedCredential, so lists written for it are accepted too.
  const entries = list.revokedCredentials ?? list.revokedCredential;
  if (!Array.isArray(entries))
    return result(
      'error',
      `the document at ${url} is not a revocation list: it has no revokedCredentials array`,
    );

  for (const item of entries) {
    if (idOf(item) !== credentialId) continue;
    const revoked = isObject(item) ? item.revoked : undefined;
    if (revoked === false) continue;
    const why =
      isObject(item) && typeof item.revocationReason === 'string'
        ? item.revocationReason
        : undefined;
    return result(
      'revoked',
      `the issuer's revocation list at ${url} lists ${credentialId} as revoked${why ? `: ${why}` : ''}`,
    );
  }
  return result(
    'active',
    `${credentialId} is not among the ${entries.length} credentials the revocation list at ${url} names as revoked`,
  );
}
