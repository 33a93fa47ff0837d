import { compilePathway } from '#pathways/compile.ts';
import { type FieldProblem, ServiceError } from './errors.ts';
import { requireIssuer } from './issuers.ts';
import {
  evaluateAll,
  issuerAchievements,
  type PublishedPathway,
  publishedPathways,
  requirementNames,
  withReferences,
} from './pathway-evaluation.ts';
import { type ExplainedNode, explained } from './pathway-guidance.ts';
import { hypotheticalOf, preparePathway } from './pathways.ts';
import type { PathwayVersionRecord } from './ports/repositories.ts';
import type { ServiceContext } from './ports/service-context.ts';
import type { Principal } from './principal.ts';

/**
 * The pathway editor's two questions about a draft, answered without storing anything: is it
 * valid (the very checks a save makes, so the editor shows at each node what a save would
 * refuse), and how would a sample learner holding some of the issuer's achievements fare
 * (the evaluation progress and what-if use, over hypothetical credentials issued now).
 */

/** The draft's problems, each with a JSON pointer into the document. */
export interface DraftCheck {
  readonly valid: boolean;
  readonly problems: readonly FieldProblem[];
}

/**
 * Validates a draft as a save would, without storing it.
 *
 * @example
 * const { valid, problems } = await checkPathwayDraft(ctx, admin, 'northfield', doc);
 */
export async function checkPathwayDraft(
  ctx: ServiceContext,
  principal: Principal,
  issuerId: string,
  json: unknown,
): Promise<DraftCheck> {
  try {
    await preparePathway(ctx, principal, issuerId, json);
    return { valid: true, problems: [] };
  } catch (error) {
    // Only the document's problems are the answer; no access, no issuer stay errors.
    if (error instanceof ServiceError && error.code === 'VALIDATION')
      return { valid: false, problems: error.fields };
    throw error;
  }
}

/** How the sample learner fares on the draft: the explained tree, as a learner sees theirs. */
export interface DraftPreview {
  readonly satisfied: boolean;
  readonly progress: number;
  readonly explanation: ExplainedNode;
}

/**
 * Evaluates a draft for a sample learner who holds `achievements` (the issuer's, by id),
 * issued now. Sub-pathways count as the issuer's published versions define them. VALIDATION
 * when the draft is invalid (the same problems as `checkPathwayDraft`) or an achievement is
 * unknown; nothing is written.
 *
 * @example
 * const { satisfied } = await previewPathwayDraft(ctx, admin, 'northfield', doc, [sqlId]);
 */
export async function previewPathwayDraft(
  ctx: ServiceContext,
  principal: Principal,
  issuerId: string,
  json: unknown,
  achievements: readonly string[],
): Promise<DraftPreview> {
  const { pathway, previous } = await preparePathway(ctx, principal, issuerId, json);
  const [issuer, catalogue, published] = await Promise.all([
    requireIssuer(ctx, issuerId),
    issuerAchievements(ctx, issuerId),
    publishedPathways(ctx),
  ]);
  const byId = new Map(catalogue.map((a) => [a.id, a]));
  const unknown = achievements.flatMap((id, i) =>
    byId.has(id) ? [] : [{ pointer: `/achievements/${i}`, detail: `unknown achievement "${id}"` }],
  );
  if (unknown.length > 0)
    throw new ServiceError('VALIDATION', `issuer ${issuerId} has no such achievement`, {
      fields: unknown,
    });
  const now = ctx.clock.now();
  const sample = achievements.flatMap((id, i) => {
    const achievement = byId.get(id);
    return achievement ? [hypotheticalOf(achievement, i, now)] : [];
  });
  // Compiled afresh, never through the version cache: a draft is not a stored version.
  const record: PathwayVersionRecord = {
    issuerId,
    pathwayId: pathway.id,
    version: previous + 1,
    definition: pathway as unknown as Record<string, unknown>,
    createdAt: now.toISOString(),
  };
  const draft: PublishedPathway = { record, compiled: compilePathway(pathway) };
  const others = published.filter(
    (p) => !(p.record.issuerId === issuerId && p.record.pathwayId === pathway.id),
  );
  const group = withReferences([draft], [draft, ...others]);
  const { evaluations } = evaluateAll(
    group.map((p) => p.compiled),
    sample,
    now,
    (compiled) => compiled === draft.compiled,
  );
  const evaluation = evaluations[group.indexOf(draft)];
  if (!evaluation) throw new Error(`the draft of ${pathway.id} was not evaluated`);
  return {
    satisfied: evaluation.satisfied,
    progress: evaluation.progress,
    explanation: explained(
      {
        baseUrl: ctx.baseUrl,
        compiled: draft.compiled,
        issuer,
        catalogue,
        names: requirementNames(catalogue, others, issuerId),
        held: new Set(achievements),
      },
      evaluation.root,
    ),
  };
}
