import type { CompiledNode } from '#pathways/compile.ts';
import type { Evaluation, NodeResult } from '#pathways/evaluate.ts';
import { indexLearner } from '#pathways/learner-index.ts';
import { derivedCredentialId } from './issuance.ts';
import {
  dependentsOf,
  evaluateAll,
  evaluatedOf,
  heldAwards,
  type PublishedPathway,
  referencedPathways,
  triggersOf,
  withReferences,
} from './pathway-evaluation.ts';
import type {
  CredentialRecord,
  CredentialState,
  PathwayAward,
  StateReason,
} from './records/records.ts';

/**
 * The decisions of pathway awarding, apart from their effects: from a learner's credentials,
 * the published pathway versions and the time, which pathway credentials to award, supersede,
 * lapse (suspend or revoke) and reinstate, and why. `planAwards` reads nothing and writes
 * nothing; `reevaluateLearner` (pathway-awards.ts) gathers its input through the ports and
 * applies the plan it returns. docs/architecture.md ("Pathway awards") has the rules.
 */

/** What the planner is given: everything it decides on, already read. */
export interface PlanInput {
  readonly learnerId: string;
  /** Every credential of the learner, whatever its state (the changed ones merged in). */
  readonly records: readonly CredentialRecord[];
  /** Every published pathway version (the current one of each pathway). */
  readonly published: readonly PublishedPathway[];
  /**
   * The versions the learner's pathway awards were made for, where they are not the published
   * one (an award is always judged by its own version). One not given is taken as gone.
   */
  readonly versions?: readonly PublishedPathway[];
  readonly now: Date;
  /** Limits new awards to these pathways (`<issuerId>/<pathwayId>`); held awards are always checked. */
  readonly only?: ReadonlySet<string>;
  /** The credentials whose change triggered this: without `only`, new awards only where they can matter. */
  readonly changed?: readonly CredentialRecord[];
  /** The retroactive evaluation job planning this, if any. */
  readonly jobId?: string;
}

/** The requirement a credential met (its node; words are the applier's) and the credits it counted for. */
export interface Met {
  readonly node: CompiledNode;
  /** The nearest titled requirement above it, when there is one: the part of the rules it is in. */
  readonly partOf?: string;
  readonly credits?: number;
}

/**
 * Why a credential is awarded: `completed` (first award of the version), `milestone` (an inner
 * node marked as a milestone completed), `qualified-again` (the last award was revoked by the
 * service: lapsed under `onLapse: revoke`, or superseded), `evidence-changed` (the pathway holds
 * on other credentials than the live award cites).
 */
export type AwardReason = 'completed' | 'milestone' | 'qualified-again' | 'evidence-changed';

export interface AwardStep {
  readonly kind: 'award';
  /** Derived from issuer, pathway, version, learner, milestone and generation: exactly once. */
  readonly credentialId: string;
  readonly pathway: PublishedPathway;
  readonly milestone?: string;
  readonly generation: number;
  /** The credentials to cite as evidence, in the rules' document order. */
  readonly contributing: readonly string[];
  /** For each cited credential, the requirement it met. */
  readonly met: ReadonlyMap<string, Met>;
  readonly reason: AwardReason;
}

export interface SupersedeStep {
  readonly kind: 'supersede';
  readonly credentialId: string;
  /**
   * The newer award that replaces it: the old one is revoked only if that award is made now
   * (one made by a racing worker is that worker's to supersede). Absent: a newer generation is
   * already held.
   */
  readonly by?: string;
  readonly reason: 'superseded';
}

export interface LapseStep {
  readonly kind: 'lapse';
  readonly credentialId: string;
  /** As the version's `policy.onLapse` says (suspend by default). */
  readonly to: 'suspended' | 'revoked';
  readonly reason: 'lapsed';
}

export interface ReinstateStep {
  readonly kind: 'reinstate';
  readonly credentialId: string;
  /** The service suspended it when it lapsed; the pathway holds again on current credentials. */
  readonly reason: 'holds-again';
}

export type PlanStep = AwardStep | SupersedeStep | LapseStep | ReinstateStep;

export interface AwardPlan {
  /** In the order to apply them: sub-pathways before the pathways built on them. */
  readonly steps: readonly PlanStep[];
  /**
   * With `jobId`: awards the learner already holds that this job made in an earlier run, so a
   * resumed job counts each exactly once. Bookkeeping, not an action.
   */
  readonly heldByJob: readonly string[];
}

/** What the planner needs of a pathway award: a stored one, or one planned in this pass. */
interface AwardView {
  readonly id: string;
  readonly issuerId: string;
  readonly state: CredentialState;
  readonly stateReason?: StateReason;
  readonly award?: PathwayAward;
}

/**
 * The credential id of a learner's award for a pathway version (or one of its milestones), of
 * a generation (the first keeps the id it always had).
 *
 * @example
 * awardId(published, 'ada'); // 'urn:uuid:…' (the same for every call)
 */
