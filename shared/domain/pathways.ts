import type { Evaluation } from '#pathways/evaluate.ts';
import { newlySatisfiedPaths, nextSteps } from '#pathways/guidance.ts';
import { indexLearner } from '#pathways/learner-index.ts';
import { type CatalogueEntry, detectCycles } from '#pathways/rule-checks.ts';
import type { EvaluatedCredential, Pathway } from '#pathways/rule-types.ts';
import { onFirstNeed } from '#shared/core/first-need.ts';
import { ServiceError } from './errors.ts';
import { requireIssuer } from './issuers.ts';
import {
  evaluateAll,
  evaluatedOf,
  heldAwards,
  issuerAchievements,
  learnerCredentials,
  type PublishedPathway,
  publishedPathways,
  requirementNames,
  withReferences,
} from './pathway-evaluation.ts';
import {
  type ExplainedNode,
  explained,
  type GuidanceSources,
  type StepView,
  stepViews,
} from './pathway-guidance.ts';
import { queuePathwayJob } from './pathway-jobs.ts';
import type { PathwayJobRecord, PathwayVersionRecord } from './ports/repositories.ts';
import { type ServiceContext, urls } from './ports/service-context.ts';
import { type Principal, requireIssuerScope, requireLearnerScope } from './principal.ts';
import type { AchievementRecord, CredentialRecord } from './records/records.ts';

// The rule schema's validator (its generated code is about 50 KB) is needed only where a rule
// is saved or checked before saving; reading and evaluating rules compiles stored versions
// without it (pathways/compile.ts). In a Lambda bundle it is then a chunk loaded by the first
// save; one that cannot load is a `PART_UNAVAILABLE` error (503), never a verdict on the rule.
const ruleValidation = onFirstNeed(
  'the pathway rule validator',
  () => import('#pathways/validate.ts'),
);

/**
 * Pathways in the issuer service: versioned definitions an issuer saves and publishes, and a
 * learner's progress on every published pathway of the issuers that awarded them something.
 * Achievement leaves name the issuer's achievement ids (the ids the achievement API returns);
 * a save also takes the achievement's URL and stores the id. Progress and what-if share one
 * evaluation (`evaluateTargets`), so they cannot disagree. Awarding the pathway credential and re-evaluating on revocation are the stream handlers' work.
 */

/** A saved version as the API returns it. */
export interface PathwayVersionView {
  readonly issuerId: string;
  readonly pathwayId: string;
  readonly version: number;
  readonly definition: Pathway;
  readonly createdAt: string;
}

/** A learner's standing on one published pathway. */
export interface PathwayProgress {
  readonly issuerId: string;
  readonly pathway: { readonly id: string; readonly version: number; readonly name: string };
  readonly satisfied: boolean;
  readonly progress: number;
  readonly explanation: ExplainedNode;
  readonly nextSteps: readonly StepView[];
}

/** What a learner would reach with hypothetical achievements; nothing is written. */
export interface WhatIfView extends PathwayProgress {
  readonly newlySatisfied: readonly string[];
  readonly progressDelta: number;
}

/** Most pathways one issuer holds: every save reads all their latest versions for cycles. */
export const MAX_PATHWAYS_PER_ISSUER = 200;

function invalid(message: string, fields: { pointer: string; detail: string }[]): ServiceError {
  return new ServiceError('VALIDATION', message, { fields });
}

function view(record: PathwayVersionRecord): PathwayVersionView {
  return { ...record, definition: record.definition as unknown as Pathway };
}

