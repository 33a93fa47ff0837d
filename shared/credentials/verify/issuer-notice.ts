import type { VerificationReport } from './report.ts';

/**
 * What every presentation of a report (the VC-API result, the verification page, the CLI)
 * says when a signature verified with a key that is not bound to the issuer. Such a
 * signature (an embedded jwk, someone's did:key or did:jwk) proves the content was not
 * altered, but anyone can make one in any issuer's name: a reader who sees only "verified"
 * would take a forgery for the issuer's credential.
 */

/**
 * The sentence a person reads when the signature verified with a key not bound to the issuer:
 * the content is intact, but anyone could have signed it in the issuer's name.
 *
 * @example
 * if (!report.issuerBinding.bound) notice(unboundKeyMessage(report));
 */
export function unboundKeyMessage(report: VerificationReport): string {
  const issuer = report.credential?.issuer;
  const id =
    typeof issuer === 'string'
      ? issuer
      : typeof issuer === 'object' && issuer !== null && 'id' in issuer
        ? String((issuer as { id: unknown }).id)
        : undefined;
  const who = id === undefined ? 'the issuer it names' : id;
  const key = report.issuerBinding.keyId ? ` ${report.issuerBinding.keyId}` : '';
  return `The signing key${key} is not bound to ${who}: the signature shows the credential was not altered, not that ${who} issued it (${report.issuerBinding.reason}).`;
}

/** True when a signature verified but its key is not the issuer's. */
export function signedByUnboundKey(report: VerificationReport): boolean {
  // A legacy suite's verified proof is a warning; an unknown proof type skipped is one too.
  const signed = report.checks.some(
    (check) =>
      check.id === 'proof' &&
      (check.outcome === 'passed' ||
        (check.outcome === 'warning' && / verified\b/.test(check.reason))),
  );
  return signed && !report.issuerBinding.bound;
}
