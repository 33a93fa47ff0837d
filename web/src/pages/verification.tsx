import type { paths } from '../api/schema.d.ts';

export type VerifyResponse =
  paths['/credentials/verify']['post']['responses'][200]['content']['application/json'];

interface Check {
  readonly id: string;
  readonly outcome: string;
  readonly reason?: string;
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
          Warnings: {props.result.warnings.map((w) => JSON.stringify(w)).join('; ')}
        </p>
      )}
      <details>
        <summary>All {checks.length} checks</summary>
        <ul class="checks">
          {checks.map((check) => (
            <li key={check.id}>
              <strong>
                {check.outcome === 'passed' ? '✓' : check.outcome === 'failed' ? '✗' : '–'}
              </strong>{' '}
              {check.id}: {check.reason}
            </li>
          ))}
        </ul>
      </details>
    </div>
  );
}