/** What the validator reads of the issuer's catalogue: credits and result descriptions. */
function catalogueOf(achievements: readonly AchievementRecord[]): Map<string, CatalogueEntry> {
  return new Map(
    achievements.map((a) => {
      const entry: CatalogueEntry = {};
      if (typeof a.definition.creditsAvailable === 'number') {
        entry.creditsAvailable = a.definition.creditsAvailable;
      }
      const descriptions = a.definition.resultDescription ?? [];
      if (descriptions.length > 0) {
        entry.resultDescriptions = descriptions.map((d) => ({
          id: d.id,
          ...(d.valueMax === undefined ? {} : { valueMax: d.valueMax }),
          ...(d.rubricCriterionLevel ? { levels: d.rubricCriterionLevel.map((l) => l.name) } : {}),
        }));
      }
      return [a.id, entry];
    }),
  );
}

/**
 * The document with every achievement reference (leaves, alternatives, milestones) given as
 * the achievement's URL — the id its credentials carry — replaced by the achievement's id.
 * Anything else is left for the validator to name.
 */
function withAchievementIds(
  ctx: ServiceContext,
  issuerId: string,
  doc: Record<string, unknown>,
  known: ReadonlySet<string>,
): Record<string, unknown> {
  const prefix = urls.achievement(ctx.baseUrl, issuerId, '');
  const resolve = (value: unknown): unknown => {
    if (typeof value !== 'string' || !value.startsWith(prefix)) return value;
    const id = decodeURIComponent(value.slice(prefix.length));
    return known.has(id) ? id : value;
  };
  const visit = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(visit);
    if (typeof node !== 'object' || node === null) return node;
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(node)) {
      if (key === 'achievement' || key === 'milestone') out[key] = resolve(value);
      else if (key === 'alternatives' && Array.isArray(value)) out[key] = value.map(resolve);
      else out[key] = visit(value);
    }
    return out;
  };
  return { ...doc, root: visit(doc.root) };
}

async function latestDefinitions(ctx: ServiceContext, issuerId: string): Promise<Pathway[]> {
  const heads = await ctx.pathways.listHeads(issuerId);
  const records = await Promise.all(
    heads.map((h) => ctx.pathways.getVersion(issuerId, h.pathwayId, h.latestVersion)),
  );
  return records.flatMap((r) => (r ? [r.definition as unknown as Pathway] : []));
}

/**
 * Validates a pathway document and stores it as the pathway's next version. The service
 * assigns `version` (any value sent is replaced) and `issuerId` defaults to the path's.
 * Achievements may be named by id or by their URL (the id their credentials carry); the stored
 * version names ids. VALIDATION (400) with a JSON pointer per problem when the document is
 * invalid, names an achievement or pathway the issuer does not have, asks for more credits than
 * its achievements carry or a result they cannot reach, or closes a cycle of pathway
 * references; nothing is stored then.
 *
 * @example
 * const v = await savePathway(ctx, admin, 'northfield', { format: 'credstack-pathway/1', id: 'analyst', name: 'Analyst', root });
 */
export async function savePathway(
  ctx: ServiceContext,
  principal: Principal,
  issuerId: string,
  json: unknown,
): Promise<PathwayVersionView> {
  const { pathway, previous } = await preparePathway(ctx, principal, issuerId, json);
  const record: PathwayVersionRecord = {
    issuerId,
    pathwayId: pathway.id,
    version: previous + 1,
    definition: pathway as unknown as Record<string, unknown>,
    createdAt: ctx.clock.now().toISOString(),
  };
  await ctx.pathways.createVersion(record, previous);
  return view(record);
}

/**
 * Every check a save makes, without storing anything: the document as it would be stored
 * (its next version number, achievement URLs resolved to ids) and the version it follows.
 * VALIDATION with a JSON pointer per problem otherwise. The save and the editor's live
 * validation (`POST /issuers/{issuerId}/pathways/validate`) both run this.
 *
 * @example
 * const { pathway } = await preparePathway(ctx, admin, 'northfield', doc);
 */
