import { signedByUnboundKey, unboundKeyMessage } from '#shared/credentials/verify/issuer-notice.ts';
import type { Check, VerificationReport } from '#shared/credentials/verify/report.ts';

const MARKS: Record<Check['outcome'], string> = {
  passed: '✔',
  failed: '✖',
  warning: '!',
  skipped: '-',
};

function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const name = (value as { name?: unknown }).name;
    if (typeof name === 'string') return name;
  }
  return undefined;
}

/**
 * The report as a person reads it: verdict and badge first, then issuer binding, then every
 * check with its reason.
 *
 * @example
 * process.stdout.write(formatReport(report));
 */
export function formatReport(report: VerificationReport, indent = ''): string {
  const lines: string[] = [];
  const credential = report.credential ?? {};
  const subject = credential.credentialSubject as { achievement?: unknown } | undefined;
  const title = text(credential.name) ?? text(subject?.achievement) ?? 'credential';
  const issuer =
    text(credential.issuer) ??
    (typeof credential.issuer === 'object'
      ? String((credential.issuer as { id?: unknown }).id ?? '')
      : '');
  const warnings = report.checks.filter((check) => check.outcome === 'warning').length;
  const unbound = signedByUnboundKey(report);
  const notes = [
    ...(unbound ? ['issuer not confirmed'] : []),
    ...(warnings > 0 ? [`with ${warnings} warning${warnings > 1 ? 's' : ''}`] : []),
  ];
  const verdict =
    report.verdict === 'valid'
      ? `VALID${notes.length > 0 ? ` (${notes.join(', ')})` : ''}`
      : report.verdict === 'invalid'
        ? `NOT VALID (decided by: ${report.decidingCheck ?? '?'})`
        : `UNUSABLE INPUT (${report.decidingCheck ?? '?'})`;
  lines.push(`${indent}${verdict}  ${title}${issuer ? ` — issued by ${issuer}` : ''}`);
  lines.push(
    `${indent}  format: ${report.input.format}${report.input.proof ? `, proof: ${report.input.proof}` : ''}`,
  );
  lines.push(
    `${indent}  issuer-bound key: ${report.issuerBinding.bound ? 'yes' : 'no'} — ${report.issuerBinding.reason}`,
  );
  if (unbound) lines.push(`${indent}  ! WARNING: ${unboundKeyMessage(report)}`);
  lines.push(`${indent}  checks:`);
  for (const check of report.checks) {
    lines.push(
      `${indent}    ${MARKS[check.outcome]} ${check.id.padEnd(12)} ${check.reason}${check.path ? ` (at ${check.path})` : ''}`,
    );
  }
  for (const [index, endorsement] of (report.endorsements ?? []).entries()) {
    lines.push(`${indent}  endorsement ${index + 1}:`);
    lines.push(formatReport(endorsement, `${indent}    `).trimEnd());
  }
  for (const [index, held] of (report.credentials ?? []).entries()) {
    lines.push(`${indent}  credential ${index + 1} of ${report.credentials?.length}:`);
    lines.push(formatReport(held, `${indent}    `).trimEnd());
  }
  return `${lines.join('\n')}\n`;
}
