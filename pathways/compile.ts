import { CredstackError } from '#shared/core/errors.ts';
import { canonicalSkill } from '#shared/credentials/skills/skill-id.ts';
import { type ParsedDuration, parseDuration } from './duration.ts';
import { checkPathway, childEntries, type PathwayProblem } from './rule-checks.ts';
import { ruleShapeProblem } from './rule-shape.ts';
import type { LeafConstraints, NodeKind, Pathway, PathwayNode } from './rule-types.ts';
import { nodeKind } from './rule-types.ts';

/** One node of a compiled pathway, with what matching needs precomputed. */
export interface CompiledNode {
  index: number;
  kind: NodeKind;
  path: string;
  label?: string;
  /** The requirement in people's words, when the rule gives one. */
  title?: string;
  milestone?: string;
  /** Children needed: all for allOf, 1 for anyOf, n for nOf, 1 for a leaf. */
  need: number;
  children: CompiledNode[];
  /** Achievement ids an achievement leaf accepts (the id and its alternatives). */
  accepts?: ReadonlySet<string>;
  /** The same ids as a list, for looking each up in a learner index. */
  acceptList?: readonly string[];
  /** The alignment a skill leaf asks for. */
  skill?: { readonly framework: string; readonly code: string };
  /** The pathway id a pathway leaf refers to. */
  ref?: string;
  /** Credits a credits node needs. */
  creditsNeeded?: number;
  /** The leaves under a credits node's `of`: a credential feeds the pool if it fits one. */
  poolLeaves?: readonly CompiledNode[];
  constraints: LeafConstraints;
  /** Whether any constraint applies, so unconstrained leaves skip the per-credential test. */
  constrained: boolean;
  /** `within`, parsed once. */
  within?: ParsedDuration;
  /** `issuers.anyOf` as a set. */
  issuerSet?: ReadonlySet<string>;
  source: PathwayNode;
}

/** Which credentials a pathway can read at all: no other credential changes its verdict. */
export interface PathwayInterest {
  /** Achievement ids its leaves accept, sub-pathway credentials included. */
  readonly achievements: ReadonlySet<string>;
  /** Alignments its skill leaves name: framework → codes. */
  readonly skills: ReadonlyMap<string, ReadonlySet<string>>;
  /** Sub-pathways it requires. */
  readonly pathways: ReadonlySet<string>;
  /** True when a credits node without `of` reads every credential. */
  readonly everything: boolean;
}

export interface CompiledPathway {
  pathway: Pathway;
  root: CompiledNode;
  /** Nodes in document (pre-)order; `index` is the position here. */
  nodes: readonly CompiledNode[];
  byLabel: ReadonlyMap<string, CompiledNode>;
  interest: PathwayInterest;
}

// What compiling checks of the schema: every document compiled was checked against it, with
// every problem listed, when it was written (pathways/validate.ts). The hand check of its shape
// gives the schema's verdict without loading the schema's validator where rules are only read;
// a document that fails it (a corrupt store) is refused all the same, at its first problem.
const shapeProblems = (json: unknown): PathwayProblem[] => {
  const problem = ruleShapeProblem(json);
  return problem === undefined ? [] : [problem];
};

/**
 * Checks and indexes a pathway once per version, for repeated evaluation: the checks a save
 * makes without the catalogue, the schema's by its shape. Throws `INPUT_MALFORMED` naming the
 * problems when the document is not valid.
 *
 * @example
 * const compiled = compilePathway(json);
 */
export function compilePathway(pathway: unknown): CompiledPathway {
  const checked = checkPathway(pathway, {}, shapeProblems);
  if (!checked.ok) {
    const list = checked.problems.map((p) => `${p.path || '/'}: ${p.message}`).join('; ');
    throw new CredstackError('INPUT_MALFORMED', `invalid pathway: ${list}`);
  }
  const nodes: CompiledNode[] = [];
  const byLabel = new Map<string, CompiledNode>();
  const build = (source: PathwayNode, path: string): CompiledNode => {
    const kind = nodeKind(source);
    const constraints = pickConstraints(source);
    const node: CompiledNode = {
      index: nodes.length,
      kind,
      path,
      need: 1,
      children: [],
      constraints,
      constrained: Object.keys(constraints).length > 0,
      source,
    };
    if (constraints.within) node.within = parseDuration(constraints.within);
    if (constraints.issuers && 'anyOf' in constraints.issuers) {
      node.issuerSet = new Set(constraints.issuers.anyOf);
    }
    if (source.label !== undefined) {
      node.label = source.label;
      byLabel.set(source.label, node);
    }
    if (source.title !== undefined) node.title = source.title;
    if ('milestone' in source && source.milestone !== undefined) node.milestone = source.milestone;
    if ('achievement' in source) {
      node.accepts = new Set([source.achievement, ...(source.alternatives ?? [])]);
      node.acceptList = [...node.accepts];
    }
    // One spelling of skills across the service: `ONET:15-2051` and `O*NET-SOC:15-2051.00` alike.
    if ('skill' in source) node.skill = canonicalSkill(source.skill.framework, source.skill.code);
    if ('pathway' in source) node.ref = source.pathway;
    if ('credits' in source) node.creditsNeeded = source.credits.atLeast;
    nodes.push(node);
    node.children = childEntries(source).map(([key, child]) => build(child, `${path}/${key}`));
    if ('credits' in source && node.children[0]) node.poolLeaves = leavesOf(node.children[0]);
    if (kind === 'allOf') node.need = node.children.length;
    if ('nOf' in source) node.need = source.nOf.n;
    return node;
  };
  const root = build(checked.pathway.root, '/root');
  const interest = interestOf(nodes);
  return Object.freeze({ pathway: checked.pathway, root, nodes, byLabel, interest });
}

function interestOf(nodes: readonly CompiledNode[]): PathwayInterest {
  const achievements = new Set<string>();
  const skills = new Map<string, Set<string>>();
  const pathways = new Set<string>();
  let everything = false;
  for (const node of nodes) {
    for (const id of node.acceptList ?? []) achievements.add(id);
    if (node.skill) {
      const codes = skills.get(node.skill.framework) ?? new Set<string>();
      codes.add(node.skill.code);
      skills.set(node.skill.framework, codes);
    }
    if (node.ref !== undefined) {
      achievements.add(node.ref);
      pathways.add(node.ref);
    }
    if (node.kind === 'credits' && node.poolLeaves === undefined) everything = true;
  }
  return { achievements, skills, pathways, everything };
}

/** The leaves under a node, in document order (a nested credits node adds those of its `of`). */
function leavesOf(node: CompiledNode): CompiledNode[] {
  const leaf = node.kind === 'achievement' || node.kind === 'skill' || node.kind === 'pathway';
  return leaf ? [node] : node.children.flatMap(leavesOf);
}

function pickConstraints(source: PathwayNode): LeafConstraints {
  const out: LeafConstraints = {};
  if ('minResult' in source && source.minResult) out.minResult = source.minResult;
  if ('issuers' in source && source.issuers) out.issuers = source.issuers;
  if ('within' in source && source.within) out.within = source.within;
  if ('before' in source && source.before) out.before = source.before;
  return out;
}