export async function preparePathway(
  ctx: ServiceContext,
  principal: Principal,
  issuerId: string,
  json: unknown,
): Promise<{ readonly pathway: Pathway; readonly previous: number }> {
  requireIssuerScope(principal, issuerId);
  await requireIssuer(ctx, issuerId);
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw invalid('a pathway must be a JSON object', [{ pointer: '', detail: 'not an object' }]);
  }
  const doc = json as Record<string, unknown>;
  if (typeof doc.id !== 'string' || doc.id.length === 0) {
    throw invalid('a pathway needs an id', [{ pointer: '/id', detail: 'is required' }]);
  }
  if (doc.issuerId !== undefined && doc.issuerId !== issuerId) {
    throw invalid(`the pathway belongs to issuer ${issuerId}`, [
      { pointer: '/issuerId', detail: `must be ${JSON.stringify(issuerId)}` },
    ]);
  }
  const pathwayId = doc.id;
  const head = await ctx.pathways.getHead(issuerId, pathwayId);
  const previous = head?.latestVersion ?? 0;
  const version = previous + 1;
  const [achievements, others, { validatePathway }] = await Promise.all([
    issuerAchievements(ctx, issuerId),
    latestDefinitions(ctx, issuerId),
    ruleValidation(),
  ]);
  const known = new Set(achievements.map((a) => a.id));
  const candidate = { ...withAchievementIds(ctx, issuerId, doc, known), issuerId, version };
  if (!head && others.length >= MAX_PATHWAYS_PER_ISSUER) {
    throw invalid(`issuer ${issuerId} has ${MAX_PATHWAYS_PER_ISSUER} pathways, the most allowed`, [
      { pointer: '/id', detail: 'too many pathways' },
    ]);
  }
  // Against the catalogue: a credit sum or a minimum result nothing can reach is refused.
  const checked = validatePathway(candidate, {
    knownAchievements: catalogueOf(achievements),
    knownPathways: [...others.map((p) => p.id), pathwayId],
  });
  if (!checked.ok) {
    const fields = checked.problems.map((p) => ({ pointer: p.path, detail: p.message }));
    throw invalid(`the pathway is invalid: ${fields[0]?.pointer}: ${fields[0]?.detail}`, fields);
  }
  const cycle = detectCycles([...others.filter((p) => p.id !== pathwayId), checked.pathway]);
  if (cycle) {
    throw invalid(`pathway references form a cycle: ${cycle.join(' -> ')}`, [
      { pointer: '/root', detail: `pathway references form a cycle ${cycle.join(' -> ')}` },
    ]);
  }
  return { pathway: checked.pathway, previous };
}

/** A published version and the job evaluating every learner who could already qualify. */
export interface PublishedView extends PathwayVersionView {
  readonly evaluationJob: PathwayJobRecord;
}

/**
 * Makes `version` the one learners are evaluated against, and queues the retroactive
 * evaluation of everyone who could qualify. NOT_FOUND when the version does not exist.
 *
 * @example
 * const { evaluationJob } = await publishPathway(ctx, admin, 'northfield', 'analyst', 2);
 */
export async function publishPathway(
  ctx: ServiceContext,
  principal: Principal,
  issuerId: string,
  pathwayId: string,
  version: number,
): Promise<PublishedView> {
  requireIssuerScope(principal, issuerId);
  if (!Number.isSafeInteger(version) || version < 1) {
    throw new ServiceError('NOT_FOUND', `pathway ${pathwayId} has no version ${version}`);
  }
  const record = await ctx.pathways.getVersion(issuerId, pathwayId, version);
  if (!record)
    throw new ServiceError('NOT_FOUND', `pathway ${pathwayId} has no version ${version}`);
  await ctx.pathways.publish(issuerId, pathwayId, version, ctx.clock.now().toISOString());
  const evaluationJob = await queuePathwayJob(ctx, issuerId, pathwayId, version);
  return { ...view(record), evaluationJob };
}

