import { noteMetric } from '#shared/core/metrics.ts';
import type { EvidenceInput } from '#shared/credentials/model/build-input.ts';
import type { IdentityObject } from '#shared/credentials/model/types.ts';
import { requireAchievement } from './achievements.ts';
import { type AwardPlan, type AwardStep, lapsePolicy, type Met, planAwards } from './award-plan.ts';
import { ServiceError } from './errors.ts';
import { credentialJson, type SignInput, signAndStore } from './issuance.ts';
import { requireIssuer } from './issuers.ts';
import {
  issuerAchievements,
  learnerCredentials,
  type PublishedPathway,
  pathwayVersion,
  publishedPathways,
  requirementNames,
} from './pathway-evaluation.ts';
import { type RequirementNames, requirementWords } from './pathway-words.ts';
import type { ServiceContext } from './ports/service-context.ts';
import type { Principal } from './principal.ts';
import type { AchievementRecord, CredentialRecord } from './records/records.ts';
import { changeStatus } from './status.ts';

/**
 * Pathway credentials: when a learner completes a published pathway version, its issuer awards
 * a credential naming every contributing credential and the rule version as evidence; when a
 * contributing credential is revoked, suspended or expires and the pathway no longer holds, the
 * award is suspended or revoked as the pathway's `policy.onLapse` says (suspend by default),
 * and a suspended award is reinstated once the pathway holds again.
 *
 * Exactly once per learner, pathway, version and generation: the award's credential id is
 * derived from those four, and the store's conditional create lets only one of two racing
 * awards win. A new generation is awarded when the learner qualifies again after the last award
 * lapsed for good (`onLapse: revoke`), or when the pathway holds on other credentials than the
 * ones the award cites (a cited one was revoked, suspended or expired): the old award is then
 * revoked as `superseded`, so an active award's evidence never cites a credential that no
 * longer counts. docs/architecture.md ("Pathway awards") has the rules.
 *
 * What to do is decided by `planAwards` (award-plan.ts, pure); this module reads its input
 * through the ports and applies the plan it returns.
 */

/** Achievement ids of pathway credentials: `pathway:<pathwayId>` (never a UUID, so never an achievement's). */
export const PATHWAY_ACHIEVEMENT_PREFIX = 'pathway:';

// The service acts on its own behalf here; the principal only passes the use cases' scope checks.
const SYSTEM: Principal = { subject: 'credstack:pathways', roles: ['platform-admin'] };

export interface ReevaluationOutcome {
  readonly learnerId: string;
  /** Credential ids awarded now (pathway and milestone credentials). */
  readonly awarded: readonly string[];
  /**
   * With `jobId`: the awards the learner holds that this job made, now or in an earlier run
   * that died before counting them, so a resumed job counts each exactly once.
   */
  readonly byJob: readonly string[];
  readonly suspended: readonly string[];
  readonly revoked: readonly string[];
  readonly reinstated: readonly string[];
}

/**
 * The public URL of a pathway (its published definition): the awarded achievement's id.
 *
 * @example
 * pathwayUrl('https://api.example', 'northfield', 'analyst'); // 'https://api.example/issuers/northfield/pathways/analyst'
 */
export function pathwayUrl(baseUrl: string, issuerId: string, pathwayId: string): string {
  return `${baseUrl}/issuers/${issuerId}/pathways/${encodeURIComponent(pathwayId)}`;
}

/** The pathway as the achievement its credential is for. */
function pathwayAchievement(p: PublishedPathway): AchievementRecord {
  const { pathway } = p.compiled;
  return {
    issuerId: p.record.issuerId,
    id: `${PATHWAY_ACHIEVEMENT_PREFIX}${p.record.pathwayId}`,
    definition: {
      name: pathway.name,
      description:
        pathway.description ?? `Completed every requirement of the ${pathway.name} pathway.`,
      criteria: {
        narrative: `Hold credentials satisfying version ${p.record.version} of the ${pathway.name} pathway rules, published by the issuer; only verified, unrevoked, unexpired credentials count.`,
      },
      achievementType: 'Certificate',
    },
    proofFormat: 'vc-jwt',
    algorithm: 'ES256',
    // A suspendable award can come back when the pathway holds again; a revocable one cannot.
    statusPurpose: lapsePolicy(p) === 'suspend' ? 'suspension' : 'revocation',
    createdAt: p.record.createdAt,
  };
}

/** The subject of the newest contributing credential: the award goes to the same identity. */
function recipientOf(records: readonly CredentialRecord[]): SignInput['recipient'] | undefined {
  for (const record of [...records].sort((a, b) => b.issuedAt.localeCompare(a.issuedAt))) {
    const subject = credentialJson(record).credentialSubject as
      | { id?: unknown; identifier?: unknown }
      | undefined;
    if (typeof subject?.id === 'string') return { id: subject.id };
    if (Array.isArray(subject?.identifier) && subject.identifier.length > 0) {
      return { identifier: subject.identifier as IdentityObject[] };
    }
  }
  return undefined;
}

