import type { VerificationReport } from '#shared/verify/report.ts';
import type { Verifier } from '#shared/verify/verifier.ts';
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

/**
 * Verifies a credential given as JSON or as a compact JWS (VC-API `verifiableCredential`).
 *
 * @example
 * const result = await verifyCredential(verifier, body.verifiableCredential);
 */
export async function verifyCredential(
  verifier: Verifier,
  credential: unknown,
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
  const report = await verifier.verify(credential as string | Record<string, unknown>);
  const pick = (outcome: string) => report.checks.filter((check) => check.outcome === outcome);
  return {
    verified: report.verdict === 'valid',
    checks: [...new Set(pick('passed').map((check) => check.id))],
    warnings: pick('warning').map((check) => ({ check: check.id, message: check.reason })),
    errors: pick('failed').map((check) => ({ check: check.id, message: check.reason })),
    report,
  };
}