async function publishedRecord(
  ctx: ServiceContext,
  issuerId: string,
  pathwayId: string,
): Promise<PathwayVersionRecord> {
  const head = await ctx.pathways.getHead(issuerId, pathwayId);
  const record =
    head?.publishedVersion === undefined
      ? undefined
      : await ctx.pathways.getVersion(issuerId, pathwayId, head.publishedVersion);
  if (!record) {
    throw new ServiceError('NOT_FOUND', `issuer ${issuerId} has no published pathway ${pathwayId}`);
  }
  return record;
}

/**
 * A version of a pathway that has been published at some time (public: awarded credentials
 * cite their rule version, and it stays readable after another is published). Drafts never
 * published stay private.
 *
 * @example
 * const { definition } = await getPublicPathwayVersion(ctx, 'northfield', 'analyst', 1);
 */
export async function getPublicPathwayVersion(
  ctx: ServiceContext,
  issuerId: string,
  pathwayId: string,
  version: number,
  principal?: Principal,
): Promise<PathwayVersionView> {
  const record =
    version < 1 ? undefined : await ctx.pathways.getVersion(issuerId, pathwayId, version);
  // The issuer's own admins read their drafts too.
  const own = principal !== undefined && actsFor(principal, issuerId);
  if (!record || (record.publishedAt === undefined && !own)) {
    throw new ServiceError('NOT_FOUND', `pathway ${pathwayId} has no public version ${version}`);
  }
  return view(record);
}

/** One pathway of an issuer as its listing shows it. */
export interface PathwaySummary {
  readonly issuerId: string;
  readonly pathwayId: string;
  /** The published version's name (for the issuer's admins, the latest version's). */
  readonly name: string;
  readonly publishedVersion?: number;
  /** Present for the issuer's admins only: the newest saved version, draft or not. */
  readonly latestVersion?: number;
  readonly url: string;
}

function actsFor(principal: Principal, issuerId: string): boolean {
  try {
    requireIssuerScope(principal, issuerId);
    return true;
  } catch {
    return false;
  }
}

/**
 * An issuer's pathways: the published ones for anyone; for the issuer's own admins (and
 * platform admins) every pathway, drafts included, with its latest version. NOT_FOUND when
 * there is no such issuer.
 *
 * @example
 * const items = await listIssuerPathways(ctx, 'northfield', admin);
 */
export async function listIssuerPathways(
  ctx: ServiceContext,
  issuerId: string,
  principal?: Principal,
): Promise<PathwaySummary[]> {
  await requireIssuer(ctx, issuerId);
  const own = principal !== undefined && actsFor(principal, issuerId);
  const heads = (await ctx.pathways.listHeads(issuerId)).filter(
    (h) => own || h.publishedVersion !== undefined,
  );
  const named = await Promise.all(
    heads.map(async (h) => {
      const shown = own ? h.latestVersion : (h.publishedVersion ?? h.latestVersion);
      const record = await ctx.pathways.getVersion(issuerId, h.pathwayId, shown);
      const name = (record?.definition as { name?: unknown } | undefined)?.name;
      return {
        issuerId,
        pathwayId: h.pathwayId,
        name: typeof name === 'string' ? name : h.pathwayId,
        ...(h.publishedVersion === undefined ? {} : { publishedVersion: h.publishedVersion }),
        ...(own ? { latestVersion: h.latestVersion } : {}),
        url: `${ctx.baseUrl}/issuers/${issuerId}/pathways/${encodeURIComponent(h.pathwayId)}`,
      };
    }),
  );
  return named;
}

/**
 * The published version of a pathway (public). NOT_FOUND when none is published.
 *
 * @example
 * const { definition } = await getPublishedPathway(ctx, 'northfield', 'analyst');
 */
export async function getPublishedPathway(
  ctx: ServiceContext,
  issuerId: string,
  pathwayId: string,
): Promise<PathwayVersionView> {
  return view(await publishedRecord(ctx, issuerId, pathwayId));
}

/** A learner's credentials and the published pathways, read once per request. */
interface LearnerView {
  readonly records: readonly CredentialRecord[];
  readonly credentials: readonly EvaluatedCredential[];
  readonly published: readonly PublishedPathway[];
  readonly now: Date;
}

