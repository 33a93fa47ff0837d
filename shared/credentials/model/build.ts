import { randomUUID } from 'node:crypto';
import type { Clock } from '#shared/core/clock.ts';
import { systemClock } from '#shared/core/clock.ts';
import { CredstackError } from '#shared/core/errors.ts';
import { buildAchievement, buildResult } from './build-achievement.ts';
import {
  invalid,
  nonEmpty,
  optionalCredits,
  optionalList,
  optionalText,
  requireDate,
  requireObject,
  requireText,
  requireUri,
  stripUndefined,
} from './build-checks.ts';
import type { BuildCredentialInput, RecipientInput } from './build-input.ts';
import { buildEvidence, buildImage, buildProfile, isEmailAddress } from './build-profile.ts';
import {
  OB_CREDENTIAL_CONTEXT,
  OB_CREDENTIAL_SCHEMA,
  OB_CREDENTIAL_TYPE,
  OB_EXTENSION_TYPES,
  OB_EXTENSIONS_CONTEXT,
} from './constants.ts';
import { emailIdentity, isIdentityHash } from './identity.ts';
import { checkCredentialRules } from './rules.ts';
import { validateOb3Schema } from './schema-validator.ts';
import type {
  Achievement,
  AchievementSubject,
  IdentityObject,
  OpenBadgeCredential,
} from './types.ts';
import { instantOf, pointer, toDateTimeZ } from './values.ts';

export interface BuildOptions {
  /** Where "now" comes from (the default `validFrom`). */
  readonly clock?: Clock;
}

/**
 * Builds an unsigned OpenBadgeCredential (VCDM 2.0, OB 3.0.3 context) from award data.
 * Every multi-valued property is an array and only OB / VC vocabulary terms are emitted, so
 * the result passes the official 1EdTech schema and JSON-LD expansion without loss.
 * Throws `CredstackError('BUILD_INVALID')` naming the input path of the first problem.
 *
 * @example
 * const credential = buildOpenBadgeCredential({
 *   issuer: { id: 'https://issuer.example.org', name: 'Example Academy' },
 *   recipient: { email: 'ada@example.com' },
 *   achievement: {
 *     id: 'https://issuer.example.org/achievements/data-literacy',
 *     name: 'Data Literacy',
 *     description: 'Reads, works with and communicates data.',
 *     criteria: { narrative: 'Completed the four data literacy modules.' },
 *   },
 * }, { clock: fixedClock('2026-01-01T00:00:00Z') });
 */
export function buildOpenBadgeCredential(
  input: BuildCredentialInput,
  options: BuildOptions = {},
): OpenBadgeCredential {
  requireObject(input, '');
  const clock = options.clock ?? systemClock;
  const validFrom =
    input.validFrom === undefined
      ? toDateTimeZ(clock.now())
      : requireDate(input.validFrom, '/validFrom');
  const validUntil =
    input.validUntil === undefined ? undefined : requireDate(input.validUntil, '/validUntil');
  if (validUntil !== undefined && (instantOf(validUntil) ?? 0) < (instantOf(validFrom) ?? 0)) {
    invalid('/validUntil', `${validUntil} is before validFrom ${validFrom}`);
  }
  const id = input.id === undefined ? `urn:uuid:${randomUUID()}` : requireUri(input.id, '/id');
  const issuer = buildProfile(input.issuer, '/issuer');
  const achievement = buildAchievement(input.achievement, '/achievement');
  const credential = stripUndefined({
    '@context': [...OB_CREDENTIAL_CONTEXT],
    id,
    type: [...OB_CREDENTIAL_TYPE],
    name: input.name === undefined ? achievement.name : requireText(input.name, '/name'),
    description:
      input.description === undefined
        ? achievement.description
        : requireText(input.description, '/description'),
    image: input.image === undefined ? undefined : buildImage(input.image, '/image'),
    issuer,
    validFrom,
    validUntil,
    awardedDate:
      input.awardedDate === undefined ? undefined : requireDate(input.awardedDate, '/awardedDate'),
    credentialSubject: buildSubject(input, achievement),
    evidence: nonEmpty(
      optionalList(input.evidence, '/evidence').map((e, i) =>
        buildEvidence(e, pointer('/evidence', i)),
      ),
    ),
    credentialStatus:
      input.credentialStatus === undefined ? undefined : buildStatus(input.credentialStatus),
    credentialSchema: buildSchemas(input.credentialSchema),
    termsOfUse: nonEmpty(
      optionalList(input.termsOfUse, '/termsOfUse').map((t, i) =>
        buildTyped(t, pointer('/termsOfUse', i), false),
      ),
    ),
    refreshService:
      input.refreshService === undefined
        ? undefined
        : buildTyped(input.refreshService, '/refreshService', true),
  }) as OpenBadgeCredential;
  const withContext = usesExtensionTypes(credential)
    ? { ...credential, '@context': [...OB_CREDENTIAL_CONTEXT, OB_EXTENSIONS_CONTEXT] }
    : credential;
  assertConformant(withContext);
  return withContext;
}

