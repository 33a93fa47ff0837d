import type { CompiledNode, CompiledPathway } from '#pathways/compile.ts';
import type { NodeResult } from '#pathways/evaluate.ts';
import type { NextStep } from '#pathways/guidance.ts';
import { canonicalSkill } from '#shared/credentials/skills/skill-id.ts';
import { type RequirementNames, requirementWords } from './pathway-words.ts';
import { urls } from './ports/service-context.ts';
import type { AchievementRecord, IssuerRecord } from './records/records.ts';

/**
 * Next steps a learner can act on: each missing requirement in words, with the achievements
 * that would meet it (name, issuer, credit value, where to read about it and earn it), the
 * smallest set first, and the other requirements that would serve instead.
 */

/** An achievement that would meet a requirement. */
export interface AchievementOption {
  readonly achievementId: string;
  readonly name: string;
  /** The achievement's public page: what it asks for and who awards it. */
  readonly url: string;
  readonly issuer: { readonly id: string; readonly name: string; readonly url?: string };
  readonly credits?: number;
}

/** Another requirement that would do in place of a step. */
export interface StepAlternative {
  readonly path: string;
  readonly requirement: string;
  readonly options: readonly AchievementOption[];
}

/** A next step as the learner sees it. */
export type StepView = Omit<NextStep, 'instead'> & {
  /** The requirement in people's words. */
  readonly requirement: string;
  /**
   * Achievements that would meet it, the smallest set first: for a credit sum, the largest
   * credit values first, and `smallestSet` names the fewest that together reach the credits
   * needed.
   */
  readonly options: readonly AchievementOption[];
  readonly smallestSet?: readonly string[];
  readonly alternatives: readonly StepAlternative[];
  readonly pathway?: { readonly id: string; readonly name: string; readonly url: string };
};

/** A node of the explanation, with its requirement in words. */
export type ExplainedNode = Omit<NodeResult, 'children'> & {
  readonly requirement: string;
  readonly children: readonly ExplainedNode[];
};

/** What the views are built from for one pathway. */
export interface GuidanceSources {
  readonly baseUrl: string;
  readonly compiled: CompiledPathway;
  readonly issuer: IssuerRecord;
  readonly catalogue: readonly AchievementRecord[];
  readonly names: RequirementNames;
  /** Achievement ids the learner holds a counting credential of (no point earning again). */
  readonly held: ReadonlySet<string>;
  /**
   * The explanation as if the learner also held these achievements (the same evaluation as
   * progress): how a credit step's smallest set is proven, since a new badge can also free a
   * held one for the credit sum by meeting another requirement in its place.
   */
  readonly tryWith?: (achievementIds: readonly string[]) => NodeResult;
}

/**
 * The explanation tree with each node's requirement in words.
 *
 * @example
 * explained(sources, evaluation.root).children[0].requirement; // 'SQL Querying Fundamentals and …'
 */
export function explained(sources: GuidanceSources, root: NodeResult): ExplainedNode {
  const byPath = new Map(sources.compiled.nodes.map((n) => [n.path, n]));
  const visit = (r: NodeResult): ExplainedNode => {
    const node = byPath.get(r.path);
    return {
      ...r,
      requirement: node ? requirementWords(node, sources.names) : sources.compiled.pathway.name,
      children: r.children.map(visit),
    };
  };
  return visit(root);
}

/**
 * The engine's next steps made actionable.
 *
 * @example
 * const steps = stepViews(sources, nextSteps(compiled, evaluation));
 */
export function stepViews(sources: GuidanceSources, steps: readonly NextStep[]): StepView[] {
  const byPath = new Map(sources.compiled.nodes.map((n) => [n.path, n]));
  return steps.map((step) => {
    // The rule's own alternatives (other achievement ids) are among the options.
    const { instead, ...rest } = step;
    if ('alternatives' in rest) delete (rest as { alternatives?: unknown }).alternatives;
    const node = byPath.get(step.path);
    const options = node ? optionsFor(sources, node) : [];
    const view: StepView = {
      ...rest,
      requirement: node ? requirementWords(node, sources.names) : step.path,
      options,
      alternatives: instead.flatMap((path) => {
        const other = byPath.get(path);
        if (!other) return [];
        return [
          {
            path,
            requirement: requirementWords(other, sources.names),
            options: optionsFor(sources, other),
          },
        ];
      }),
    };
    if (step.kind === 'credits') {
      const fewest = smallestSet(sources, step.path, options, step.creditsNeeded);
      // The smallest set first, then the other options by credits.
      const first = new Set(fewest);
      const ordered = [
        ...fewest.flatMap((id) => options.filter((o) => o.achievementId === id)),
        ...options.filter((o) => !first.has(o.achievementId)),
      ];
      return { ...view, options: ordered, smallestSet: fewest };
    }
    if (step.kind === 'pathway') {
      const name = sources.names.pathway(step.pathwayId) ?? step.pathwayId;
      const url = `${sources.baseUrl}/issuers/${sources.issuer.id}/pathways/${encodeURIComponent(step.pathwayId)}`;
      return { ...view, pathway: { id: step.pathwayId, name, url } };
    }
    return view;
  });
}

