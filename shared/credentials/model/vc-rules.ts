import { VC_V1_CONTEXT, VC_V2_CONTEXT, VERIFIABLE_CREDENTIAL } from './constants.ts';
import { Findings, type RulesResult } from './rule-findings.ts';
import { instantOf, isDateTimeStamp, isObject, isUri, pointer, valuesOf } from './values.ts';

/**
 * The VC Data Model 2.0 rules a JSON Schema cannot (or the OB schema does not) state, over
 * the compact JSON of any verifiable credential. JSON-LD processing questions (is every term
 * defined, is a protected term redefined) belong to the JSON-LD check, not here.
 */

export interface VcRuleOptions {
  /**
   * Whether `issuer` must be present and identified. True for credentials as issued; false
   * for documents handed to an issuing service, which fills the issuer in (the W3C test
   * suite's inputs are such documents).
   */
  readonly requireIssuer?: boolean;
}

/** The keys a JSON-LD value object used as a language-tagged string may carry. */
const VALUE_OBJECT_KEYS = new Set(['@value', '@language', '@direction']);

/**
 * Checks a credential against the VCDM 2.0 data-model rules. The VCDM 1.1 form (VC v1
 * context, `issuanceDate` / `expirationDate`) is accepted with warnings.
 *
 * @example
 * const { ok, problems } = checkVcRules(credential);
 * if (!ok) console.log(problems.map((p) => `${p.path} ${p.message}`));
 */
export function checkVcRules(credential: unknown, options: VcRuleOptions = {}): RulesResult {
  const findings = new Findings();
  applyVcRules(credential, findings, options.requireIssuer ?? true);
  return findings.result();
}

/**
 * The body of {@link checkVcRules}, filling a caller's collector (the OB rules add theirs).
 *
 * @example
 * const findings = new Findings();
 * applyVcRules(credential, findings, true);
 */
export function applyVcRules(
  credential: unknown,
  findings: Findings,
  requireIssuer: boolean,
): void {
  if (!isObject(credential)) {
    findings.problem('rules', '', 'a credential must be a JSON object');
    return;
  }
  const v1 = checkContext(credential['@context'], findings);
  checkType(credential.type, findings);
  if (credential.id !== undefined) requireUriAt(credential.id, '/id', findings);
  checkIssuer(credential, findings, requireIssuer);
  checkSubjects(credential.credentialSubject, findings);
  checkValidity(credential, findings, v1);
  checkLanguageString(credential.name, '/name', findings);
  checkLanguageString(credential.description, '/description', findings);
  checkTypedEntries(credential, findings);
}

/** Returns true when the credential uses the VCDM 1.1 base context. */
function checkContext(context: unknown, findings: Findings): boolean {
  if (context === undefined) {
    findings.problem('context', '/@context', 'is required');
    return false;
  }
  const values = valuesOf(context);
  const first = values[0];
  let v1 = false;
  if (first === VC_V1_CONTEXT) {
    v1 = true;
    findings.warn(
      'context',
      '/@context/0',
      `VCDM 1.1 context; VCDM 2.0 credentials start with ${VC_V2_CONTEXT}`,
    );
  } else if (first !== VC_V2_CONTEXT) {
    findings.problem('context', '/@context/0', `the first context must be ${VC_V2_CONTEXT}`);
  }
  values.forEach((value, i) => {
    const path = Array.isArray(context) ? `/@context/${i}` : '/@context';
    if (typeof value === 'string') {
      if (!isUri(value)) findings.problem('context', path, `${JSON.stringify(value)} is not a URL`);
    } else if (!isObject(value)) {
      findings.problem('context', path, 'must be a context URL or an inline context object');
    }
  });
  return v1;
}

function checkType(type: unknown, findings: Findings): void {
  if (type === undefined) {
    findings.problem('type', '/type', 'is required');
    return;
  }
  const values = valuesOf(type);
  values.forEach((value, i) => {
    if (typeof value !== 'string' || value === '') {
      findings.problem('type', Array.isArray(type) ? `/type/${i}` : '/type', 'must be a type name');
    }
  });
  if (!values.includes(VERIFIABLE_CREDENTIAL)) {
    findings.problem('type', '/type', `must include '${VERIFIABLE_CREDENTIAL}'`);
  }
}

function checkIssuer(
  credential: Record<string, unknown>,
  findings: Findings,
  required: boolean,
): void {
  const issuer = credential.issuer;
  if (issuer === undefined) {
    if (required) findings.problem('rules', '/issuer', 'is required');
    return;
  }
  if (isObject(issuer)) {
    if (issuer.id !== undefined || required) requireUriAt(issuer.id, '/issuer/id', findings);
    checkLanguageString(issuer.name, '/issuer/name', findings);
    checkLanguageString(issuer.description, '/issuer/description', findings);
    return;
  }
  requireUriAt(issuer, '/issuer', findings);
}

