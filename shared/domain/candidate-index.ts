import type { CandidateDocument } from '#shared/domain/ports/search-index.ts';
import { type BadgeSource, buildCandidateDocument } from '#shared/search/candidate-document.ts';
import { isDiscoverable } from './discoverability.ts';
import { credentialJson } from './issuance.ts';
import { type ServiceContext, urls } from './ports/service-context.ts';
import { importedCredentialJson, importVerifyUrl } from './records/import-records.ts';
import type { CredentialRecord } from './records/records.ts';
import type { CandidateSources, IssuedBadgeRecord } from './records/search-records.ts';

/**
 * Keeping the search index in step with the table. Every change to a learner's sources (a
 * consent, an import, an issued credential) ends in {@link reindexLearner}, which rebuilds the
 * learner's documents from scratch and writes them at a fresh version:
 *
 * 1. take the next value of the learner's version counter (an atomic ADD on one item);
 * 2. then read every source in one strongly consistent query of the learner's partition;
 * 3. upsert (or remove) at that version; the index ignores writes older than what it holds.
 *
 * Why the version stays monotonic and the last write is right, however many changes race: a
 * change is committed before its own rebuild takes a version, and every rebuild reads after
 * taking its version. So the rebuild holding the highest version read after every change
 * whose rebuild took a lower one — and the change with the highest version is its own. Issued
 * credentials live in other partitions and reach the learner's through the stream (a copy
 * per credential, ordered by stream sequence number), never through a GSI read, because a GSI
 * can lag behind the change that triggered the rebuild.
 */

/** Sequence of the copies made outside the stream: lower than any record's, so never winning. */
const BACKFILL_SEQUENCE = '0'.repeat(40);

/** Skills written to the tenant's vocabulary by this process lately: skip writing them again. */
const recentSkills = new Set<string>();
const RECENT_SKILLS_MAX = 10_000;

function issuedSource(ctx: ServiceContext, copy: IssuedBadgeRecord): BadgeSource {
  const record = copy.credential;
  return {
    credentialId: record.id,
    verifyUrl: `${urls.credential(ctx.baseUrl, record.id)}/verify`,
    credential: credentialJson(record),
    // Signed by the service with the issuer's own did:web key: verified and bound by making.
    verified: true,
    issuerBound: true,
    withdrawn: copy.removed === true || record.state !== 'active',
  };
}

function badgeSources(ctx: ServiceContext, learnerId: string, sources: CandidateSources) {
  const badges: BadgeSource[] = sources.issued.map((copy) => issuedSource(ctx, copy));
  for (const record of sources.imports) {
    badges.push({
      credentialId: record.credentialId,
      verifyUrl: importVerifyUrl(ctx.baseUrl, learnerId, record.id),
      credential: importedCredentialJson(record),
      verified: record.state === 'verified' && record.report.verdict === 'valid',
      issuerBound: record.report.issuerBinding.bound,
      withdrawn: false,
    });
  }
  return badges;
}

async function rememberSkills(ctx: ServiceContext, document: CandidateDocument): Promise<void> {
  const fresh = new Map<string, { key: string; name?: string }>();
  for (const badge of document.badges) {
    for (const skill of badge.skills) {
      const seen = `${document.tenantId}\u0000${skill.key}`;
      if (recentSkills.has(seen) || fresh.has(skill.key)) continue;
      fresh.set(
        skill.key,
        skill.name === undefined ? { key: skill.key } : { key: skill.key, name: skill.name },
      );
    }
  }
  if (fresh.size === 0) return;
  await ctx.searchSettings.recordSkills(document.tenantId, [...fresh.values()]);
  if (recentSkills.size + fresh.size > RECENT_SKILLS_MAX) recentSkills.clear();
  for (const key of fresh.keys()) recentSkills.add(`${document.tenantId}\u0000${key}`);
}

/** What one rebuild wrote. */
export interface ReindexOutcome {
  readonly version: number;
  /** Tenants whose document was written. */
  readonly upserted: readonly string[];
  /** Tenants whose document was removed (consent withdrawn or past its `until`). */
  readonly removed: readonly string[];
}

