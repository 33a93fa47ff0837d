import { CredstackError } from '#shared/core/errors.ts';
import type { LeafConstraints, NodeKind, Pathway, PathwayNode } from './rule-types.ts';
import { nodeKind } from './rule-types.ts';
import { childEntries, validatePathway } from './validate.ts';

/** One node of a compiled pathway, with what matching needs precomputed. */
export interface CompiledNode {
  index: number;
  kind: NodeKind;
  path: string;
  label?: string;
  milestone?: string;
  /** Children needed: all for allOf, 1 for anyOf, n for nOf, 1 for a leaf. */
  need: number;
  children: CompiledNode[];
  /** Achievement ids an achievement leaf accepts (the id and its alternatives). */
  accepts?: ReadonlySet<string>;
  constraints: LeafConstraints;
  source: PathwayNode;
}

export interface CompiledPathway {
  pathway: Pathway;
  root: CompiledNode;
  /** Nodes in document (pre-)order; `index` is the position here. */
  nodes: readonly CompiledNode[];
  byLabel: ReadonlyMap<string, CompiledNode>;
}

/**
 * Validates and indexes a pathway once per version, for repeated evaluation.
 * Throws `INPUT_MALFORMED` listing the problems when the document is not valid.
 *
 * @example
 * const compiled = compilePathway(json);
 */
export function compilePathway(pathway: unknown): CompiledPathway {
  const checked = validatePathway(pathway);
  if (!checked.ok) {
    const list = checked.problems.map((p) => `${p.path || '/'}: ${p.message}`).join('; ');
    throw new CredstackError('INPUT_MALFORMED', `invalid pathway: ${list}`);
  }
  const nodes: CompiledNode[] = [];
  const byLabel = new Map<string, CompiledNode>();
  const build = (source: PathwayNode, path: string): CompiledNode => {
    const kind = nodeKind(source);
    const node: CompiledNode = {
      index: nodes.length,
      kind,
      path,
      need: 1,
      children: [],
      constraints: pickConstraints(source),
      source,
    };
    if (source.label !== undefined) {
      node.label = source.label;
      byLabel.set(source.label, node);
    }
    if ('milestone' in source && source.milestone !== undefined) node.milestone = source.milestone;
    if ('achievement' in source) {
      node.accepts = new Set([source.achievement, ...(source.alternatives ?? [])]);
    }
    nodes.push(node);
    node.children = childEntries(source).map(([key, child]) => build(child, `${path}/${key}`));
    if (kind === 'allOf') node.need = node.children.length;
    if ('nOf' in source) node.need = source.nOf.n;
    return node;
  };
  const root = build(checked.pathway.root, '/root');
  return Object.freeze({ pathway: checked.pathway, root, nodes, byLabel });
}

function pickConstraints(source: PathwayNode): LeafConstraints {
  const out: LeafConstraints = {};
  if ('minResult' in source && source.minResult) out.minResult = source.minResult;
  if ('issuers' in source && source.issuers) out.issuers = source.issuers;
  if ('within' in source && source.within) out.within = source.within;
  if ('before' in source && source.before) out.before = source.before;
  return out;
}