/**
 * The 1EdTech type names (the official schema's validator type, the revocation list, the
 * refresh service) are defined by the OB extensions context only; without it they would be
 * undefined terms.
 */
function usesExtensionTypes(credential: OpenBadgeCredential): boolean {
  const entries = [
    ...(credential.credentialSchema ?? []),
    ...(credential.termsOfUse ?? []),
    ...(credential.credentialStatus === undefined ? [] : [credential.credentialStatus]),
    ...(credential.refreshService === undefined ? [] : [credential.refreshService]),
  ];
  return entries.some((entry) => (OB_EXTENSION_TYPES as readonly string[]).includes(entry.type));
}

function buildSubject(input: BuildCredentialInput, achievement: Achievement): AchievementSubject {
  const start =
    input.activityStartDate === undefined
      ? undefined
      : requireDate(input.activityStartDate, '/activityStartDate');
  const end =
    input.activityEndDate === undefined
      ? undefined
      : requireDate(input.activityEndDate, '/activityEndDate');
  if (start !== undefined && end !== undefined && (instantOf(end) ?? 0) < (instantOf(start) ?? 0)) {
    invalid('/activityEndDate', `${end} is before activityStartDate ${start}`);
  }
  const recipient = buildRecipient(input.recipient);
  return stripUndefined({
    id: recipient.id,
    type: ['AchievementSubject'],
    identifier: recipient.identifier,
    achievement,
    result: nonEmpty(
      optionalList(input.result, '/result').map((r, i) =>
        buildResult(r, achievement, pointer('/result', i)),
      ),
    ),
    creditsEarned: optionalCredits(input.creditsEarned, '/creditsEarned'),
    activityStartDate: start,
    activityEndDate: end,
    licenseNumber: optionalText(input.licenseNumber, '/licenseNumber'),
    role: optionalText(input.role, '/role'),
    term: optionalText(input.term, '/term'),
    narrative: optionalText(input.narrative, '/narrative'),
  });
}

function buildRecipient(recipient: RecipientInput): {
  id?: string;
  identifier?: readonly IdentityObject[];
} {
  requireObject(recipient, '/recipient');
  const identifiers: IdentityObject[] = [];
  if (recipient.email !== undefined) {
    if (!isEmailAddress(typeof recipient.email === 'string' ? recipient.email.trim() : undefined)) {
      invalid('/recipient/email', `${JSON.stringify(recipient.email)} is not an email address`);
    }
    if (recipient.salt !== undefined) requireText(recipient.salt, '/recipient/salt');
    identifiers.push(emailIdentity(recipient.email, recipient.salt));
  }
  optionalList(recipient.identifier, '/recipient/identifier').forEach((identity, i) => {
    const path = pointer('/recipient/identifier', i);
    requireObject(identity, path);
    if (identity.type !== 'IdentityObject') {
      invalid(path, "must be an IdentityObject (type 'IdentityObject')");
    }
    if (identity.hashed && !isIdentityHash(identity.identityHash)) {
      invalid(pointer(path, 'identityHash'), "a hashed identity must be 'sha256$' + 64 hex digits");
    }
    identifiers.push(identity);
  });
  const id = recipient.id === undefined ? undefined : requireUri(recipient.id, '/recipient/id');
  if (id === undefined && identifiers.length === 0) {
    invalid('/recipient', 'needs an id (DID or URL), an email or an identifier');
  }
  return stripUndefined({ id, identifier: nonEmpty(identifiers) });
}

function buildStatus(status: BuildCredentialInput['credentialStatus'] & object) {
  requireObject(status, '/credentialStatus');
  requireUri(status.id, '/credentialStatus/id');
  requireText(status.type, '/credentialStatus/type');
  return { ...status };
}

function buildSchemas(schemas: BuildCredentialInput['credentialSchema']) {
  if (schemas === undefined) return [{ ...OB_CREDENTIAL_SCHEMA }];
  return nonEmpty(
    optionalList(schemas, '/credentialSchema').map((s, i) =>
      buildTyped(s, pointer('/credentialSchema', i), true),
    ),
  );
}

function buildTyped(entry: { id?: string; type: string }, path: string, idRequired: boolean) {
  requireObject(entry, path);
  const id =
    entry.id === undefined && !idRequired ? undefined : requireUri(entry.id, pointer(path, 'id'));
  return stripUndefined({ id, type: requireText(entry.type, pointer(path, 'type')) }) as {
    id: string;
    type: string;
  };
}

/** A last guard: input validation should make this unreachable. */
function assertConformant(credential: OpenBadgeCredential): void {
  const schema = validateOb3Schema(credential);
  const issue = schema.errors[0] ?? schema.warnings[0];
  if (issue !== undefined) {
    throw new CredstackError(
      'BUILD_INVALID',
      `built credential fails the OB 3.0 schema at ${issue.path}: ${issue.message}`,
    );
  }
  const rules = checkCredentialRules(credential);
  const problem = rules.problems[0];
  if (problem !== undefined) {
    throw new CredstackError(
      'BUILD_INVALID',
      `built credential breaks a rule at ${problem.path}: ${problem.message}`,
    );
  }
}