function checkSubjects(subject: unknown, findings: Findings): void {
  if (subject === undefined) {
    findings.problem('rules', '/credentialSubject', 'is required');
    return;
  }
  const subjects = valuesOf(subject);
  if (subjects.length === 0) findings.problem('rules', '/credentialSubject', 'must not be empty');
  subjects.forEach((entry, i) => {
    const path = Array.isArray(subject) ? `/credentialSubject/${i}` : '/credentialSubject';
    if (!isObject(entry)) {
      findings.problem('rules', path, 'must be an object');
    } else if (Object.keys(entry).length === 0) {
      findings.problem('rules', path, 'must make at least one claim');
    } else if (entry.id !== undefined) {
      requireUriAt(entry.id, `${path}/id`, findings);
    }
  });
}

function checkValidity(credential: Record<string, unknown>, findings: Findings, v1: boolean): void {
  const [fromKey, untilKey] = v1 ? ['issuanceDate', 'expirationDate'] : ['validFrom', 'validUntil'];
  if (!v1 && (credential.issuanceDate !== undefined || credential.expirationDate !== undefined)) {
    findings.warn(
      'rules',
      '/issuanceDate',
      'issuanceDate / expirationDate are VCDM 1.1 terms; VCDM 2.0 uses validFrom / validUntil',
    );
  }
  if (v1 && credential.issuanceDate !== undefined) {
    findings.warn('rules', '/issuanceDate', 'VCDM 1.1 issuanceDate; VCDM 2.0 uses validFrom');
  }
  const from = dateAt(credential[fromKey], `/${fromKey}`, findings);
  const until = dateAt(credential[untilKey], `/${untilKey}`, findings);
  if (from !== null && until !== null && until < from) {
    findings.problem('rules', `/${untilKey}`, `is before ${fromKey}`);
  }
}

function dateAt(value: unknown, path: string, findings: Findings): number | null {
  if (value === undefined) return null;
  if (!isDateTimeStamp(value)) {
    findings.problem('rules', path, `${JSON.stringify(value)} is not a date-time with a timezone`);
    return null;
  }
  return instantOf(value);
}

/** name / description: a string, a language value object, or a set of those. */
function checkLanguageString(value: unknown, path: string, findings: Findings): void {
  if (value === undefined || typeof value === 'string') return;
  valuesOf(value).forEach((entry, i) => {
    const at = Array.isArray(value) ? `${path}/${i}` : path;
    if (typeof entry === 'string') return;
    if (!isObject(entry) || typeof entry['@value'] !== 'string') {
      findings.problem(
        'rules',
        at,
        'must be a string or a language value object with a string @value',
      );
      return;
    }
    for (const key of Object.keys(entry)) {
      if (!VALUE_OBJECT_KEYS.has(key)) {
        findings.problem(
          'rules',
          pointer(at, key),
          'a language value object takes only @value, @language and @direction',
        );
      }
    }
  });
}

/** Properties whose every entry must say what it is (`type`), and which need an `id`. */
const TYPED_ENTRIES = [
  { key: 'credentialStatus', idRequired: false },
  { key: 'credentialSchema', idRequired: true },
  { key: 'evidence', idRequired: false },
  { key: 'termsOfUse', idRequired: false },
  { key: 'refreshService', idRequired: false },
  { key: 'proof', idRequired: false },
] as const;

function entryPath(key: string, value: unknown, index: number): string {
  return Array.isArray(value) ? `/${key}/${index}` : `/${key}`;
}

function checkTypedEntries(credential: Record<string, unknown>, findings: Findings): void {
  for (const { key, idRequired } of TYPED_ENTRIES) {
    const value = credential[key];
    if (value === undefined) continue;
    const entries = valuesOf(value);
    for (let i = 0; i < entries.length; i += 1) {
      // Paths are written out only for a finding: this runs on every verified credential.
      const entry = entries[i];
      if (!isObject(entry)) {
        findings.problem('rules', entryPath(key, value, i), 'must be an object');
        continue;
      }
      const types = valuesOf(entry.type);
      if (types.length === 0)
        findings.problem('rules', `${entryPath(key, value, i)}/type`, 'is required');
      else if (types.some((t) => typeof t !== 'string' || t === '')) {
        findings.problem('rules', `${entryPath(key, value, i)}/type`, 'must be a type name');
      }
      // proof.id is a proof identifier, not a resource; only resources must be URLs.
      if (key === 'proof') continue;
      if ((entry.id !== undefined || idRequired) && !isUri(entry.id))
        requireUriAt(entry.id, `${entryPath(key, value, i)}/id`, findings);
    }
  }
}

/**
 * Records a problem unless `value` is a single absolute URI.
 *
 * @example
 * requireUriAt(credential.id, '/id', findings);
 */
export function requireUriAt(value: unknown, path: string, findings: Findings): void {
  if (value === undefined) findings.problem('rules', path, 'is required');
  else if (Array.isArray(value))
    findings.problem('rules', path, 'must be a single URL, not a list');
  else if (!isUri(value)) findings.problem('rules', path, `${JSON.stringify(value)} is not a URL`);
}