async function learnerView(ctx: ServiceContext, learnerId: string): Promise<LearnerView> {
  const [records, published] = await Promise.all([
    learnerCredentials(ctx, learnerId),
    publishedPathways(ctx),
  ]);
  return { records, credentials: records.map(evaluatedOf), published, now: ctx.clock.now() };
}

/**
 * The one evaluation progress and what-if share: `targets` evaluated with the sub-pathways
 * they name (satisfied ones held, and those the learner holds an award for), over the
 * learner's credentials plus `hypothetical` ones, at the request's time. Progress is this with
 * nothing hypothetical, so the two can never disagree.
 */
function evaluateTargets(
  view: LearnerView,
  targets: readonly PublishedPathway[],
  hypothetical: readonly EvaluatedCredential[] = [],
): Map<PublishedPathway, Evaluation> {
  const group = withReferences(targets, view.published);
  const wanted = new Set(targets.map((t) => t.compiled));
  const { evaluations } = evaluateAll(
    group.map((p) => p.compiled),
    [...view.credentials, ...hypothetical],
    view.now,
    (c) => wanted.has(c),
    heldAwards(view.records),
  );
  const out = new Map<PublishedPathway, Evaluation>();
  group.forEach((p, i) => {
    const e = evaluations[i];
    if (e && wanted.has(p.compiled)) out.set(p, e);
  });
  return out;
}

/** What guidance reads per issuer, loaded once per request. */
function guidanceLoader(ctx: ServiceContext, view: LearnerView) {
  const cache = new Map<string, Promise<Omit<GuidanceSources, 'compiled'>>>();
  const counting = new Set(
    indexLearner(view.credentials, view.now).credentials.map((c) => c.source.achievementId),
  );
  return (issuerId: string) => {
    let found = cache.get(issuerId);
    if (!found) {
      found = Promise.all([requireIssuer(ctx, issuerId), issuerAchievements(ctx, issuerId)]).then(
        ([issuer, catalogue]) => ({
          baseUrl: ctx.baseUrl,
          issuer,
          catalogue,
          names: requirementNames(catalogue, view.published, issuerId),
          held: counting,
        }),
      );
      cache.set(issuerId, found);
    }
    return found;
  };
}

/** A credential for an achievement as if issued now, for what-if: its alignments and credits. */
export function hypotheticalOf(
  achievement: AchievementRecord,
  i: number,
  now: Date,
): EvaluatedCredential {
  const { definition } = achievement;
  const credits = definition.creditsAvailable;
  return {
    id: `urn:credstack:hypothetical:${i}`,
    achievementId: achievement.id,
    issuerId: achievement.issuerId,
    issuedAt: now,
    verified: true,
    issuerBound: true,
    alignments: (definition.alignment ?? []).flatMap((a) =>
      a.targetFramework !== undefined && a.targetCode !== undefined
        ? [{ framework: a.targetFramework, code: a.targetCode }]
        : [],
    ),
    ...(typeof credits === 'number' ? { creditsAvailable: credits } : {}),
  };
}

async function progressOf(
  load: ReturnType<typeof guidanceLoader>,
  view: LearnerView,
  target: PublishedPathway,
  evaluation: Evaluation,
  base: readonly EvaluatedCredential[] = [],
): Promise<PathwayProgress> {
  const compiled = target.compiled;
  const p = compiled.pathway;
  const loaded = await load(p.issuerId);
  const byId = new Map(loaded.catalogue.map((a) => [a.id, a]));
  const sources: GuidanceSources = {
    ...loaded,
    compiled,
    tryWith: (ids) => {
      const extra = ids.flatMap((id, i) => {
        const a = byId.get(id);
        return a ? [hypotheticalOf(a, base.length + i, view.now)] : [];
      });
      return (evaluateTargets(view, [target], [...base, ...extra]).get(target) ?? evaluation).root;
    },
  };
  return {
    issuerId: p.issuerId,
    pathway: { id: p.id, version: Number(p.version), name: p.name },
    satisfied: evaluation.satisfied,
    progress: evaluation.progress,
    explanation: explained(sources, evaluation.root),
    nextSteps: stepViews(sources, nextSteps(compiled, evaluation)),
  };
}