/**
 * The fewest options that would meet the credit step at `path`: one option alone if any does
 * (tried in order), else the shortest prefix of the options by credits. With `tryWith` each
 * candidate set is checked by evaluating the pathway with it; without, by adding credits.
 */
function smallestSet(
  sources: GuidanceSources,
  path: string,
  options: readonly AchievementOption[],
  needed: number,
): string[] {
  const tryWith = sources.tryWith;
  const meets = (ids: readonly string[]): boolean => {
    if (!tryWith) {
      const credits = new Map(options.map((o) => [o.achievementId, o.credits ?? 0]));
      return ids.reduce((n, id) => n + (credits.get(id) ?? 0), 0) >= needed;
    }
    return satisfiedAt(tryWith(ids), path);
  };
  for (const o of options) if (meets([o.achievementId])) return [o.achievementId];
  const prefix: string[] = [];
  for (const o of options) {
    prefix.push(o.achievementId);
    if (prefix.length > 1 && meets(prefix)) return prefix;
  }
  return [];
}

function satisfiedAt(root: NodeResult, path: string): boolean {
  if (root.path === path) return root.satisfied;
  const child = root.children.find((c) => path.startsWith(`${c.path}/`) || c.path === path);
  return child ? satisfiedAt(child, path) : false;
}

/** The catalogue's achievements that would meet `node` (for a credit sum: carry credits to it). */
function optionsFor(sources: GuidanceSources, node: CompiledNode): AchievementOption[] {
  const { catalogue, issuer } = sources;
  // A requirement that only credentials of other issuers meet has nothing to earn here.
  if (node.issuerSet && !node.issuerSet.has(issuer.id)) return [];
  const matches = (leaf: CompiledNode, a: AchievementRecord): boolean => {
    if (leaf.issuerSet && !leaf.issuerSet.has(issuer.id)) return false;
    if (leaf.accepts) return leaf.accepts.has(a.id);
    if (leaf.skill) {
      const want = leaf.skill;
      return (a.definition.alignment ?? []).some((al) => {
        if (al.targetFramework === undefined || al.targetCode === undefined) return false;
        const got = canonicalSkill(al.targetFramework, al.targetCode);
        return got.framework === want.framework && got.code === want.code;
      });
    }
    return false;
  };
  const leaves: CompiledNode[] = [];
  const collect = (n: CompiledNode) => {
    if (n.kind === 'achievement' || n.kind === 'skill') leaves.push(n);
    else if (n.kind !== 'pathway') n.children.forEach(collect);
  };
  collect(node);
  let chosen: AchievementRecord[];
  if (node.kind === 'credits') {
    const pool = node.children.length === 0 ? undefined : leaves;
    chosen = catalogue.filter(
      (a) =>
        (a.definition.creditsAvailable ?? 0) > 0 &&
        !sources.held.has(a.id) &&
        (pool === undefined || pool.some((leaf) => matches(leaf, a))),
    );
  } else {
    chosen = catalogue.filter((a) => leaves.some((leaf) => matches(leaf, a)));
  }
  const options = chosen.map((a) => option(sources, a));
  return options.sort(
    (x, y) => (y.credits ?? 0) - (x.credits ?? 0) || x.name.localeCompare(y.name),
  );
}

function option(sources: GuidanceSources, a: AchievementRecord): AchievementOption {
  const { issuer } = sources;
  const credits = a.definition.creditsAvailable;
  return {
    achievementId: a.id,
    name: a.definition.name,
    url: urls.achievement(sources.baseUrl, a.issuerId, a.id),
    issuer: {
      id: issuer.id,
      name: issuer.profile.name,
      ...(issuer.profile.url === undefined ? {} : { url: issuer.profile.url }),
    },
    ...(typeof credits === 'number' ? { credits } : {}),
  };
}
