import { OB_CONTEXT } from './constants.ts';
import { Findings, type RulesResult } from './rule-findings.ts';
import { hasType, isObject, valuesOf } from './values.ts';
import { applyVcRules } from './vc-rules.ts';

/**
 * The Comprehensive Learner Record 2.0 rules for a `ClrCredential`, in its VCDM 2.0 form (the
 * one the CLR 2.0.1 context serves): the VC data-model rules, then what CLR adds — its
 * contexts, its types, and a `ClrSubject` holding at least one credential.
 *
 * The official ClrCredential JSON Schema is published only in its VCDM 1.1 form (it requires
 * `issuanceDate`, which the VCDM 2.0 context does not define), so it cannot be applied as is.
 * {@link missingClrProperties} states the properties that schema requires, VCDM 2.0 names.
 */

export const CLR_CREDENTIAL = 'ClrCredential';
export const CLR_SUBJECT = 'ClrSubject';

/** The CLR 2.0 JSON-LD context, version 2.0.1 (VCDM 2.0). */
export const CLR_CONTEXT = 'https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json';

/** Any published CLR 2.0 context URL (`context.json`, `context-2.0.x.json`). */
const CLR_CONTEXT_URL =
  /^https:\/\/purl\.imsglobal\.org\/spec\/clr\/v2p0\/context(?:-2\.0\.\d+)?\.json$/;
const OB_CONTEXT_URL =
  /^https:\/\/purl\.imsglobal\.org\/spec\/ob\/v3p0\/context(?:-3\.0\.\d+)?\.json$/;

/** True when `credential` says it is a ClrCredential. */
export function isClrCredential(credential: unknown): credential is Record<string, unknown> {
  return isObject(credential) && hasType(credential.type, CLR_CREDENTIAL);
}

/**
 * The properties CLR 2.0 requires of a ClrCredential and its subject, as JSON pointers, that
 * `credential` lacks (the official schema's `required` lists, `validFrom` for `issuanceDate`).
 *
 * @example
 * missingClrProperties({ type: ['VerifiableCredential', 'ClrCredential'] }); // ['/@context', '/id', …]
 */
export function missingClrProperties(credential: Record<string, unknown>): string[] {
  const missing = ['@context', 'type', 'id', 'name', 'issuer', 'credentialSubject']
    .filter((name) => credential[name] === undefined)
    .map((name) => `/${name}`);
  // A VCDM 1.1 record dates itself with issuanceDate (the rules warn about that form).
  if (credential.validFrom === undefined && credential.issuanceDate === undefined)
    missing.push('/validFrom');
  const subject = credential.credentialSubject;
  if (isObject(subject)) {
    for (const name of ['type', 'verifiableCredential']) {
      if (subject[name] === undefined) missing.push(`/credentialSubject/${name}`);
    }
  }
  return missing;
}

/**
 * Checks a ClrCredential against the VC and CLR 2.0 rules. Each embedded credential is only
 * checked to be a credential here; the verifier verifies each one on its own.
 *
 * @example
 * const { ok, problems } = checkClrRules(clr);
 */
export function checkClrRules(credential: unknown): RulesResult {
  const findings = new Findings();
  applyVcRules(credential, findings, true);
  if (!isObject(credential)) return findings.result();
  const contexts = valuesOf(credential['@context']);
  const clrAt = contexts.findIndex(
    (value) => typeof value === 'string' && CLR_CONTEXT_URL.test(value),
  );
  if (clrAt === -1) {
    findings.problem('context', '/@context', `must include the CLR 2.0 context (${CLR_CONTEXT})`);
  } else if (contexts[clrAt] !== CLR_CONTEXT) {
    findings.warn(
      'context',
      `/@context/${clrAt}`,
      `CLR context ${String(contexts[clrAt])}; the current one is ${CLR_CONTEXT}`,
    );
  }
  if (!contexts.some((value) => typeof value === 'string' && OB_CONTEXT_URL.test(value))) {
    findings.problem(
      'context',
      '/@context',
      `must include the Open Badges 3.0 context (${OB_CONTEXT}), which defines the achievements`,
    );
  }
  if (!hasType(credential.type, CLR_CREDENTIAL)) {
    findings.problem('type', '/type', `must include '${CLR_CREDENTIAL}'`);
  }
  if (credential.id === undefined) findings.problem('rules', '/id', 'is required');
  const issuer = credential.issuer;
  if (isObject(issuer) && !hasType(issuer.type, 'Profile')) {
    findings.problem('rules', '/issuer/type', "must include 'Profile'");
  }
  checkSubject(credential.credentialSubject, findings);
  return findings.result();
}

function checkSubject(subject: unknown, findings: Findings): void {
  const path = '/credentialSubject';
  if (!isObject(subject)) {
    findings.problem('rules', path, 'must be one ClrSubject object');
    return;
  }
  if (!hasType(subject.type, CLR_SUBJECT)) {
    findings.problem('type', `${path}/type`, `must include '${CLR_SUBJECT}'`);
  }
  if (subject.id === undefined && valuesOf(subject.identifier).length === 0) {
    findings.problem(
      'rules',
      path,
      'must identify the learner by an id or at least one identifier',
    );
  }
  const credentials = subject.verifiableCredential;
  if (!Array.isArray(credentials) || credentials.length === 0) {
    findings.problem('rules', `${path}/verifiableCredential`, 'must list at least one credential');
    return;
  }
  credentials.forEach((entry, index) => {
    // An object is a credential with an embedded proof; a string, a VC-JWT (the older CLR
    // form 1EdTech's fixtures still carry). Each is verified on its own afterwards.
    if (typeof entry === 'string') return;
    if (!isObject(entry) || !hasType(entry.type, 'VerifiableCredential')) {
      findings.problem(
        'rules',
        `${path}/verifiableCredential/${index}`,
        'is not a verifiable credential (an object whose type includes VerifiableCredential)',
      );
    }
  });
  valuesOf(subject.achievement).forEach((achievement, index) => {
    if (!isObject(achievement) || !hasType(achievement.type, 'Achievement')) {
      findings.problem(
        'rules',
        `${path}/achievement/${index}`,
        "is not an Achievement (type must include 'Achievement')",
      );
    }
  });
}