/**
 * A learner's progress on every published pathway of an issuer they hold credentials from, or
 * on which they have made progress, with per-node explanations and next steps. A learner
 * reads only their own; a platform admin anyone's.
 *
 * @example
 * const items = await learnerProgress(ctx, principal, 'ada');
 */
export async function learnerProgress(
  ctx: ServiceContext,
  principal: Principal,
  learnerId: string,
): Promise<PathwayProgress[]> {
  requireLearnerScope(principal, learnerId);
  const view = await learnerView(ctx, learnerId);
  const evaluations = evaluateTargets(view, view.published);
  const load = guidanceLoader(ctx, view);
  // Pathways of issuers the learner has never dealt with appear once they count for something.
  const issuers = new Set(view.records.map((r) => r.issuerId));
  const shown = view.published.flatMap((p) => {
    const evaluation = evaluations.get(p);
    if (!evaluation) return [];
    if (evaluation.progress === 0 && !issuers.has(p.record.issuerId)) return [];
    return [{ p, evaluation }];
  });
  return Promise.all(shown.map(({ p, evaluation }) => progressOf(load, view, p, evaluation)));
}

/**
 * Evaluates a published pathway as if the learner also held credentials for `achievements`
 * (of the pathway's issuer, by id or URL, issued now), through the same evaluation as
 * progress: held sub-pathways, credits and recency windows alike. Nothing is written.
 *
 * @example
 * const r = await pathwayWhatIf(ctx, principal, 'ada', 'northfield', 'analyst', [achId]);
 */
export async function pathwayWhatIf(
  ctx: ServiceContext,
  principal: Principal,
  learnerId: string,
  issuerId: string,
  pathwayId: string,
  achievements: readonly string[],
): Promise<WhatIfView> {
  requireLearnerScope(principal, learnerId);
  await publishedRecord(ctx, issuerId, pathwayId);
  const view = await learnerView(ctx, learnerId);
  const target = view.published.find(
    (p) => p.record.issuerId === issuerId && p.record.pathwayId === pathwayId,
  );
  if (!target) {
    throw new ServiceError('NOT_FOUND', `issuer ${issuerId} has no published pathway ${pathwayId}`);
  }
  const prefix = urls.achievement(ctx.baseUrl, issuerId, '');
  const achievementIds = achievements.map((a) =>
    a.startsWith(prefix) ? decodeURIComponent(a.slice(prefix.length)) : a,
  );
  const definitions = await Promise.all(
    achievementIds.map((id) => ctx.achievements.get(issuerId, id)),
  );
  const unknown = achievementIds.flatMap((id, i) =>
    definitions[i]
      ? []
      : [{ pointer: `/achievements/${i}`, detail: `unknown achievement "${id}"` }],
  );
  if (unknown.length > 0) throw invalid(`issuer ${issuerId} has no such achievement`, unknown);
  // A hypothetical award carries what its achievement defines: alignments and credits.
  const hypothetical = definitions.flatMap((a, i) => (a ? [hypotheticalOf(a, i, view.now)] : []));
  const before = evaluateTargets(view, [target]).get(target);
  const after = evaluateTargets(view, [target], hypothetical).get(target);
  if (!before || !after) throw new Error(`pathway ${pathwayId} was not evaluated`);
  const newlySatisfied = newlySatisfiedPaths(before.root, after.root);
  return {
    ...(await progressOf(guidanceLoader(ctx, view), view, target, after, hypothetical)),
    newlySatisfied,
    progressDelta: after.progress - before.progress,
  };
}