function evidenceFor(
  ctx: ServiceContext,
  p: PublishedPathway,
  used: readonly CredentialRecord[],
  met: ReadonlyMap<string, Met>,
  names: RequirementNames,
): EvidenceInput[] {
  const url = pathwayUrl(ctx.baseUrl, p.record.issuerId, p.record.pathwayId);
  const name = p.compiled.pathway.name;
  return [
    {
      id: `${url}/versions/${p.record.version}`,
      name: `${name}: rules version ${p.record.version}`,
      narrative: `The credential was awarded because the holder satisfied version ${p.record.version} of these rules.`,
      genre: 'Pathway rules',
    },
    ...used.map((record) => {
      const achievement = (
        credentialJson(record).credentialSubject as { achievement?: { name?: unknown } }
      )?.achievement;
      const why = met.get(record.id);
      const requirement = why === undefined ? name : requirementWords(why.node, names);
      const where = why?.partOf === undefined ? '' : ` (part of "${why.partOf}")`;
      const narrative =
        why?.credits === undefined
          ? `Met the requirement "${requirement}"${where} of ${name}.`
          : `Counted ${why.credits} ${why.credits === 1 ? 'credit' : 'credits'} toward "${requirement}"${where} of ${name}.`;
      return {
        id: record.id,
        name: typeof achievement?.name === 'string' ? achievement.name : record.achievementId,
        narrative,
        genre: 'Contributing credential',
      };
    }),
  ];
}

/**
 * Issues one award unless it exists; the id says whether a racing worker got there first.
 * Returns the award issued now (if any) and, with `jobId`, whether the award that exists was
 * made by that job (now, or by an earlier run of it).
 */
async function award(
  ctx: ServiceContext,
  step: AwardStep,
  learnerId: string,
  achievement: AchievementRecord,
  used: readonly CredentialRecord[],
  names: RequirementNames,
  jobId?: string,
): Promise<{ readonly issued?: CredentialRecord; readonly byJob: boolean }> {
  const { credentialId, pathway: p, milestone, generation } = step;
  const madeBy = (record: CredentialRecord | undefined) =>
    jobId !== undefined && record?.award?.jobId === jobId;
  const existing = await ctx.credentials.get(credentialId);
  if (existing) return { byJob: madeBy(existing) };
  const recipient = recipientOf(used);
  if (!recipient) return { byJob: false };
  const issuer = await requireIssuer(ctx, p.record.issuerId);
  try {
    const { record } = await signAndStore(ctx, issuer, achievement, {
      credentialId,
      learnerId,
      recipient,
      ...(milestone === undefined
        ? { achievementUrl: pathwayUrl(ctx.baseUrl, p.record.issuerId, p.record.pathwayId) }
        : {}),
      evidence: evidenceFor(ctx, p, used, step.met, names),
      award: {
        pathwayId: p.record.pathwayId,
        version: p.record.version,
        ...(milestone === undefined ? {} : { milestone }),
        contributing: used.map((r) => r.id),
        ...(generation > 1 ? { generation } : {}),
        ...(jobId === undefined ? {} : { jobId }),
      },
    });
    return { issued: record, byJob: jobId !== undefined };
  } catch (error) {
    if (error instanceof ServiceError && error.code === 'CONFLICT')
      return { byJob: madeBy(await ctx.credentials.get(credentialId)) };
    throw error;
  }
}

/**
 * Performs a plan through the ports, in its order: signs and stores each award (with the
 * evidence in people's words, read from the issuer's catalogue), and changes the status of the
 * awards it supersedes, lapses or reinstates. An award another worker made first is left as it
 * is, and so is the award it would have superseded; a status another worker changed first is
 * taken as done. An award cites only credentials that exist: one planned in this pass that was
 * not made here is dropped from the evidence of the awards built on it.
 *
 * @example
 * const outcome = await applyAwardPlan(ctx, planAwards(input), { learnerId: 'ada', records });
 */
