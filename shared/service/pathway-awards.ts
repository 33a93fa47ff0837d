import type { Evaluation, NodeResult } from '#pathways/evaluate.ts';
import { indexLearner } from '#pathways/learner-index.ts';
import { noteMetric } from '#shared/core/metrics.ts';
import type { EvidenceInput } from '#shared/credential/build-input.ts';
import type { IdentityObject } from '#shared/credential/types.ts';
import { requireAchievement } from './achievements.ts';
import type { ServiceContext } from './context.ts';
import { ServiceError } from './errors.ts';
import { credentialJson, derivedCredentialId, type SignInput, signAndStore } from './issuance.ts';
import { requireIssuer } from './issuers.ts';
import {
  dependentsOf,
  evaluateAll,
  evaluatedOf,
  heldAwards,
  issuerAchievements,
  learnerCredentials,
  type PublishedPathway,
  pathwayVersion,
  publishedPathways,
  referencedPathways,
  requirementNames,
  triggersOf,
  withReferences,
} from './pathway-evaluation.ts';
import { type RequirementNames, requirementWords } from './pathway-words.ts';
import type { Principal } from './principal.ts';
import type { AchievementRecord, CredentialRecord } from './records.ts';
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

/**
 * The credential id of a learner's award for a pathway version (or one of its milestones), of
 * a generation (the first keeps the id it always had).
 */
function awardId(
  p: PublishedPathway,
  learnerId: string,
  milestone?: string,
  generation = 1,
): string {
  const r = p.record;
  const parts = ['pathway-award', r.issuerId, r.pathwayId, String(r.version), learnerId];
  if (milestone !== undefined) parts.push(milestone);
  if (generation > 1) parts.push(`generation ${generation}`);
  return derivedCredentialId(parts.join('\u0000'));
}

function generationOf(record: CredentialRecord): number {
  return record.award?.generation ?? 1;
}

