import {
  ACHIEVEMENT_CREDENTIAL,
  ENDORSEMENT_CREDENTIAL,
  isObContext,
  OB_CONTEXT,
  OPEN_BADGE_CREDENTIAL,
} from './constants.ts';
import { isIdentityHash } from './identity.ts';
import { Findings, type RulesResult } from './rule-findings.ts';
import { hasType, instantOf, isDateTimeStamp, isObject, pointer, valuesOf } from './values.ts';
import { applyVcRules, requireUriAt } from './vc-rules.ts';

export type { RuleCheck, RuleFinding, RulesResult } from './rule-findings.ts';
export { checkVcRules, type VcRuleOptions } from './vc-rules.ts';

/**
 * The Open Badges 3.0 rules a schema cannot say, on top of the VCDM 2.0 ones: the OB
 * context and class, URIs where the model says URI, how the earner is identified, and that
 * results point at what the achievement describes.
 */

/** Any published OB 3.0 context version, as the 1EdTech validator matches them. */
const OB_CONTEXT_VERSION =
  /^https:\/\/purl\.imsglobal\.org\/spec\/ob\/v3p0\/context(-\d+\.\d+\.\d+)?\.json$/;

/**
 * Checks an OpenBadgeCredential / AchievementCredential, or (by its `type`) an
 * EndorsementCredential, against the VCDM 2.0 and OB 3.0 rules.
 *
 * @example
 * const rules = checkCredentialRules(credential);
 * for (const p of rules.problems) console.log(p.check, p.path, p.message);
 */
export function checkCredentialRules(credential: unknown): RulesResult {
  const findings = new Findings();
  applyVcRules(credential, findings, true);
  if (!isObject(credential)) return findings.result();
  const endorsement = hasType(credential.type, ENDORSEMENT_CREDENTIAL);
  checkObContext(credential['@context'], findings);
  if (endorsement) {
    checkEndorsement(credential, findings);
  } else {
    if (
      !hasType(credential.type, OPEN_BADGE_CREDENTIAL) &&
      !hasType(credential.type, ACHIEVEMENT_CREDENTIAL)
    ) {
      findings.problem(
        'type',
        '/type',
        `must include '${OPEN_BADGE_CREDENTIAL}' or '${ACHIEVEMENT_CREDENTIAL}'`,
      );
    }
    if (credential.id === undefined) findings.problem('rules', '/id', 'is required');
    checkProfile(credential.issuer, '/issuer', findings);
    checkImage(credential.image, '/image', findings);
    checkAchievementSubject(credential.credentialSubject, findings);
  }
  return findings.result();
}

function checkObContext(context: unknown, findings: Findings): void {
  const values = valuesOf(context);
  const ob = values.find(
    (v) => isObContext(v) || (typeof v === 'string' && OB_CONTEXT_VERSION.test(v)),
  );
  if (ob === undefined) {
    findings.problem(
      'context',
      '/@context',
      `must include the Open Badges 3.0 context (${OB_CONTEXT})`,
    );
  } else if (ob !== OB_CONTEXT) {
    findings.warn(
      'context',
      `/@context/${values.indexOf(ob)}`,
      `OB context ${String(ob)}; the current one is ${OB_CONTEXT}`,
    );
  }
}

function checkEndorsement(credential: Record<string, unknown>, findings: Findings): void {
  if (credential.id === undefined) findings.problem('rules', '/id', 'is required');
  checkProfile(credential.issuer, '/issuer', findings);
  const subject = credential.credentialSubject;
  if (isObject(subject)) requireUriAt(subject.id, '/credentialSubject/id', findings);
}

function checkAchievementSubject(subject: unknown, findings: Findings): void {
  if (!isObject(subject)) return;
  const path = '/credentialSubject';
  const identifiers = valuesOf(subject.identifier);
  if (subject.id === undefined && identifiers.length === 0) {
    findings.problem('rules', path, 'must identify the earner by an id or at least one identifier');
  }
  identifiers.forEach((identity, i) => {
    const at = Array.isArray(subject.identifier) ? `${path}/identifier/${i}` : `${path}/identifier`;
    if (!isObject(identity) || identity.hashed !== true) return;
    if (typeof identity.identityHash !== 'string' || !isIdentityHash(identity.identityHash)) {
      findings.problem(
        'rules',
        `${at}/identityHash`,
        "a hashed identity must be 'sha256$' + 64 hex digits (or 'md5$' + 32)",
      );
    }
  });
  checkImage(subject.image, `${path}/image`, findings);
  if (isObject(subject.source)) checkProfile(subject.source, `${path}/source`, findings);
  checkOrder(subject, 'activityStartDate', 'activityEndDate', path, findings);
  const achievement = subject.achievement;
  if (!isObject(achievement)) return;
  const levelsByDescription = checkAchievement(achievement, `${path}/achievement`, findings);
  valuesOf(subject.result).forEach((result, i) => {
    if (!isObject(result)) return;
    const at = Array.isArray(subject.result) ? `${path}/result/${i}` : `${path}/result`;
    checkAlignments(result.alignment, `${at}/alignment`, findings);
    const description = result.resultDescription;
    if (description === undefined) return;
    const levels =
      typeof description === 'string' ? levelsByDescription.get(description) : undefined;
    if (levels === undefined) {
      findings.warn(
        'rules',
        `${at}/resultDescription`,
        'names no resultDescription of the achievement',
      );
    } else if (result.achievedLevel !== undefined && !levels.has(String(result.achievedLevel))) {
      findings.warn(
        'rules',
        `${at}/achievedLevel`,
        'names no rubricCriterionLevel of its resultDescription',
      );
    }
  });
}