export function awardId(
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

function generationOf(record: AwardView): number {
  return record.award?.generation ?? 1;
}

/**
 * What a version does to its awards when it stops holding (suspend by default).
 *
 * @example
 * lapsePolicy(published); // 'suspend'
 */
export function lapsePolicy(p: PublishedPathway): 'suspend' | 'revoke' {
  return p.compiled.pathway.policy?.onLapse ?? 'suspend';
}

const sameVersion = (a: PublishedPathway, b: PublishedPathway) =>
  a.record.issuerId === b.record.issuerId &&
  a.record.pathwayId === b.record.pathwayId &&
  a.record.version === b.record.version;

/**
 * Plans what re-evaluating a learner does: awards each newly completed published pathway (and
 * each milestone reached) once, and supersedes, suspends, revokes or reinstates existing pathway
 * awards as their version now holds or not. Pure: the same input gives the same plan, and a plan
 * applied in full leaves nothing to plan on the next call with the records it left.
 *
 * Each award is planned as if it will be made, so that the pathways built on a sub-pathway
 * awarded in this pass cite that award; the applier drops a citation of one that was not made.
 *
 * @example
 * const plan = planAwards({ learnerId: 'ada', records, published, now: new Date() });
 * plan.steps; // [{ kind: 'award', reason: 'completed', … }]
 */
export function planAwards(input: PlanInput): AwardPlan {
  const { learnerId, records, published, now, jobId } = input;
  const versions = [...published, ...(input.versions ?? [])];
  const versionOf = (issuerId: string, pathwayId: string, version: number) =>
    versions.find(
      (v) =>
        v.record.issuerId === issuerId &&
        v.record.pathwayId === pathwayId &&
        v.record.version === version,
    );
  const awards: AwardView[] = records.filter(
    (r) => r.award !== undefined && r.award.milestone === undefined,
  );
  const steps: PlanStep[] = [];
  const heldByJob: string[] = [];
  const credentials = records.map(evaluatedOf);
  const byId = new Map<string, AwardView>(records.map((r) => [r.id, r]));
  const activeAwards = new Map(
    awards
      .filter((r) => r.state === 'active')
      .map((r) => [`${r.issuerId}/${r.award?.pathwayId}`, r.id]),
  );
  // What counts now (active, unexpired): an award citing anything else is out of date.
  const counting = new Set(indexLearner(credentials, now).credentials.map((c) => c.id));
  const creditsOf = (id: string) => {
    const c = credentials.find((x) => x.id === id);
    return c?.creditsEarned ?? c?.creditsAvailable ?? 0;
  };

  // New awards only where a changed credential can make a difference (the trigger index), or
  // where the caller says (a job for one pathway); held awards are checked whatever changed.
  const only = input.only ?? (input.changed && affectedBy(published, input.changed));
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
  const stale = (r: AwardView) =>
    (r.award?.contributing ?? []).some((id) => byId.has(id) && !counting.has(id));
  const retired = new Set<string>();
  const planned = new Set<string>();
  const supersede = (old: AwardView, by?: string) => {
    retired.add(old.id);
    steps.push({
      kind: 'supersede',
      credentialId: old.id,
      ...(by === undefined ? {} : { by }),
      reason: 'superseded',
    });
  };
  /** Plans generation `generation` of `p` with the evaluation's credentials as evidence. */
  const awardPathway = (
    p: PublishedPathway,
    evaluation: Evaluation,
    generation: number,
    reason: AwardReason,
  ): string => {
    const met = requirementsMet(p, evaluation.root, activeAwards, creditsOf);
    // Evidence follows the rules' document order: the order a reader of the pathway expects.
    const subPathwayAwards = [...met.keys()].filter((id) => byId.get(id)?.award !== undefined);
    const contributing = inDocumentOrder(
      met,
      new Set([...evaluation.contributing, ...subPathwayAwards]),
      byId,
    );
    const credentialId = awardId(p, learnerId, undefined, generation);
    steps.push({ kind: 'award', credentialId, pathway: p, generation, contributing, met, reason });
    // Decided as made: what follows sees it held, as the store will show it once applied.
    const made: AwardView = {
      id: credentialId,
      issuerId: p.record.issuerId,
      state: 'active',
      award: {
        pathwayId: p.record.pathwayId,
        version: p.record.version,
        contributing,
        ...(generation > 1 ? { generation } : {}),
        ...(jobId === undefined ? {} : { jobId }),
      },
    };
    planned.add(credentialId);
    activeAwards.set(`${made.issuerId}/${p.record.pathwayId}`, credentialId);
    byId.set(credentialId, made);
    counting.add(credentialId);
    awards.push(made);
    return credentialId;
  };

  const evaluationOf = (p: PublishedPathway) => evaluations[evaluated.indexOf(p)];
  // Sub-pathways first, so a pathway built on one awarded in this pass cites that award.
  for (const p of byDependency(candidates)) {
    const evaluation = evaluationOf(p);
    if (!evaluation) continue;
    // Milestones are awarded as their inner node completes, before the whole pathway does.
    const missing = evaluation.milestonesEarned.filter(
      (milestone) => !byId.has(awardId(p, learnerId, milestone)),
    );
    // A resumed job counts the milestones an earlier run of it awarded.
    for (const milestone of evaluation.milestonesEarned) {
      const held = byId.get(awardId(p, learnerId, milestone));
      if (jobId !== undefined && held?.award?.jobId === jobId) heldByJob.push(held.id);
    }
    if (missing.length > 0) {
      const met = requirementsMet(p, evaluation.root, activeAwards, creditsOf);
      for (const milestone of missing) {
        const node = findMilestone(evaluation.root, milestone);
        const contributing = inDocumentOrder(met, new Set(node?.usedCredentials ?? []), byId);
        steps.push({
          kind: 'award',
          credentialId: awardId(p, learnerId, milestone),
          pathway: p,
          milestone,
          generation: 1,
          contributing,
          met,
          reason: 'milestone',
        });
      }
    }
    if (!evaluation.satisfied) continue;
    const latest = ofVersion(p).at(-1);
    const generation = nextGeneration(latest, stale);
    if (generation === undefined) {
      // Held already; a resumed job counts it when an earlier run of this job made it.
      if (jobId !== undefined && latest?.award?.jobId === jobId) heldByJob.push(latest.id);
      continue;
    }
    const reason: AwardReason =
      latest === undefined
        ? 'completed'
        : latest.state === 'revoked'
          ? 'qualified-again'
          : 'evidence-changed';
    const made = awardPathway(p, evaluation, generation, reason);
    if (latest && latest.state !== 'revoked') supersede(latest, made);
  }

  for (const held of [...awards]) {
    if (held.state === 'revoked' || !held.award || retired.has(held.id) || planned.has(held.id))
      continue;
    const version = versionOf(held.issuerId, held.award.pathwayId, held.award.version);
    if (!version) continue;
    // An older generation still live (a worker stopped between awarding and superseding).
    const generations = ofVersion(version);
    if (generationOf(held) < generationOf(generations.at(-1) ?? held)) {
      supersede(held);
      continue;
    }
    // The award's own version decides, even when a newer one has been published since.
    const same = evaluated.findIndex((p) => sameVersion(p, version));
    const alone = () =>
      evaluateAll(
        withReferences([version], published).map((p) => p.compiled),
        credentials,
        now,
        (c) => c === version.compiled,
        heldAwards(records),
      );
    const holds = same >= 0 ? (satisfied[same] ?? false) : (alone().satisfied[0] ?? false);
    const lapsedBySystem = held.state === 'suspended' && held.stateReason === 'lapsed';
    if (held.state === 'active' && !holds) {
      steps.push({
        kind: 'lapse',
        credentialId: held.id,
        to: lapsePolicy(version) === 'revoke' ? 'revoked' : 'suspended',
        reason: 'lapsed',
      });
    } else if (holds && (held.state === 'active' || lapsedBySystem) && stale(held)) {
      // It holds, but on other credentials than the award cites: a new award with current
      // evidence replaces it.
      const evaluation = (same >= 0 ? evaluations[same] : undefined) ?? alone().evaluations[0];
      if (!evaluation?.satisfied) continue;
      const made = awardPathway(version, evaluation, generationOf(held) + 1, 'evidence-changed');
      supersede(held, made);
    } else if (lapsedBySystem && holds) {
      // Only what the service suspended itself comes back; an admin's suspension stays.
      steps.push({ kind: 'reinstate', credentialId: held.id, reason: 'holds-again' });
    }
  }
  return { steps, heldByJob };
}

/**
 * For each credential that met a requirement of `root`, the requirement's node, in the rules'
 * document order: leaves, credit sums (each credential of the sum), minimum results (the leaf
 * carrying them). Sub-pathway requirements are met by holding that pathway, so no credential
 * shows in their node: the learner's active award for it is the one that met them. Only nodes
 * of the assignment are read (a satisfied node's credits pool, not the leaves under it, which
 * explain what else could count).
 */
function requirementsMet(
  p: PublishedPathway,
  root: NodeResult,
  activeAwards: ReadonlyMap<string, string>,
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
      for (const id of result.usedCredentials)
        record(id, { node, ...where, credits: creditsOf(id) });
      return;
    }
    if (node.kind === 'pathway' && node.ref !== undefined) {
      const award = activeAwards.get(`${p.record.issuerId}/${node.ref}`);
      if (award !== undefined) record(award, { node, ...where });
    }
    if (result.children.length === 0) {
      for (const id of result.usedCredentials) record(id, { node, ...where });
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

/**
 * The generation to award when the pathway holds, given the learner's latest award of the
 * version: the first when there is none; the next when the last one was revoked by the
 * service (a lapse under `onLapse: revoke`, or superseded), or is live but cites credentials
 * that no longer count; none otherwise (a live, current award, or one an admin revoked or
 * suspended: their decision stands).
 */
function nextGeneration(
  latest: AwardView | undefined,
  stale: (r: AwardView) => boolean,
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

/** The ids of `ids` that are known, in the order the rules name the requirements they met. */
function inDocumentOrder(
  met: ReadonlyMap<string, Met>,
  ids: ReadonlySet<string>,
  byId: ReadonlyMap<string, AwardView>,
): string[] {
  return [...met.keys()].filter((id) => ids.has(id) && byId.has(id));
}
