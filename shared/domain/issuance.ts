import { createHash, randomUUID } from 'node:crypto';
import { noteMetric } from '#shared/core/metrics.ts';
import type { Signer } from '#shared/credentials/crypto/signer.ts';
import { buildOpenBadgeCredential } from '#shared/credentials/model/build.ts';
import type { EvidenceInput, ResultInput } from '#shared/credentials/model/build-input.ts';
import { emailIdentity } from '#shared/credentials/model/identity.ts';
import { withOb3Schema } from '#shared/credentials/model/schema-validator.ts';
import type { IdentityObject } from '#shared/credentials/model/types.ts';
import { createEddsaRdfc2022Proof } from '#shared/credentials/proof/data-integrity-on-need.ts';
import { signVcJwt } from '#shared/credentials/proof/vc-jwt-sign.ts';
import {
  credentialFromJwtPayload,
  decodeCompactJws,
} from '#shared/credentials/proof/vc-jwt-verify.ts';
import { asValidationError, requireAchievement } from './achievements.ts';
import { ServiceError } from './errors.ts';
import { activeSigner, requireIssuer } from './issuers.ts';
import { type ServiceContext, urls } from './ports/service-context.ts';
import { type Principal, requireIssuerScope } from './principal.ts';
import type {
  AchievementRecord,
  CredentialRecord,
  IssuerRecord,
  PathwayAward,
  StatusAssignment,
} from './records/records.ts';

export interface IssueInput {
  readonly issuerId: string;
  readonly achievementId: string;
  /** The learner: a DID or URL (`id`), or an email address, stored only as a salted hash. */
  readonly recipient: { readonly id?: string; readonly email?: string };
  /** The learner account the credential belongs to, when the learner has one. */
  readonly learnerId?: string;
  /**
   * A credential id chosen by the caller (batch jobs derive one per recipient, so a retried
   * award collides with the first instead of issuing twice). Default: a random urn:uuid.
   */
  readonly credentialId?: string;
  readonly validFrom?: string;
  readonly validUntil?: string;
  readonly awardedDate?: string;
  readonly result?: readonly ResultInput[];
  readonly creditsEarned?: number;
  readonly evidence?: readonly EvidenceInput[];
}

export interface IssuedCredential {
  readonly record: CredentialRecord;
  /** The credential as JSON (for VC-JWT: the payload's credential). */
  readonly credential: Record<string, unknown>;
}

/**
 * Awards an achievement: the service fills id, issuer, dates and the status entry, signs with
 * the issuer's active key in the achievement's proof format, and stores the result.
 *
 * @example
 * const { credential } = await issueCredential(ctx, admin, { issuerId, achievementId, recipient: { email } });
 */
export async function issueCredential(
  ctx: ServiceContext,
  principal: Principal,
  input: IssueInput,
): Promise<IssuedCredential> {
  requireIssuerScope(principal, input.issuerId);
  const issuer = await requireIssuer(ctx, input.issuerId);
  const achievement = await requireAchievement(ctx, input.issuerId, input.achievementId);
  if ((input.recipient.id === undefined) === (input.recipient.email === undefined)) {
    throw new ServiceError('VALIDATION', 'the recipient needs exactly one of id and email', {
      fields: [{ pointer: '/recipient', detail: 'give either id (a DID or URL) or email' }],
    });
  }
  requireSensibleDates(input, ctx.clock.now());
  const { recipient, ...rest } = input;
  return signAndStore(ctx, issuer, achievement, { ...rest, recipient: subjectOf(recipient) });
}

/**
 * The credential subject of a recipient given by id (a DID or URL) or by email address (kept
 * only as a salted hash).
 */
export function subjectOf(recipient: IssueInput['recipient']): SignInput['recipient'] {
  if (recipient.email !== undefined) return { identifier: [emailIdentity(recipient.email)] };
  return { id: recipient.id as string };
}

