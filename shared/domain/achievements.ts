import { randomUUID } from 'node:crypto';
import { isCredstackError } from '#shared/core/errors.ts';
import { buildOpenBadgeCredential } from '#shared/credentials/model/build.ts';
import type { AchievementInput } from '#shared/credentials/model/build-input.ts';
import { withOb3Schema } from '#shared/credentials/model/schema-validator.ts';
import { ServiceError } from './errors.ts';
import { requireIssuer } from './issuers.ts';
import type { Page } from './ports/repositories.ts';
import { type ServiceContext, urls } from './ports/service-context.ts';
import { type Principal, requireIssuerScope } from './principal.ts';
import type { AchievementRecord, ProofFormat } from './records/records.ts';

export interface CreateAchievementInput {
  readonly definition: Omit<AchievementInput, 'id'>;
  readonly proofFormat?: ProofFormat;
  readonly algorithm?: 'ES256' | 'RS256';
  readonly statusPurpose?: 'revocation' | 'suspension';
}

/** What an achievement looks like to API callers: its public id and definition. */
export interface AchievementView extends Omit<AchievementRecord, 'definition'> {
  readonly url: string;
  readonly definition: AchievementRecord['definition'];
}

export function achievementView(ctx: ServiceContext, record: AchievementRecord): AchievementView {
  return { ...record, url: urls.achievement(ctx.baseUrl, record.issuerId, record.id) };
}

/**
 * Turns a builder error (BUILD_INVALID at `/achievement/name`) into a 400 naming the field of
 * the request, by replacing the builder's pointer prefix `from` with the request's `to`. The
 * pointer and detail come from the error's fields; an error naming no field points at `to`.
 *
 * @example
 * throw asValidationError(error, '/achievement', '/definition');
 */
export function asValidationError(error: unknown, from: string, to: string): unknown {
  if (!isCredstackError(error, 'BUILD_INVALID')) return error;
  const moved = (path: string) =>
    path.startsWith(from) ? `${to}${path.slice(from.length)}` : `${to}${path}`;
  const fields = error.fields.map((field) => ({ ...field, pointer: moved(field.pointer) }));
  const [first] = fields;
  if (first === undefined)
    return new ServiceError('VALIDATION', error.message, {
      cause: error,
      fields: [{ pointer: to, detail: error.message }],
    });
  return new ServiceError('VALIDATION', `${first.pointer}: ${first.detail}`, {
    cause: error,
    pointer: first.pointer,
    fields,
  });
}

/**
 * Defines a badge class for an issuer. The definition is checked by building a sample
 * credential from it, so every later award is known to build.
 *
 * @example
 * await createAchievement(ctx, admin, 'northfield', { definition: { name: 'SQL', description: '…', criteria: { narrative: '…' } } });
 */
export async function createAchievement(
  ctx: ServiceContext,
  principal: Principal,
  issuerId: string,
  input: CreateAchievementInput,
  lineage: { readonly revision: number; readonly previousId: string } | undefined = undefined,
): Promise<AchievementView> {
  requireIssuerScope(principal, issuerId);
  const issuer = await requireIssuer(ctx, issuerId);
  const id = randomUUID();
  try {
    // A Lambda bundle loads the schema compiler only if the sample credential needs it.
    await withOb3Schema(() =>
      buildOpenBadgeCredential(
        {
          issuer: { id: issuer.did, ...issuer.profile },
          recipient: { id: 'did:example:sample-recipient' },
          achievement: { ...input.definition, id: urls.achievement(ctx.baseUrl, issuerId, id) },
        },
        { clock: ctx.clock },
      ),
    );
  } catch (error) {
    throw asValidationError(error, '/achievement', '/definition');
  }
  const record: AchievementRecord = {
    issuerId,
    id,
    definition: input.definition,
    proofFormat: input.proofFormat ?? 'vc-jwt',
    algorithm: input.algorithm ?? 'ES256',
    statusPurpose: input.statusPurpose ?? 'revocation',
    createdAt: ctx.clock.now().toISOString(),
    ...(lineage ?? {}),
  };
  await ctx.achievements.create(record);
  return achievementView(ctx, record);
}

/** Longest achievement id looked up; the service's own ids are 36-character UUIDs. */
const MAX_ACHIEVEMENT_ID_LENGTH = 128;

/** The achievement, or NOT_FOUND. Achievement definitions are public. */
export async function requireAchievement(
  ctx: ServiceContext,
  issuerId: string,
  achievementId: string,
): Promise<AchievementRecord> {
  // Achievement ids are UUIDs the service made: a longer one names nothing, and would exceed
  // the table's key size limit if it were looked up (a 500 instead of this 404).
  if (achievementId.length > MAX_ACHIEVEMENT_ID_LENGTH)
    throw new ServiceError(
      'NOT_FOUND',
      `no achievement ${achievementId.slice(0, 64)}… for issuer ${issuerId}`,
    );
  const record = await ctx.achievements.get(issuerId, achievementId);
  if (!record)
    throw new ServiceError('NOT_FOUND', `no achievement ${achievementId} for issuer ${issuerId}`);
  return record;
}

/**
 * A page of an issuer's achievements.
 *
 * @example
 * const { items } = await listAchievements(ctx, 'northfield');
 */
export async function listAchievements(
  ctx: ServiceContext,
  issuerId: string,
  cursor?: string,
): Promise<Page<AchievementView>> {
  await requireIssuer(ctx, issuerId);
  const page = await ctx.achievements.list(issuerId, cursor);
  return { ...page, items: page.items.map((record) => achievementView(ctx, record)) };
}
