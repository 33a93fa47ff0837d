/**
 * The result type of the rules checks and the collector they fill. A problem makes the
 * credential invalid; a warning is reported but does not.
 */

/**
 * Which verification check a finding belongs to (ids of shared/credentials/verify/report.ts), so the
 * verifier can decide at the same kind of check the 1EdTech validator does.
 */
export type RuleCheck = 'context' | 'type' | 'rules';

export interface RuleFinding {
  readonly check: RuleCheck;
  /** JSON pointer to the offending value ('' is the credential itself). */
  readonly path: string;
  readonly message: string;
}

export interface RulesResult {
  readonly ok: boolean;
  readonly problems: readonly RuleFinding[];
  readonly warnings: readonly RuleFinding[];
}

/**
 * Accumulates findings while the rules walk a credential.
 *
 * @example
 * const findings = new Findings();
 * findings.problem('type', '/type', "must include 'VerifiableCredential'");
 * findings.result(); // { ok: false, problems: [...], warnings: [] }
 */
export class Findings {
  readonly problems: RuleFinding[] = [];
  readonly warnings: RuleFinding[] = [];

  problem(check: RuleCheck, path: string, message: string): void {
    this.problems.push({ check, path, message });
  }

  warn(check: RuleCheck, path: string, message: string): void {
    this.warnings.push({ check, path, message });
  }

  result(): RulesResult {
    return { ok: this.problems.length === 0, problems: this.problems, warnings: this.warnings };
  }
}