/**
 * Refuses dates no credential should carry, before anything is written: a `validUntil` already
 * past (the credential would be expired on arrival, and a verifier would reject it at once),
 * or one before `validFrom`. Pointers name the {@link IssueInput} fields; the HTTP layer
 * translates them to the request body.
 */
function requireSensibleDates(
  input: Pick<IssueInput, 'validFrom' | 'validUntil'>,
  now: Date,
): void {
  if (input.validUntil === undefined) return;
  const until = Date.parse(input.validUntil);
  if (Number.isNaN(until)) return; // the builder names a malformed date
  const refuse = (detail: string) =>
    new ServiceError('VALIDATION', `/validUntil: ${detail}`, {
      pointer: '/validUntil',
      fields: [{ pointer: '/validUntil', detail }],
    });
  if (until <= now.getTime()) {
    throw refuse(
      `${input.validUntil} has already passed: the credential would be expired when issued`,
    );
  }
  const from = input.validFrom === undefined ? now.getTime() : Date.parse(input.validFrom);
  if (!Number.isNaN(from) && until < from) {
    throw refuse(`${input.validUntil} is before validFrom ${input.validFrom ?? 'now'}`);
  }
}

/** What {@link signAndStore} needs beyond the issuer and achievement. */
export interface SignInput extends Omit<IssueInput, 'issuerId' | 'achievementId' | 'recipient'> {
  /** The subject as it will appear in the credential: a URI, or ready-made identity objects. */
  readonly recipient: { readonly id: string } | { readonly identifier: readonly IdentityObject[] };
  /** The achievement's public id, when it is not the issuer's achievement URL (pathways). */
  readonly achievementUrl?: string;
  readonly award?: PathwayAward;
}

/**
 * Builds, signs and stores a credential for an issuer and achievement already loaded and
 * authorised: the one place a credential is made, whether an admin awards it or the service
 * awards a completed pathway. CONFLICT when `credentialId` is taken.
 *
 * @example
 * await signAndStore(ctx, issuer, achievement, { recipient: { id: 'did:example:ada' } });
 */
export async function signAndStore(
  ctx: ServiceContext,
  issuer: IssuerRecord,
  achievement: AchievementRecord,
  input: SignInput,
): Promise<IssuedCredential> {
  // An index claimed for a credential that then fails to build stays unused: harmless, and
  // cheaper than a compensating write.
  const status = await ctx.statusLists.allocate(issuer.id);
  const issued = await signCredential(ctx, issuer, achievement, input, status);
  await ctx.credentials.create(issued.record);
  noteMetric('CredentialsIssued');
  return issued;
}

/** The issuer's active key for an achievement's proof format, and its verification method. */
export function signingKeyFor(
  ctx: ServiceContext,
  issuer: IssuerRecord,
  achievement: AchievementRecord,
): Promise<{ readonly signer: Signer; readonly verificationMethod: string }> {
  return activeSigner(
    ctx,
    issuer,
    achievement.proofFormat === 'eddsa-rdfc-2022' ? 'EdDSA' : achievement.algorithm,
  );
}

/**
 * Builds and signs a credential with a status entry already claimed, and returns the record
 * to store (nothing is written). `key`, when given, is the issuer's signing key resolved once
 * for many credentials (a batch award); otherwise it is looked up.
 */