export async function applyAwardPlan(
  ctx: ServiceContext,
  plan: AwardPlan,
  input: {
    readonly learnerId: string;
    /** The records the plan was made from. */
    readonly records: readonly CredentialRecord[];
    readonly published: readonly PublishedPathway[];
    readonly jobId?: string;
  },
): Promise<ReevaluationOutcome> {
  const outcome = {
    learnerId: input.learnerId,
    awarded: [] as string[],
    byJob: [...plan.heldByJob],
    suspended: [] as string[],
    revoked: [] as string[],
    reinstated: [] as string[],
  };
  const known = new Map(input.records.map((r) => [r.id, r]));
  const issuedNow = new Set<string>();
  const names = new Map<string, Promise<RequirementNames>>();
  const namesFor = (issuerId: string) => {
    let found = names.get(issuerId);
    if (!found) {
      found = issuerAchievements(ctx, issuerId).then((catalogue) =>
        requirementNames(catalogue, input.published, issuerId),
      );
      names.set(issuerId, found);
    }
    return found;
  };
  for (const step of plan.steps) {
    switch (step.kind) {
      case 'award': {
        const { issuerId } = step.pathway.record;
        const words = await namesFor(issuerId);
        const achievement =
          step.milestone === undefined
            ? pathwayAchievement(step.pathway)
            : await requireAchievement(ctx, issuerId, step.milestone);
        const used = step.contributing.flatMap((id) => known.get(id) ?? []);
        const made = await award(ctx, step, input.learnerId, achievement, used, words, input.jobId);
        if (made.byJob) outcome.byJob.push(step.credentialId);
        if (made.issued) {
          outcome.awarded.push(made.issued.id);
          issuedNow.add(made.issued.id);
          if (step.milestone === undefined) known.set(made.issued.id, made.issued);
        }
        break;
      }
      case 'supersede':
        if (step.by !== undefined && !issuedNow.has(step.by)) break;
        await changeStatus(ctx, SYSTEM, step.credentialId, 'revoked', {
          reason: 'superseded',
        }).catch(ignoreConflict);
        outcome.revoked.push(step.credentialId);
        break;
      case 'lapse':
        await changeStatus(ctx, SYSTEM, step.credentialId, step.to, { reason: 'lapsed' }).catch(
          ignoreConflict,
        );
        (step.to === 'revoked' ? outcome.revoked : outcome.suspended).push(step.credentialId);
        break;
      case 'reinstate':
        await changeStatus(ctx, SYSTEM, step.credentialId, 'active').catch(ignoreConflict);
        outcome.reinstated.push(step.credentialId);
        break;
    }
  }
  noteMetric('PathwayAwardsGranted', outcome.awarded.length);
  noteMetric('PathwayAwardsLapsed', outcome.suspended.length + outcome.revoked.length);
  noteMetric('PathwayAwardsReinstated', outcome.reinstated.length);
  return outcome;
}

/**
 * Re-evaluates a learner and acts on the outcome: reads the learner's credentials and the
 * published pathways, plans (`planAwards`: award each newly completed published pathway and
 * each milestone reached once; suspend, revoke or reinstate existing pathway awards as their
 * version now holds or not) and applies the plan. `only` limits new awards to the given
 * pathways (`<issuerId>/<pathwayId>`); held awards are always checked. `changed` is the
 * credentials whose change triggered this, merged over the (eventually consistent) listing.
 *
 * @example
 * const outcome = await reevaluateLearner(ctx, 'ada', { changed: [record] });
 */
export async function reevaluateLearner(
  ctx: ServiceContext,
  learnerId: string,
  options: {
    readonly changed?: readonly CredentialRecord[];
    readonly only?: ReadonlySet<string>;
    readonly published?: readonly PublishedPathway[];
    readonly jobId?: string;
  } = {},
): Promise<ReevaluationOutcome> {
  const [listed, published] = await Promise.all([
    learnerCredentials(ctx, learnerId),
    options.published ?? publishedPathways(ctx),
  ]);
  const records = mergeChanged(listed, options.changed);
  const versions = await heldVersions(ctx, records);
  const plan = planAwards({
    learnerId,
    records,
    published,
    versions,
    now: ctx.clock.now(),
    ...(options.only === undefined ? {} : { only: options.only }),
    ...(options.changed === undefined ? {} : { changed: options.changed }),
    ...(options.jobId === undefined ? {} : { jobId: options.jobId }),
  });
  return applyAwardPlan(ctx, plan, {
    learnerId,
    records,
    published,
    ...(options.jobId === undefined ? {} : { jobId: options.jobId }),
  });
}

/** The versions the learner's live pathway awards were made for (read once, then cached). */
async function heldVersions(
  ctx: ServiceContext,
  records: readonly CredentialRecord[],
): Promise<PublishedPathway[]> {
  const found = await Promise.all(
    records.flatMap((r) =>
      r.award && r.award.milestone === undefined && r.state !== 'revoked'
        ? [pathwayVersion(ctx, r.issuerId, r.award.pathwayId, r.award.version)]
        : [],
    ),
  );
  return found.filter((v): v is PublishedPathway => v !== undefined);
}

/** Another worker changed the award first: its state is already what this one wanted. */
function ignoreConflict(error: unknown): void {
  if (!(error instanceof ServiceError && error.code === 'CONFLICT')) throw error;
}

function mergeChanged(
  listed: readonly CredentialRecord[],
  changed: readonly CredentialRecord[] = [],
): CredentialRecord[] {
  const ids = new Set(changed.map((r) => r.id));
  return [...listed.filter((r) => !ids.has(r.id)), ...changed];
}
