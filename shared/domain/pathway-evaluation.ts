import { check } from '#pathways/check.ts';
import { type CompiledPathway, compilePathway } from '#pathways/compile.ts';
import { type Evaluation, evaluateIndexed } from '#pathways/evaluate.ts';
import { indexLearner } from '#pathways/learner-index.ts';
import type { EvaluatedCredential, PathwayNode } from '#pathways/rule-types.ts';
import { buildTriggerIndex, type PathwayTriggerIndex } from '#pathways/trigger-index.ts';
import { credentialJson } from './issuance.ts';
import type { RequirementNames } from './pathway-words.ts';
import type { PathwayVersionRecord } from './ports/repositories.ts';
import type { ServiceContext } from './ports/service-context.ts';
import type { AchievementRecord, CredentialRecord } from './records/records.ts';

/**
 * What progress, what-if and the award handlers share: compiled versions, the evaluator's view
 * of stored credentials, and evaluation of a set of pathways that may reference each other.
 */

/** A published pathway version with its compiled form. */
export interface PublishedPathway {
  readonly record: PathwayVersionRecord;
  readonly compiled: CompiledPathway;
}

// Versions are immutable, so a version read and compiled once is valid for the process's life.
const versionCache = new Map<string, PublishedPathway>();
const MAX_CACHED_VERSIONS = 5000;

const versionKey = (issuerId: string, pathwayId: string, version: number) =>
  `${issuerId}\u0000${pathwayId}\u0000${version}`;

/**
 * A stored version, compiled; cached by issuer, pathway and version.
 *
 * @example
 * const compiled = compiledOf(record);
 */
export function compiledOf(record: PathwayVersionRecord): CompiledPathway {
  const key = versionKey(record.issuerId, record.pathwayId, record.version);
  let entry = versionCache.get(key);
  if (!entry) {
    entry = { record, compiled: compilePathway(record.definition) };
    if (versionCache.size >= MAX_CACHED_VERSIONS) versionCache.clear();
    versionCache.set(key, entry);
  }
  return entry.compiled;
}

/**
 * One version of a pathway, read once and compiled; undefined when it does not exist.
 *
 * @example
 * const v = await pathwayVersion(ctx, 'northfield', 'analyst', 2);
 */
export async function pathwayVersion(
  ctx: ServiceContext,
  issuerId: string,
  pathwayId: string,
  version: number,
): Promise<PublishedPathway | undefined> {
  const cached = versionCache.get(versionKey(issuerId, pathwayId, version));
  if (cached) return cached;
  const record = await ctx.pathways.getVersion(issuerId, pathwayId, version);
  if (!record) return undefined;
  compiledOf(record);
  return versionCache.get(versionKey(issuerId, pathwayId, version));
}

/**
 * Every published pathway version across issuers, compiled. One listing query per call; the
 * versions themselves come from the cache after their first read.
 *
 * @example
 * const published = await publishedPathways(ctx);
 */
export async function publishedPathways(ctx: ServiceContext): Promise<PublishedPathway[]> {
  const heads = await ctx.pathways.listPublished();
  const entries = await Promise.all(
    heads.map((h) =>
      h.publishedVersion === undefined
        ? undefined
        : pathwayVersion(ctx, h.issuerId, h.pathwayId, h.publishedVersion),
    ),
  );
  return entries.filter((e): e is PublishedPathway => e !== undefined);
}

