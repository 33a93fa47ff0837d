import { ENDORSEMENT_CREDENTIAL } from '#shared/credential/constants.ts';
import {
  checkCredentialRules,
  checkVcRules,
  type RuleFinding,
  type RulesResult,
} from '#shared/credential/rules.ts';
import { validateOb3Schema } from '#shared/credential/schema-validator.ts';
import { hasType } from '#shared/credential/values.ts';
import type { ReportBuilder } from './report-builder.ts';

/**
 * The structural part of verification: `context`, `type`, `schema` and `rules`, in that
 * order, so that a credential of the wrong kind is reported as such before a dozen schema
 * errors. The findings themselves come from the credential module; this file only places
 * them in the report.
 */

/**
 * What a verification expects at the top level: `any` Open Badges credential (an achievement
 * or an endorsement), one of them in particular, or a status list (a plain VC).
 */
export type ExpectedKind = 'any' | 'achievement' | 'endorsement' | 'status-list';

const PASS_REASONS = {
  context:
    'the Verifiable Credentials context comes first and the Open Badges 3.0 context is present',
  type: 'the credential has the Verifiable Credential and Open Badges types',
  rules: 'identifiers, dates, subject and typed entries follow the data models',
} as const;

function record(
  check: RuleFinding['check'],
  rules: RulesResult,
  report: ReportBuilder,
  passReason: string,
): void {
  const problems = rules.problems.filter((finding) => finding.check === check);
  const warnings = rules.warnings.filter((finding) => finding.check === check);
  for (const problem of problems)
    report.fail(check, `${problem.path} ${problem.message}`, problem.path);
  for (const warning of warnings)
    report.warn(check, `${warning.path} ${warning.message}`, warning.path);
  if (problems.length === 0 && warnings.length === 0) report.pass(check, passReason);
}

/**
 * Records the structural checks of `credential` on `report`.
 *
 * @example
 * checkStructure(credential, 'achievement', report);
 */
export function checkStructure(
  credential: Record<string, unknown>,
  kind: ExpectedKind,
  report: ReportBuilder,
): void {
  if (kind === 'status-list') {
    const rules = checkVcRules(credential);
    record('context', rules, report, 'the Verifiable Credentials context comes first');
    record('type', rules, report, 'the status list credential is a Verifiable Credential');
    record('rules', rules, report, PASS_REASONS.rules);
    return;
  }
  const rules = checkCredentialRules(credential);
  record('context', rules, report, PASS_REASONS.context);
  const isEndorsement = hasType(credential.type, ENDORSEMENT_CREDENTIAL);
  if (kind !== 'any' && isEndorsement !== (kind === 'endorsement')) {
    report.fail(
      'type',
      kind === 'endorsement'
        ? `an embedded endorsement must be an ${ENDORSEMENT_CREDENTIAL}`
        : `an ${ENDORSEMENT_CREDENTIAL} was given where an achievement credential was expected`,
      '/type',
    );
  } else {
    record('type', rules, report, PASS_REASONS.type);
  }
  const schema = validateOb3Schema(credential);
  const first = schema.errors[0];
  if (!schema.ok) {
    report.fail(
      'schema',
      `the credential does not match the Open Badges 3.0 JSON Schema: ${first ? `${first.path || '/'} ${first.message}` : 'invalid'}`,
      first?.path,
    );
  } else if (schema.warnings.length > 0) {
    // The JSON-LD data model lets one value stand where the schema lists an array (a single
    // proof object, a type string) and VCDM 1.1 names dates differently; the 1EdTech
    // validator accepts both forms, so this passes, saying how.
    const notes = schema.warnings
      .map((warning) => `${warning.path || '/'} ${warning.message}`)
      .join('; ');
    report.pass(
      'schema',
      `the credential matches the Open Badges 3.0 JSON Schema in its linked-data form (${notes})`,
    );
  } else {
    report.pass('schema', 'the credential matches the Open Badges 3.0 JSON Schema');
  }
  record('rules', rules, report, PASS_REASONS.rules);
}
