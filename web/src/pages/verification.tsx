import type { paths } from '../api/schema.d.ts';

export type VerifyResponse =
  paths['/credentials/verify']['post']['responses'][200]['content']['application/json'];

interface Check {
  readonly id: string;
  readonly outcome: string;
  readonly reason?: string;
}

/** What each check of the verification report asks, in people's words. */
const CHECK_WORDS: Record<string, string> = {
  input: 'The file could be read',
  format: 'It is a credential in a known format',
  'jwt.header': 'The signature header is acceptable',
  context: 'It uses the Open Badges vocabulary',
  type: 'It says it is an Open Badge',
  schema: 'It has every field an Open Badge needs',
  rules: 'Its dates, ids and recipient are well formed',
  terms: 'Every term in it is defined',
  key: "The signing key was found, and it is the issuer's",
  proof: 'The issuer’s signature is good: nothing was changed',
  'jwt.claims': 'The signed envelope agrees with the badge',
  issued: 'It is already in force',
  expiration: 'It has not expired',
  status: 'The issuer has not revoked or suspended it',
  endorsement: 'Its endorsements verify',
  credentials: 'Every badge inside it verifies',
};

const OUTCOME_WORDS: Record<string, string> = {
  passed: 'yes',
  failed: 'no',
  warning: 'with a warning',
  skipped: 'not checked',
};

/** Every check with its answer and the reason, in a collapsed list under the verdict. */
export function CheckList(props: { checks: readonly Check[] }) {
  return (
    <details>
      <summary>All {props.checks.length} checks</summary>
      <ul class="checks">
        {props.checks.map((check) => (
          <li key={check.id}>
            <strong aria-hidden="true">
              {check.outcome === 'passed' ? '✓' : check.outcome === 'failed' ? '✗' : '–'}
            </strong>{' '}
            {CHECK_WORDS[check.id] ?? check.id}: {OUTCOME_WORDS[check.outcome] ?? check.outcome}
            {check.reason ? <span class="muted"> ({check.reason})</span> : null}
          </li>
        ))}
      </ul>
    </details>
  );
}

/** A verification report in plain words: the verdict first, then every check and why. */
export function VerificationResult(props: { result: VerifyResponse }) {
  const report = props.result.report as { verdict?: string; checks?: Check[] } | undefined;
  const checks = report?.checks ?? [];
  const failed = checks.filter((c) => c.outcome === 'failed');
  return (
    <div class="verification" aria-live="polite">
      <p class={props.result.verified ? 'verdict ok' : 'verdict bad'}>
        {props.result.verified
          ? 'This badge is genuine: the issuer signed it, it has not been changed, and it is not revoked or expired.'
          : `This badge did not verify: ${failed.map((c) => c.reason ?? c.id).join('; ') || 'see the checks below'}.`}
      </p>
      {props.result.warnings.length > 0 && (
        <p class="muted">
          Warnings: {props.result.warnings.map((w) => `${w.check}: ${w.message}`).join('; ')}
        </p>
      )}
      <CheckList checks={checks} />
    </div>
  );
}