/** Checks the achievement; returns its result description ids with their level ids. */
function checkAchievement(
  achievement: Record<string, unknown>,
  path: string,
  findings: Findings,
): Map<string, Set<string>> {
  requireUriAt(achievement.id, `${path}/id`, findings);
  const criteria = achievement.criteria;
  if (isObject(criteria)) {
    if (criteria.id !== undefined) requireUriAt(criteria.id, `${path}/criteria/id`, findings);
    if (criteria.id === undefined && criteria.narrative === undefined) {
      findings.problem('rules', `${path}/criteria`, 'needs an id (URL) or a narrative');
    }
  }
  checkImage(achievement.image, `${path}/image`, findings);
  if (isObject(achievement.creator)) checkProfile(achievement.creator, `${path}/creator`, findings);
  checkAlignments(achievement.alignment, `${path}/alignment`, findings);
  valuesOf(achievement.related).forEach((related, i) => {
    if (isObject(related)) requireUriAt(related.id, `${path}/related/${i}/id`, findings);
  });
  const descriptions = new Map<string, Set<string>>();
  valuesOf(achievement.resultDescription).forEach((description, i) => {
    if (!isObject(description)) return;
    const at = Array.isArray(achievement.resultDescription)
      ? `${path}/resultDescription/${i}`
      : `${path}/resultDescription`;
    requireUriAt(description.id, `${at}/id`, findings);
    checkAlignments(description.alignment, `${at}/alignment`, findings);
    const levels = new Set<string>();
    valuesOf(description.rubricCriterionLevel).forEach((level, j) => {
      if (!isObject(level)) return;
      requireUriAt(level.id, `${at}/rubricCriterionLevel/${j}/id`, findings);
      checkAlignments(level.alignment, `${at}/rubricCriterionLevel/${j}/alignment`, findings);
      if (typeof level.id === 'string') levels.add(level.id);
    });
    if (description.requiredLevel !== undefined && !levels.has(String(description.requiredLevel))) {
      findings.warn(
        'rules',
        `${at}/requiredLevel`,
        'names no rubricCriterionLevel of this resultDescription',
      );
    }
    if (typeof description.id === 'string') descriptions.set(description.id, levels);
  });
  return descriptions;
}

function checkProfile(profile: unknown, path: string, findings: Findings): void {
  // A string issuer was checked as a URL by the VC rules.
  if (!isObject(profile)) return;
  if (path !== '/issuer') requireUriAt(profile.id, `${path}/id`, findings);
  if (profile.url !== undefined) requireUriAt(profile.url, `${path}/url`, findings);
  checkImage(profile.image, `${path}/image`, findings);
  if (isObject(profile.parentOrg)) checkProfile(profile.parentOrg, `${path}/parentOrg`, findings);
}

function checkImage(image: unknown, path: string, findings: Findings): void {
  if (isObject(image)) requireUriAt(image.id, `${path}/id`, findings);
  else if (typeof image === 'string') requireUriAt(image, path, findings);
}

function checkAlignments(alignments: unknown, path: string, findings: Findings): void {
  valuesOf(alignments).forEach((alignment, i) => {
    if (!isObject(alignment)) return;
    const at = Array.isArray(alignments) ? pointer(path, i) : path;
    requireUriAt(alignment.targetUrl, `${at}/targetUrl`, findings);
  });
}

function checkOrder(
  subject: Record<string, unknown>,
  startKey: string,
  endKey: string,
  path: string,
  findings: Findings,
): void {
  const start = subject[startKey];
  const end = subject[endKey];
  if (!isDateTimeStamp(start) || !isDateTimeStamp(end)) return;
  if ((instantOf(end) ?? 0) < (instantOf(start) ?? 0)) {
    findings.warn('rules', `${path}/${endKey}`, `is before ${startKey}`);
  }
}