function objectOf(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

/**
 * The evaluator's view of a stored credential. `verified` and `issuerBound` are true because
 * this service issued and signed the credential itself and keeps its state; `revoked` mirrors
 * that state, so revoked and suspended credentials never count.
 *
 * @example
 * const credentials = records.map(evaluatedOf);
 */
export function evaluatedOf(record: CredentialRecord): EvaluatedCredential {
  const subjectValue = credentialJson(record).credentialSubject;
  const subject = objectOf(Array.isArray(subjectValue) ? subjectValue[0] : subjectValue);
  const achievement = objectOf(subject.achievement);
  const alignments = (Array.isArray(achievement.alignment) ? achievement.alignment : [])
    .map(objectOf)
    .filter((a) => typeof a.targetFramework === 'string' && typeof a.targetCode === 'string')
    .map((a) => ({ framework: a.targetFramework as string, code: a.targetCode as string }));
  const results = (Array.isArray(subject.result) ? subject.result : [])
    .map(objectOf)
    .filter((r) => typeof r.value === 'string')
    .map((r) => ({
      value: r.value as string,
      ...(typeof r.resultDescription === 'string'
        ? { resultDescription: r.resultDescription }
        : {}),
    }));
  return {
    id: record.id,
    achievementId: record.achievementId,
    issuerId: record.issuerId,
    issuedAt: record.issuedAt,
    ...(record.validUntil === undefined ? {} : { validUntil: record.validUntil }),
    ...(record.state === 'active' ? {} : { revoked: true }),
    verified: true,
    issuerBound: true,
    alignments,
    ...(typeof subject.creditsEarned === 'number' ? { creditsEarned: subject.creditsEarned } : {}),
    ...(typeof achievement.creditsAvailable === 'number'
      ? { creditsAvailable: achievement.creditsAvailable }
      : {}),
    results,
  };
}

/**
 * Every credential of a learner, whatever its state, newest first; with `max`, the listing
 * stops once more than `max` are read (so a caller with a cap reads no further than it needs).
 *
 * @example
 * const records = await learnerCredentials(ctx, 'ada');
 */
export async function learnerCredentials(
  ctx: ServiceContext,
  learnerId: string,
  max = Number.POSITIVE_INFINITY,
): Promise<CredentialRecord[]> {
  const records: CredentialRecord[] = [];
  let cursor: string | undefined;
  do {
    const page = await ctx.credentials.listByLearner(learnerId, cursor);
    records.push(...page.items);
    cursor = page.cursor;
  } while (cursor !== undefined && records.length <= max);
  return records;
}

/**
 * Every achievement of an issuer (all pages).
 *
 * @example
 * const catalogue = await issuerAchievements(ctx, 'northfield');
 */
export async function issuerAchievements(
  ctx: ServiceContext,
  issuerId: string,
): Promise<AchievementRecord[]> {
  const out: AchievementRecord[] = [];
  let cursor: string | undefined;
  do {
    const page = await ctx.achievements.list(issuerId, cursor);
    out.push(...page.items);
    cursor = page.cursor;
  } while (cursor !== undefined);
  return out;
}

/**
 * The names requirement words are built from, for one issuer's pathways: its achievements and
 * the published pathways' names.
 *
 * @example
 * const names = requirementNames(catalogue, published, 'northfield');
 */
export function requirementNames(
  catalogue: readonly AchievementRecord[],
  published: readonly PublishedPathway[],
  issuerId: string,
): RequirementNames {
  const achievements = new Map(catalogue.map((a) => [a.id, a.definition.name]));
  const pathways = new Map(
    published
      .filter((p) => p.record.issuerId === issuerId)
      .map((p) => [p.record.pathwayId, p.compiled.pathway.name]),
  );
  return {
    achievement: (id) => achievements.get(id),
    pathway: (id) => pathways.get(id),
  };
}

/**
 * The pathway ids a pathway's rules reference as sub-pathways.
 *
 * @example
 * referencedPathways(compiled); // ['sql-basics']
 */
export function referencedPathways(compiled: CompiledPathway): string[] {
  return compiled.nodes.flatMap((n) => {
    const source = n.source as PathwayNode;
    return 'pathway' in source ? [source.pathway] : [];
  });
}

/**
 * Evaluates a set of pathways against one learner, feeding satisfied ones back as held
 * sub-pathways until nothing changes (references are acyclic, so this ends within `length`
 * rounds). A pathway names sub-pathways of its own issuer only, so each issuer's pathways are
 * evaluated apart: another issuer's pathway of the same id never counts. `awarded` seeds what
 * is held — the pathways the learner holds an active award for (issuer → pathway ids), so a
 * pathway built on another keeps holding while that award does. Verdicts come from the fast
 * `check` on one learner index per round; the full explanation (`evaluateIndexed`) is built
 * only where `explain` asks for it.
 *
 * @example
 * const { evaluations } = evaluateAll(compiled, credentials, now);
 */
export function evaluateAll(
  compiled: readonly CompiledPathway[],
  credentials: readonly EvaluatedCredential[],
  now: Date,
  explain: (pathway: CompiledPathway, satisfied: boolean) => boolean = () => true,
  awarded: ReadonlyMap<string, readonly string[]> = new Map(),
): { evaluations: (Evaluation | undefined)[]; satisfied: boolean[] } {
  const satisfied: boolean[] = new Array<boolean>(compiled.length).fill(false);
  const evaluations: (Evaluation | undefined)[] = new Array(compiled.length).fill(undefined);
  const byIssuer = new Map<string, number[]>();
  compiled.forEach((c, i) => {
    const group = byIssuer.get(c.pathway.issuerId) ?? [];
    group.push(i);
    byIssuer.set(c.pathway.issuerId, group);
  });
  for (const [issuerId, members] of byIssuer) {
    const seed = awarded.get(issuerId) ?? [];
    let held = new Set(seed);
    let index = indexLearner(credentials, now, { heldPathways: [...held] });
    for (let round = 0; round <= members.length; round += 1) {
      for (const i of members)
        satisfied[i] = check(compiled[i] as CompiledPathway, index).satisfied;
      const next = new Set([
        ...seed,
        ...members.filter((i) => satisfied[i]).map((i) => compiled[i]?.pathway.id ?? ''),
      ]);
      if (next.size === held.size) break;
      held = next;
      index = indexLearner(credentials, now, { heldPathways: [...held] });
    }
    for (const i of members) {
      const c = compiled[i] as CompiledPathway;
      if (explain(c, satisfied[i] ?? false)) evaluations[i] = evaluateIndexed(c, index);
    }
  }
  return { evaluations, satisfied };
}

/**
 * The pathways a learner holds an active award for, by issuer (what `evaluateAll` seeds).
 *
 * @example
 * const awarded = heldAwards(records);
 */
export function heldAwards(records: readonly CredentialRecord[]): Map<string, string[]> {
  const held = new Map<string, string[]>();
  for (const r of records) {
    if (r.state !== 'active' || !r.award || r.award.milestone !== undefined) continue;
    held.set(r.issuerId, [...(held.get(r.issuerId) ?? []), r.award.pathwayId]);
  }
  return held;
}

/**
 * The published pathways that name `pathwayId` (of `issuerId`) as a sub-pathway, directly or
 * through others: what a change to that pathway's standing can change in turn.
 *
 * @example
 * dependentsOf(published, 'northfield', 'data-analyst-foundations'); // the BI stack, …
 */
export function dependentsOf(
  published: readonly PublishedPathway[],
  issuerId: string,
  pathwayId: string,
): PublishedPathway[] {
  const found = new Map<string, PublishedPathway>();
  const queue = [pathwayId];
  for (let at = queue.pop(); at !== undefined; at = queue.pop()) {
    for (const p of published) {
      if (p.record.issuerId !== issuerId || found.has(p.record.pathwayId)) continue;
      if (referencedPathways(p.compiled).includes(at)) {
        found.set(p.record.pathwayId, p);
        queue.push(p.record.pathwayId);
      }
    }
  }
  return [...found.values()];
}

/**
 * `chosen` and every pathway they name as a sub-pathway, directly or through others (same
 * issuer), without repeats: what must be evaluated together for `chosen` to be decided.
 *
 * @example
 * withReferences([bi], published); // [bi, data-analyst-foundations]
 */
export function withReferences(
  chosen: readonly PublishedPathway[],
  all: readonly PublishedPathway[],
): PublishedPathway[] {
  const byId = new Map(all.map((p) => [`${p.record.issuerId}\u0000${p.record.pathwayId}`, p]));
  const out = new Map<string, PublishedPathway>();
  const visit = (p: PublishedPathway) => {
    const key = `${p.record.issuerId}\u0000${p.record.pathwayId}`;
    if (out.has(key)) return;
    out.set(key, p);
    for (const ref of referencedPathways(p.compiled)) {
      const child = byId.get(`${p.record.issuerId}\u0000${ref}`);
      if (child) visit(child);
    }
  };
  for (const p of chosen) visit(p);
  return [...out.values()];
}

const triggerCache: { key?: string; index?: PathwayTriggerIndex } = {};

/**
 * The trigger index of a set of published versions, rebuilt only when the set changes.
 *
 * @example
 * const ids = triggersOf(published).affectedBy(credential);
 */
export function triggersOf(published: readonly PublishedPathway[]): PathwayTriggerIndex {
  const key = published
    .map((p) => `${p.record.issuerId}\u0000${p.record.pathwayId}\u0000${p.record.version}`)
    .join('\u0001');
  if (triggerCache.key !== key || !triggerCache.index) {
    triggerCache.key = key;
    triggerCache.index = buildTriggerIndex(published.map((p) => p.compiled));
  }
  return triggerCache.index;
}