/**
 * Rebuilds the learner's candidate documents (one per tenant they consented in) and writes
 * them to the index at a fresh version.
 *
 * @example
 * await reindexLearner(ctx, 'ada');
 */
export async function reindexLearner(
  ctx: ServiceContext,
  learnerId: string,
): Promise<ReindexOutcome> {
  const version = await ctx.candidateSources.nextVersion(learnerId);
  const sources = await ctx.candidateSources.load(learnerId);
  const now = ctx.clock.now();
  const badges = badgeSources(ctx, learnerId, sources);
  const upserted: string[] = [];
  const removed: string[] = [];
  for (const consent of sources.consents) {
    if (!isDiscoverable(consent, now)) {
      await ctx.searchIndex.remove(consent.tenantId, learnerId, version);
      removed.push(consent.tenantId);
      continue;
    }
    const settings = await ctx.searchSettings.get(consent.tenantId);
    const document = buildCandidateDocument({
      tenantId: consent.tenantId,
      learnerId,
      displayName: consent.displayName,
      visibility: {
        employers: consent.employers,
        ...(consent.until === undefined ? {} : { until: consent.until }),
      },
      version,
      now: now.toISOString(),
      badges,
      ...(settings === undefined ? {} : { issuerTiers: settings.issuerTiers }),
    });
    await ctx.searchIndex.upsert(document);
    await rememberSkills(ctx, document);
    upserted.push(consent.tenantId);
  }
  return { version, upserted, removed };
}

/**
 * Records a change of an issued credential, as read from the table's stream, in its
 * learner's partition. Returns false when a later record of the same credential is held.
 *
 * @example
 * await recordIssuedCredential(ctx, record, '4210000000000001234', false);
 */
export async function recordIssuedCredential(
  ctx: ServiceContext,
  credential: CredentialRecord,
  sequence: string,
  removed: boolean,
): Promise<boolean> {
  if (credential.learnerId === undefined) return false;
  return ctx.candidateSources.putIssued({
    learnerId: credential.learnerId,
    credential,
    sequence,
    ...(removed ? { removed: true } : {}),
  });
}

/**
 * Copies the learner's issued credentials into their partition where no copy exists yet
 * (credentials issued before the indexer ran). A copy from the stream always wins over these.
 *
 * @example
 * await backfillIssued(ctx, 'ada');
 */
export async function backfillIssued(ctx: ServiceContext, learnerId: string): Promise<number> {
  let copied = 0;
  let cursor: string | undefined;
  do {
    const page = await ctx.credentials.listByLearner(learnerId, cursor);
    for (const listed of page.items) {
      // The GSI may lag: the item itself is read consistently.
      const credential = (await ctx.credentials.get(listed.id)) ?? listed;
      if (
        await ctx.candidateSources.putIssued({ learnerId, credential, sequence: BACKFILL_SEQUENCE })
      )
        copied += 1;
    }
    cursor = page.cursor;
  } while (cursor !== undefined);
  return copied;
}

/**
 * Re-indexes every learner with a consent record in `tenantId` (every tenant when undefined):
 * after a tenant's issuer tiers change, or to rebuild an index from the table. With
 * `backfill`, issued credentials the stream never delivered are copied first.
 *
 * @example
 * await reindexCandidates(ctx, undefined, { backfill: true });
 */
export async function reindexCandidates(
  ctx: ServiceContext,
  tenantId: string | undefined,
  options: { readonly backfill?: boolean } = {},
): Promise<number> {
  const done = new Set<string>();
  let cursor: string | undefined;
  do {
    const page = await ctx.consents.listCandidates(tenantId, cursor);
    for (const { learnerId } of page.items) {
      if (done.has(learnerId)) continue;
      done.add(learnerId);
      if (options.backfill) await backfillIssued(ctx, learnerId);
      await reindexLearner(ctx, learnerId);
    }
    cursor = page.cursor;
  } while (cursor !== undefined);
  return done.size;
}
