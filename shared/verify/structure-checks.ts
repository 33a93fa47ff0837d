import type { ReportBuilder } from './report-builder.ts';

/**
 * The `@context` and `type` checks of the OB 3.0 verification algorithm. They run before the
 * schema so that a credential of the wrong kind is reported as such, not as a dozen schema
 * errors.
 */

export const VC_V2_CONTEXT = 'https://www.w3.org/ns/credentials/v2';
export const VC_V1_CONTEXT = 'https://www.w3.org/2018/credentials/v1';
export const OB_CURRENT_CONTEXT = 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json';

/** Earlier 3.0.x versions of the OB context: accepted, with a warning. */
const OB_OLDER_CONTEXTS: ReadonlySet<string> = new Set([
  'https://purl.imsglobal.org/spec/ob/v3p0/context.json',
  'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.0.json',
  'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json',
  'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json',
]);

/** Credential types this verifier accepts at the top level, by what it is asked to verify. */
export type ExpectedKind = 'achievement' | 'endorsement';

const KIND_TYPES: Record<ExpectedKind, readonly string[]> = {
  achievement: ['OpenBadgeCredential', 'AchievementCredential'],
  endorsement: ['EndorsementCredential'],
};

function asArray(value: unknown): unknown[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/**
 * Records the `context` check on `report`. Status list credentials are plain VCs, so the
 * Open Badges context is only required of badges and endorsements.
 */
export function checkContext(
  credential: Record<string, unknown>,
  report: ReportBuilder,
  options: { readonly requireOpenBadges: boolean } = { requireOpenBadges: true },
): void {
  const contexts = asArray(credential['@context']);
  if (contexts.length === 0) {
    report.fail('context', 'the credential has no @context', '/@context');
    return;
  }
  const first = contexts[0];
  if (first !== VC_V2_CONTEXT && first !== VC_V1_CONTEXT) {
    report.fail(
      'context',
      `the first @context must be the Verifiable Credentials context (${VC_V2_CONTEXT}), not ${JSON.stringify(first)}`,
      '/@context/0',
    );
    return;
  }
  if (!options.requireOpenBadges) {
    report.pass('context', `${String(first)} is the first context`);
    return;
  }
  const ob = contexts.find(
    (value) =>
      value === OB_CURRENT_CONTEXT || (typeof value === 'string' && OB_OLDER_CONTEXTS.has(value)),
  );
  if (ob === undefined) {
    report.fail(
      'context',
      `the Open Badges 3.0 context (${OB_CURRENT_CONTEXT}) is missing from @context`,
      '/@context',
    );
    return;
  }
  if (first === VC_V1_CONTEXT) {
    report.warn(
      'context',
      'VCDM 1.1 credential (VC v1 context): accepted, VCDM 2.0 is current',
      '/@context/0',
    );
  } else if (ob !== OB_CURRENT_CONTEXT) {
    report.warn(
      'context',
      `Open Badges context ${String(ob)} is an earlier 3.0.x version: accepted, 3.0.3 is current`,
    );
  } else {
    report.pass('context', 'Verifiable Credentials 2.0 and Open Badges 3.0.3 contexts, in order');
  }
}

/** Records the `type` check on `report`. */
export function checkType(
  credential: Record<string, unknown>,
  kind: ExpectedKind,
  report: ReportBuilder,
): void {
  const types = asArray(credential.type);
  if (!types.includes('VerifiableCredential')) {
    report.fail('type', 'type must include "VerifiableCredential"', '/type');
    return;
  }
  const wanted = KIND_TYPES[kind];
  const found = wanted.find((name) => types.includes(name));
  if (found === undefined) {
    report.fail(
      'type',
      `type must include ${wanted.map((name) => `"${name}"`).join(' or ')}; it is ${JSON.stringify(credential.type)}`,
      '/type',
    );
    return;
  }
  report.pass('type', `VerifiableCredential, ${found}`);
}
