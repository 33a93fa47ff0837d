import {
  checkClrRules,
  isClrCredential,
  missingClrProperties,
} from '#shared/credentials/model/clr-rules.ts';
import { ENDORSEMENT_CREDENTIAL } from '#shared/credentials/model/constants.ts';
import {
  checkCredentialRules,
  checkVcRules,
  type RuleFinding,
  type RulesResult,
} from '#shared/credentials/model/rules.ts';
import { ob3SchemaReady, validateOb3Schema } from '#shared/credentials/model/schema-validator.ts';
import { hasType } from '#shared/credentials/model/values.ts';
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
  // Loops rather than filtered copies: this runs for each structural check of every
  // verified credential, and nearly always finds nothing.
  let found = false;
  for (const problem of rules.problems) {
    if (problem.check !== check) continue;
    report.fail(check, `${problem.path} ${problem.message}`, problem.path);
    found = true;
  }
  for (const warning of rules.warnings) {
    if (warning.check !== check) continue;
    report.warn(check, `${warning.path} ${warning.message}`, warning.path);
    found = true;
  }
  if (!found) report.pass(check, passReason);
}

/**
 * `undefined` when {@link checkStructure} can run now; otherwise what to await first: the
 * Open Badges schema compiler, which a Lambda bundle loads on first need (a credential that
 * fails the precompiled check, an endorsement). Rejects with `PART_UNAVAILABLE` if it cannot
 * be loaded.
 *
 * @example
 * const ready = structureReady(credential, kind);
 * if (ready !== undefined) await ready;
 * checkStructure(credential, kind, report);
 */
export function structureReady(
  credential: Record<string, unknown>,
  kind: ExpectedKind,
): Promise<unknown> | undefined {
  // Status lists and CLRs are not checked against the Open Badges schema.
  if (kind === 'status-list' || (kind === 'any' && isClrCredential(credential))) return undefined;
  return ob3SchemaReady(credential);
}

/**
 * Records the structural checks of `credential` on `report` (once {@link structureReady}).
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
  if (kind === 'any' && isClrCredential(credential)) {
    checkClrStructure(credential, report);
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

/**
 * A ClrCredential (CLR 2.0): its own contexts, types and subject. The `schema` check states
 * the official schema's required properties (that schema exists only in the VCDM 1.1 form,
 * see shared/credentials/model/clr-rules.ts); the embedded credentials are verified one by one
 * afterwards, each against the Open Badges checks.
 */
function checkClrStructure(credential: Record<string, unknown>, report: ReportBuilder): void {
  const rules = checkClrRules(credential);
  record(
    'context',
    rules,
    report,
    'the Verifiable Credentials context comes first, the CLR 2.0 and Open Badges 3.0 contexts are present',
  );
  record(
    'type',
    rules,
    report,
    'the credential has the VerifiableCredential and ClrCredential types',
  );
  const missing = missingClrProperties(credential);
  if (missing.length > 0) {
    report.fail(
      'schema',
      `the ClrCredential lacks properties CLR 2.0 requires: ${missing.join(', ')}`,
      missing[0],
    );
  } else {
    report.pass('schema', 'the ClrCredential has every property CLR 2.0 requires');
  }
  record('rules', rules, report, 'the ClrSubject identifies the learner and lists credentials');
}
