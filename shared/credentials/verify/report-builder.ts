import type {
  Check,
  CheckId,
  InputFormat,
  IssuerBinding,
  ProofFormat,
  VerificationReport,
} from './report.ts';

/**
 * Collects checks in the order they run and derives the verdict from them, so that the
 * verdict can never disagree with the checks a person reads.
 */
export class ReportBuilder {
  readonly checks: Check[] = [];
  format: InputFormat | 'unknown' = 'unknown';
  proof: ProofFormat | undefined;
  binding: IssuerBinding = { bound: false, reason: 'no signature was verified' };
  credential: Record<string, unknown> | undefined;
  endorsements: VerificationReport[] | undefined;
  credentials: VerificationReport[] | undefined;

  pass(id: CheckId, reason: string): void {
    this.checks.push({ id, outcome: 'passed', reason });
  }

  fail(id: CheckId, reason: string, path?: string): void {
    this.checks.push(
      path === undefined
        ? { id, outcome: 'failed', reason }
        : { id, outcome: 'failed', reason, path },
    );
  }

  warn(id: CheckId, reason: string, path?: string): void {
    this.checks.push(
      path === undefined
        ? { id, outcome: 'warning', reason }
        : { id, outcome: 'warning', reason, path },
    );
  }

  skip(id: CheckId, reason: string): void {
    this.checks.push({ id, outcome: 'skipped', reason });
  }

  /** True once any check has failed. */
  get failed(): boolean {
    return this.checks.some((check) => check.outcome === 'failed');
  }

  has(id: CheckId, outcome: Check['outcome']): boolean {
    return this.checks.some((check) => check.id === id && check.outcome === outcome);
  }

  build(): VerificationReport {
    const firstFailure = this.checks.find((check) => check.outcome === 'failed');
    const unusable =
      firstFailure !== undefined && (firstFailure.id === 'input' || firstFailure.id === 'format');
    const verdict = firstFailure === undefined ? 'valid' : unusable ? 'unusable' : 'invalid';
    return {
      verdict,
      ...(firstFailure ? { decidingCheck: firstFailure.id } : {}),
      checks: this.checks,
      issuerBinding: this.binding,
      input:
        this.proof === undefined
          ? { format: this.format }
          : { format: this.format, proof: this.proof },
      ...(this.credential ? { credential: this.credential } : {}),
      ...(this.endorsements && this.endorsements.length > 0
        ? { endorsements: this.endorsements }
        : {}),
      ...(this.credentials ? { credentials: this.credentials } : {}),
    };
  }
}
