import { signedByUnboundKey, unboundKeyMessage } from '#shared/credentials/verify/issuer-notice.ts';
import type { VerificationReport } from '#shared/credentials/verify/report.ts';
import type { Verifier } from '#shared/credentials/verify/verifier.ts';
import { ServiceError } from './errors.ts';

/**
 * The VC-API verify result: the names of the checks that passed, warnings and errors, plus
 * credstack's full report (every check with its reason, and the issuer binding).
 */
export interface VerifyResult {
  readonly verified: boolean;
  readonly checks: readonly string[];
  readonly warnings: readonly { readonly check: string; readonly message: string }[];
  readonly errors: readonly { readonly check: string; readonly message: string }[];
  readonly report: VerificationReport;
}

/** VC-API verify `options` credstack understands. */
export interface VerifyCredentialOptions {
  /** A key not bound to the issuer fails verification instead of giving a warning. */
  readonly requireIssuerBinding?: boolean;
}

/** The check name of the top-level warning for a signature by a key not bound to the issuer. */
export const ISSUER_BINDING_WARNING = 'issuerBinding';

/**
 * Verifies a credential given as JSON or as a compact JWS (VC-API `verifiableCredential`).
 * A signature by a key not bound to the issuer adds an `issuerBinding` warning, or, with
 * `requireIssuerBinding`, fails the `key` check.
 *
 * @example
 * const result = await verifyCredential(verifier, body.verifiableCredential, body.options);
 */
export async function verifyCredential(
  verifier: Verifier,
  credential: unknown,
  options: VerifyCredentialOptions = {},
): Promise<VerifyResult> {
  if (
    typeof credential !== 'string' &&
    (typeof credential !== 'object' || credential === null || Array.isArray(credential))
  ) {
    throw new ServiceError(
      'VALIDATION',
      'verifiableCredential must be a credential object or a compact JWS',
      {
        fields: [{ pointer: '/verifiableCredential', detail: 'an object or a string' }],
      },
    );
  }
  const report = await verifier.verify(
    credential as string | Record<string, unknown>,
    options.requireIssuerBinding ? { requireIssuerBinding: true } : {},
  );
  const pick = (outcome: string) => report.checks.filter((check) => check.outcome === outcome);
  const unbound = signedByUnboundKey(report)
    ? [{ check: ISSUER_BINDING_WARNING, message: unboundKeyMessage(report) }]
    : [];
  return {
    verified: report.verdict === 'valid',
    checks: [...new Set(pick('passed').map((check) => check.id))],
    warnings: [
      ...unbound,
      ...pick('warning').map((check) => ({ check: check.id, message: check.reason })),
    ],
    errors: pick('failed').map((check) => ({ check: check.id, message: check.reason })),
    report,
  };
}