function lapsePolicy(p: PublishedPathway): 'suspend' | 'revoke' {
  return p.compiled.pathway.policy?.onLapse ?? 'suspend';
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

/** The requirement a credential met, in people's words, and the credits it counted for. */
interface Met {
  readonly requirement: string;
  /** The nearest titled requirement above it, when there is one: the part of the rules it is in. */
  readonly partOf?: string;
  readonly credits?: number;
}

/**
 * For each credential that met a requirement of `root`, the requirement in people's words, in
 * the rules' document order: leaves, credit sums (each credential of the sum), minimum results
 * (the leaf carrying them). Sub-pathway requirements are met by holding that pathway, so no
 * credential shows in their node: the learner's active award for it is the one that met them.
 * Only nodes of the assignment are read (a satisfied node's credits pool, not the leaves under
 * it, which explain what else could count).
 */
function requirementsMet(
  p: PublishedPathway,
  root: NodeResult,
  activeAwards: ReadonlyMap<string, CredentialRecord>,
  names: RequirementNames,
  creditsOf: (id: string) => number,
): Map<string, Met> {
  const byPath = new Map(p.compiled.nodes.map((n) => [n.path, n]));
  const met = new Map<string, Met>();
  const record = (id: string, entry: Met) => {
    if (!met.has(id)) met.set(id, entry);
  };
  const walk = (result: NodeResult, partOf: string | undefined) => {
    const node = byPath.get(result.path);
    if (!node) return;
    const inner = node.title ?? partOf;
    const where = partOf === undefined ? {} : { partOf };
    // An unmet node can hold met parts (a milestone below an unfinished pathway): read on.
    if (!result.satisfied) {
      if (node.kind !== 'credits') for (const child of result.children) walk(child, inner);
      return;
    }
    if (node.kind === 'credits') {
      const requirement = requirementWords(node, names);
      for (const id of result.usedCredentials) {
        record(id, { requirement, ...where, credits: creditsOf(id) });
      }
      return;
    }
    if (node.kind === 'pathway' && node.ref !== undefined) {
      const award = activeAwards.get(`${p.record.issuerId}/${node.ref}`);
      if (award) record(award.id, { requirement: requirementWords(node, names), ...where });
    }
    if (result.children.length === 0) {
      const requirement = requirementWords(node, names);
      for (const id of result.usedCredentials) record(id, { requirement, ...where });
    }
    for (const child of result.children) walk(child, inner);
  };
  walk(root, undefined);
  return met;
}

function findMilestone(node: NodeResult, milestone: string): NodeResult | undefined {
  if (node.milestone === milestone && node.satisfied) return node;
  for (const child of node.children) {
    const found = findMilestone(child, milestone);
    if (found) return found;
  }
  return undefined;
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
      const requirement = why?.requirement ?? name;
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
  p: PublishedPathway,
  learnerId: string,
  achievement: AchievementRecord,
  used: readonly CredentialRecord[],
  met: ReadonlyMap<string, Met>,
  milestone?: string,
  generation = 1,
  jobId?: string,
): Promise<{ readonly issued?: CredentialRecord; readonly byJob: boolean }> {
  const credentialId = awardId(p, learnerId, milestone, generation);
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
      evidence: evidenceFor(ctx, p, used, met),
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
 * Re-evaluates a learner and acts on the outcome: awards each newly completed published
 * pathway (and each milestone reached) once, and suspends, revokes or reinstates existing
 * pathway awards as their version now holds or not. `only` limits new awards to the given
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
  const awards = records.filter((r) => r.award !== undefined && r.award.milestone === undefined);
  const outcome = {
    learnerId,
    awarded: [] as string[],
    byJob: [] as string[],
    suspended: [] as string[],
    revoked: [] as string[],
    reinstated: [] as string[],
  };
  const now = ctx.clock.now();
  const credentials = records.map(evaluatedOf);
  const byId = new Map(records.map((r) => [r.id, r]));
  const activeAwards = new Map(
    awards
      .filter((r) => r.state === 'active')
      .map((r) => [`${r.issuerId}/${r.award?.pathwayId}`, r]),
  );
  // What counts now (active, unexpired): an award citing anything else is out of date.
  const counting = new Set(indexLearner(credentials, now).credentials.map((c) => c.id));
  const creditsOf = (id: string) => {
    const c = credentials.find((x) => x.id === id);
    return c?.creditsEarned ?? c?.creditsAvailable ?? 0;
  };
  const names = new Map<string, Promise<RequirementNames>>();
  const namesFor = (issuerId: string) => {
    let found = names.get(issuerId);
    if (!found) {
      found = issuerAchievements(ctx, issuerId).then((catalogue) =>
        requirementNames(catalogue, published, issuerId),
      );
      names.set(issuerId, found);
    }
    return found;
  };

  // New awards only where a changed credential can make a difference (the trigger index), or
  // where the caller says (a job for one pathway); held awards are checked whatever changed.
  const only = options.only ?? (options.changed && affectedBy(published, options.changed));
  const candidates = published.filter(
    (p) => only === undefined || only.has(`${p.record.issuerId}/${p.record.pathwayId}`),
  );
  const wanted = new Set(candidates.map((p) => p.compiled));
  const evaluated = withReferences(candidates, published);
  const { evaluations, satisfied } = evaluateAll(
    evaluated.map((p) => p.compiled),
    credentials,
    now,
    // Explanations (evidence, milestones) only for the candidates that can award something.
    (c, met) => wanted.has(c) && (met || c.nodes.some((n) => n.milestone !== undefined)),
    heldAwards(records),
  );
  const evaluationOf = new Map<PublishedPathway, Evaluation>();
  const verdictOf = new Map<PublishedPathway, boolean>();
  evaluated.forEach((p, i) => {
    const e = evaluations[i];
    if (e) evaluationOf.set(p, e);
    verdictOf.set(p, satisfied[i] ?? false);
  });

  const ofVersion = (p: PublishedPathway) =>
    awards
      .filter(
        (r) =>
          r.issuerId === p.record.issuerId &&
          r.award?.pathwayId === p.record.pathwayId &&
          r.award.version === p.record.version,
      )
      .sort((x, y) => generationOf(x) - generationOf(y));
  // Out of date: it cites a credential known to count no more (revoked, suspended, expired).
  // One missing from the listing is not taken for gone: the listing lags the stream.
  const stale = (r: CredentialRecord) =>
    (r.award?.contributing ?? []).some((id) => byId.has(id) && !counting.has(id));
  const retired = new Set<string>();
  const supersede = async (old: CredentialRecord) => {
    retired.add(old.id);
    await changeStatus(ctx, SYSTEM, old.id, 'revoked', { reason: 'superseded' }).catch(
      ignoreConflict,
    );
    outcome.revoked.push(old.id);
  };
  /** Awards generation `generation` of `p` with the evaluation's credentials as evidence. */
  const awardPathway = async (p: PublishedPathway, evaluation: Evaluation, generation: number) => {
    const met = requirementsMet(
      p,
      evaluation.root,
      activeAwards,
      await namesFor(p.record.issuerId),
      creditsOf,
    );
    // Evidence follows the rules' document order: the order a reader of the pathway expects.
    const subPathwayAwards = [...met.keys()].filter((id) => byId.get(id)?.award !== undefined);
    const used = inDocumentOrder(
      met,
      new Set([...evaluation.contributing, ...subPathwayAwards]),
      byId,
    );
    const made = await award(
      ctx,
      p,
      learnerId,
      pathwayAchievement(p),
      used,
      met,
      undefined,
      generation,
      options.jobId,
    );
    if (made.byJob) outcome.byJob.push(awardId(p, learnerId, undefined, generation));
    const issued = made.issued;
    if (issued) {
      outcome.awarded.push(issued.id);
      activeAwards.set(`${issued.issuerId}/${p.record.pathwayId}`, issued);
      byId.set(issued.id, issued);
      counting.add(issued.id);
      awards.push(issued);
    }
    return issued;
  };

  // Sub-pathways first, so a pathway built on one awarded in this pass cites that award.
  for (const p of byDependency(candidates)) {
    const evaluation = evaluationOf.get(p);
    if (!evaluation) continue;
    // Milestones are awarded as their inner node completes, before the whole pathway does.
    // Most are awarded already: only a missing one reads the catalogue for its evidence.
    const missing = evaluation.milestonesEarned.filter(
      (milestone) => !byId.has(awardId(p, learnerId, milestone)),
    );
    // A resumed job counts the milestones an earlier run of it awarded.
    for (const milestone of evaluation.milestonesEarned) {
      const held = byId.get(awardId(p, learnerId, milestone));
      if (options.jobId !== undefined && held?.award?.jobId === options.jobId)
        outcome.byJob.push(held.id);
    }
    if (missing.length > 0) {
      const met = requirementsMet(
        p,
        evaluation.root,
        activeAwards,
        await namesFor(p.record.issuerId),
        creditsOf,
      );
      for (const milestone of missing) {
        const node = findMilestone(evaluation.root, milestone);
        const inNode = new Set(node?.usedCredentials ?? []);
        const milestoneUsed = inDocumentOrder(met, inNode, byId);
        const achievement = await requireAchievement(ctx, p.record.issuerId, milestone);
        const made = await award(
          ctx,
          p,
          learnerId,
          achievement,
          milestoneUsed,
          met,
          milestone,
          1,
          options.jobId,
        );
        if (made.issued) outcome.awarded.push(made.issued.id);
        if (made.byJob) outcome.byJob.push(awardId(p, learnerId, milestone));
      }
    }
    if (!evaluation.satisfied) continue;
    const latest = ofVersion(p).at(-1);
    const generation = nextGeneration(latest, stale);
    if (generation === undefined) {
      // Held already; a resumed job counts it when an earlier run of this job made it.
      if (options.jobId !== undefined && latest?.award?.jobId === options.jobId)
        outcome.byJob.push(latest.id);
      continue;
    }
    const issued = await awardPathway(p, evaluation, generation);
    if (issued && latest && latest.state !== 'revoked') await supersede(latest);
  }

  for (const held of [...awards]) {
    if (held.state === 'revoked' || !held.award || retired.has(held.id)) continue;
    if (outcome.awarded.includes(held.id)) continue;
    const version = await pathwayVersion(
      ctx,
      held.issuerId,
      held.award.pathwayId,
      held.award.version,
    );
    if (!version) continue;
    // An older generation still live (a worker stopped between awarding and superseding).
    const generations = ofVersion(version);
    if (generationOf(held) < generationOf(generations.at(-1) ?? held)) {
      await supersede(held);
      continue;
    }
    // The award's own version decides, even when a newer one has been published since.
    const same = [...verdictOf.keys()].find((p) => p.record === version.record);
    const explain = () =>
      (same && evaluationOf.get(same)) ??
      evaluateAll(
        withReferences([version], published).map((p) => p.compiled),
        credentials,
        now,
        (c) => c === version.compiled,
        heldAwards(records),
      ).evaluations[0];
    const holds = same
      ? (verdictOf.get(same) ?? false)
      : (evaluateAll(
          withReferences([version], published).map((p) => p.compiled),
          credentials,
          now,
          () => false,
          heldAwards(records),
        ).satisfied[0] ?? false);
    const lapsedBySystem = held.state === 'suspended' && held.stateReason === 'lapsed';
    if (held.state === 'active' && !holds) {
      const to = lapsePolicy(version) === 'revoke' ? 'revoked' : 'suspended';
      await changeStatus(ctx, SYSTEM, held.id, to, { reason: 'lapsed' }).catch(ignoreConflict);
      (to === 'revoked' ? outcome.revoked : outcome.suspended).push(held.id);
    } else if (holds && (held.state === 'active' || lapsedBySystem) && stale(held)) {
      // It holds, but on other credentials than the award cites: a new award with current
      // evidence replaces it.
      const evaluation = explain();
      if (!evaluation?.satisfied) continue;
      const issued = await awardPathway(version, evaluation, generationOf(held) + 1);
      if (issued) await supersede(held);
    } else if (lapsedBySystem && holds) {
      // Only what the service suspended itself comes back; an admin's suspension stays.
      await changeStatus(ctx, SYSTEM, held.id, 'active').catch(ignoreConflict);
      outcome.reinstated.push(held.id);
    }
  }
  noteMetric('PathwayAwardsGranted', outcome.awarded.length);
  noteMetric('PathwayAwardsLapsed', outcome.suspended.length + outcome.revoked.length);
  noteMetric('PathwayAwardsReinstated', outcome.reinstated.length);
  return outcome;
}

/**
 * The generation to award when the pathway holds, given the learner's latest award of the
 * version: the first when there is none; the next when the last one was revoked by the
 * service (a lapse under `onLapse: revoke`, or superseded), or is live but cites credentials
 * that no longer count; none otherwise (a live, current award, or one an admin revoked or
 * suspended: their decision stands).
 */
function nextGeneration(
  latest: CredentialRecord | undefined,
  stale: (r: CredentialRecord) => boolean,
): number | undefined {
  if (!latest) return 1;
  const next = generationOf(latest) + 1;
  const bySystem = latest.stateReason === 'lapsed' || latest.stateReason === 'superseded';
  if (latest.state === 'revoked') return bySystem ? next : undefined;
  if (latest.state === 'suspended' && !bySystem) return undefined;
  return stale(latest) ? next : undefined;
}

/** The pathways (`<issuerId>/<pathwayId>`) whose verdict `changed` credentials can move. */
function affectedBy(
  published: readonly PublishedPathway[],
  changed: readonly CredentialRecord[],
): Set<string> {
  const triggers = triggersOf(published);
  return new Set(
    changed.flatMap((credential) => [
      ...triggers
        .affectedPathways(evaluatedOf(credential))
        .map((c) => `${c.pathway.issuerId}/${c.pathway.id}`),
      // A pathway award counts for the pathways built on it (sub-pathway requirements).
      ...(credential.award && credential.award.milestone === undefined
        ? dependentsOf(published, credential.issuerId, credential.award.pathwayId).map(
            (d) => `${d.record.issuerId}/${d.record.pathwayId}`,
          )
        : []),
    ]),
  );
}

/** `pathways` ordered so that each comes after the sub-pathways it names (same issuer). */
function byDependency(pathways: readonly PublishedPathway[]): PublishedPathway[] {
  const key = (p: PublishedPathway) => `${p.record.issuerId}/${p.record.pathwayId}`;
  const byKey = new Map(pathways.map((p) => [key(p), p]));
  const ordered = new Map<string, PublishedPathway>();
  const visit = (p: PublishedPathway) => {
    if (ordered.has(key(p))) return;
    for (const ref of referencedPathways(p.compiled)) {
      const child = byKey.get(`${p.record.issuerId}/${ref}`);
      if (child && child !== p) visit(child);
    }
    ordered.set(key(p), p);
  };
  for (const p of pathways) visit(p);
  return [...ordered.values()];
}

/** The credentials of `ids` in the order the rules name the requirements they met. */
function inDocumentOrder(
  met: ReadonlyMap<string, Met>,
  ids: ReadonlySet<string>,
  byId: ReadonlyMap<string, CredentialRecord>,
): CredentialRecord[] {
  return [...met.keys()].filter((id) => ids.has(id)).flatMap((id) => byId.get(id) ?? []);
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