export async function signCredential(
  ctx: ServiceContext,
  issuer: IssuerRecord,
  achievement: AchievementRecord,
  input: SignInput,
  status: StatusAssignment,
  key?: { readonly signer: Signer; readonly verificationMethod: string },
): Promise<IssuedCredential> {
  const id = input.credentialId ?? `urn:uuid:${randomUUID()}`;
  const purpose = achievement.statusPurpose ?? 'revocation';
  const listUrl = urls.statusList(ctx.baseUrl, status.listId, purpose);
  let credential: Record<string, unknown>;
  try {
    // A Lambda bundle loads the schema compiler only if the built credential needs it.
    credential = (await withOb3Schema(() =>
      buildOpenBadgeCredential(
        {
          id,
          issuer: { id: issuer.did, ...issuer.profile },
          recipient: input.recipient,
          achievement: {
            ...achievement.definition,
            id: input.achievementUrl ?? urls.achievement(ctx.baseUrl, issuer.id, achievement.id),
          },
          ...(input.result ? { result: input.result } : {}),
          ...(input.creditsEarned !== undefined ? { creditsEarned: input.creditsEarned } : {}),
          ...(input.evidence ? { evidence: input.evidence } : {}),
          ...(input.validFrom ? { validFrom: input.validFrom } : {}),
          ...(input.validUntil ? { validUntil: input.validUntil } : {}),
          ...(input.awardedDate ? { awardedDate: input.awardedDate } : {}),
          credentialStatus: {
            id: `${listUrl}#${status.index}`,
            type: 'BitstringStatusListEntry',
            statusPurpose: purpose,
            statusListIndex: String(status.index),
            statusListCredential: listUrl,
          },
        },
        { clock: ctx.clock },
      ),
    )) as unknown as Record<string, unknown>;
  } catch (error) {
    throw asValidationError(error, '', '');
  }
  let signed: string;
  const { signer, verificationMethod } = key ?? (await signingKeyFor(ctx, issuer, achievement));
  if (achievement.proofFormat === 'eddsa-rdfc-2022') {
    const signedDocument = await createEddsaRdfc2022Proof(credential, signer, {
      verificationMethod,
      created: String(credential.validFrom),
    });
    // The OB 3.0 schema lists `proof` as an array; a one-proof set and a lone proof are the
    // same JSON-LD graph, so the signature is unchanged.
    credential = { ...signedDocument, proof: [signedDocument.proof].flat() };
    signed = JSON.stringify(credential);
  } else {
    signed = await signVcJwt(credential, signer, { kid: verificationMethod });
  }
  const identity = 'identifier' in input.recipient ? input.recipient.identifier[0] : undefined;
  const record: CredentialRecord = {
    id,
    issuerId: issuer.id,
    achievementId: achievement.id,
    recipient: identity
      ? { emailHash: identity.identityHash }
      : { id: (input.recipient as { id: string }).id },
    ...(input.learnerId ? { learnerId: input.learnerId } : {}),
    proofFormat: achievement.proofFormat,
    signed,
    status,
    state: 'active',
    issuedAt: String(credential.validFrom),
    ...(typeof credential.validUntil === 'string' ? { validUntil: credential.validUntil } : {}),
    ...(input.award ? { award: input.award } : {}),
  };
  return { record, credential };
}

/**
 * A credential id derived from `seed` (a name-based UUID, version 5 layout over SHA-256), for
 * awards that must happen once: a retry derives the same id and collides with the first.
 *
 * @example
 * derivedCredentialId('job-1:0'); // 'urn:uuid:…-5…'
 */
export function derivedCredentialId(seed: string): string {
  const hex = createHash('sha256').update(seed).digest('hex');
  const variant = ((Number.parseInt(hex[16] ?? '0', 16) & 0x3) | 0x8).toString(16);
  return `urn:uuid:${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** The stored credential, or NOT_FOUND. */
export async function requireCredential(
  ctx: ServiceContext,
  credentialId: string,
): Promise<CredentialRecord> {
  const record = await ctx.credentials.get(credentialId);
  if (!record) throw new ServiceError('NOT_FOUND', `no credential ${credentialId}`);
  return record;
}

/** The credential JSON of a stored record (the payload's credential for a VC-JWT). */
export function credentialJson(record: CredentialRecord): Record<string, unknown> {
  if (record.proofFormat !== 'vc-jwt') return JSON.parse(record.signed) as Record<string, unknown>;
  return credentialFromJwtPayload(decodeCompactJws(record.signed).payload).credential;
}
