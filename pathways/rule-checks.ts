import type { Pathway, PathwayNode } from './rule-types.ts';
import { nodeKind } from './rule-types.ts';

/**
 * The checks of a pathway document past its schema: sizes, references, labels and
 * satisfiability. The schema check is the caller's: the rule schema's validator, which lists
 * every problem, where rules are written (pathways/validate.ts); the hand check of its shape
 * where stored versions are compiled (pathways/compile.ts), so that reading rules does not
 * load the validator.
 */

export interface PathwayProblem {
  /** JSON pointer to the offending node or property. */
  path: string;
  message: string;
}

export type ValidationResult =
  | { ok: true; pathway: Pathway }
  | { ok: false; problems: PathwayProblem[] };

/** What the validator reads of an achievement of the catalogue. */
export interface CatalogueEntry {
  creditsAvailable?: number;
  /** Its result descriptions: id, the highest value a result may take, rubric level names. */
  resultDescriptions?: readonly { id: string; valueMax?: string; levels?: readonly string[] }[];
}

export interface ValidateOptions {
  /**
   * Known achievement ids, or a catalogue that also gives each one's credits and result
   * descriptions, so that a credit sum or a minimum result no achievement can reach is refused.
   */
  knownAchievements?: Iterable<string> | ReadonlyMap<string, CatalogueEntry>;
  knownPathways?: Iterable<string>;
  maxNodes?: number;
  maxDepth?: number;
}

/** A node with its JSON pointer and the labels of the nodes above it (itself included). */
export interface WalkedNode {
  node: PathwayNode;
  path: string;
  depth: number;
  labels: readonly string[];
}

/**
 * Every node of a schema-valid tree, depth first in document order.
 *
 * @example
 * walkNodes(pathway.root).map((w) => w.path); // ['/root', '/root/allOf/0', ...]
 */
export function walkNodes(root: PathwayNode, path = '/root'): WalkedNode[] {
  const out: WalkedNode[] = [];
  const visit = (node: PathwayNode, at: string, depth: number, labels: readonly string[]) => {
    const own = node.label === undefined ? labels : [...labels, node.label];
    out.push({ node, path: at, depth, labels: own });
    for (const [key, child] of childEntries(node)) visit(child, `${at}/${key}`, depth + 1, own);
  };
  visit(root, path, 1, []);
  return out;
}

/**
 * A node's children with their pointer suffixes.
 *
 * @example
 * childEntries({ anyOf: [leaf] }); // [['anyOf/0', leaf]]
 */
export function childEntries(node: PathwayNode): [string, PathwayNode][] {
  if ('allOf' in node) return node.allOf.map((c, i) => [`allOf/${i}`, c]);
  if ('anyOf' in node) return node.anyOf.map((c, i) => [`anyOf/${i}`, c]);
  if ('nOf' in node) return node.nOf.of.map((c, i) => [`nOf/of/${i}`, c]);
  if ('credits' in node && node.credits.of) return [['credits/of', node.credits.of]];
  return [];
}

/** The schema problems of a document whose size was checked; empty when it conforms. */
export type SchemaCheck = (json: unknown) => readonly PathwayProblem[];

/**
 * Checks a pathway document: sizes, then schema with `schemaCheck`, then references, labels
 * and satisfiability.
 *
 * @example
 * const r = checkPathway(json, { knownAchievements: ['urn:a'] }, schemaProblems);
 * if (!r.ok) console.log(r.problems); // [{ path: '/root/allOf/1', message: '...' }]
 */
export function checkPathway(
  json: unknown,
  options: ValidateOptions,
  schemaCheck: SchemaCheck,
): ValidationResult {
  const { maxNodes = 500, maxDepth = 20 } = options;
  // Size first, on the raw JSON, so an absurd document never reaches the schema check.
  const size = measure(json, maxNodes, maxDepth);
  if (size) return { ok: false, problems: [size] };
  const schema = schemaCheck(json);
  if (schema.length > 0) return { ok: false, problems: [...schema] };
  const pathway = json as Pathway;
  const problems: PathwayProblem[] = [];
  const nodes = walkNodes(pathway.root);
  const catalogue = options.knownAchievements;
  const knownAch = catalogue === undefined ? undefined : new Set(keysOf(catalogue));
  const credits = catalogue instanceof Map ? catalogue : undefined;
  const knownPw = options.knownPathways ? new Set(options.knownPathways) : undefined;
  const labels = new Map<string, string>();
  for (const { node, path } of nodes) {
    if (node.label === undefined) continue;
    if (labels.has(node.label)) problems.push({ path, message: `duplicate label "${node.label}"` });
    else labels.set(node.label, path);
  }
  for (const { node, path } of nodes) {
    if ('achievement' in node && knownAch) {
      for (const ref of [node.achievement, ...(node.alternatives ?? [])]) {
        if (!knownAch.has(ref)) problems.push({ path, message: `unknown achievement "${ref}"` });
      }
    }
    if ('milestone' in node && node.milestone !== undefined && knownAch) {
      if (!knownAch.has(node.milestone)) {
        problems.push({
          path: `${path}/milestone`,
          message: `unknown achievement "${node.milestone}"`,
        });
      }
    }
    if ('minResult' in node && node.minResult) {
      const problem = resultProblem(node, credits);
      if (problem) problems.push({ path: `${path}/minResult`, message: problem });
    }
    if ('pathway' in node && knownPw && !knownPw.has(node.pathway)) {
      problems.push({ path, message: `unknown pathway "${node.pathway}"` });
    }
    if ('pathway' in node && node.pathway === pathway.id) {
      problems.push({ path, message: `unsatisfiable: pathway "${node.pathway}" requires itself` });
    }
    if ('nOf' in node && node.nOf.n > node.nOf.of.length) {
      problems.push({
        path,
        message: `unsatisfiable: needs ${node.nOf.n} of only ${node.nOf.of.length} requirements`,
      });
    }
    if ('before' in node && node.before !== undefined && !labels.has(node.before)) {
      problems.push({ path, message: `before names no label "${node.before}"` });
    }
    if ('credits' in node && credits) {
      const max = achievableCredits(node.credits.of, credits);
      if (max !== undefined && max < node.credits.atLeast) {
        problems.push({
          path,
          message: `unsatisfiable: needs ${node.credits.atLeast} credits but at most ${max} are achievable`,
        });
      }
    }
  }
  const cycle = beforeCycle(nodes, labels);
  if (cycle) {
    problems.push({
      path: labels.get(cycle[0] ?? '') ?? '/root',
      message: `unsatisfiable: before constraints form a cycle ${cycle.join(' -> ')}`,
    });
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, pathway };
}

/**
 * Why a minimum result can never be met, if it cannot: a rubric level not among the levels
 * given; or, against the catalogue, an achievement leaf whose achievements none describe the
 * result named, or whose descriptions all top out below the minimum.
 */
function resultProblem(
  node: PathwayNode,
  catalogue: ReadonlyMap<string, CatalogueEntry> | undefined,
): string | undefined {
  const rule = 'minResult' in node ? node.minResult : undefined;
  if (!rule) return undefined;
  if (rule.levels && !rule.levels.includes(rule.atLeast)) {
    return `unsatisfiable: level "${rule.atLeast}" is not among the levels given`;
  }
  if (!catalogue || !('achievement' in node)) return undefined;
  const ids = [node.achievement, ...(node.alternatives ?? [])];
  const entries = ids.map((id) => catalogue.get(id));
  if (entries.some((e) => e === undefined)) return undefined;
  const described = entries.flatMap((e) =>
    (e?.resultDescriptions ?? []).filter(
      (d) => rule.resultDescription === undefined || d.id === rule.resultDescription,
    ),
  );
  if (rule.resultDescription !== undefined && described.length === 0) {
    return `unsatisfiable: no achievement here describes the result "${rule.resultDescription}"`;
  }
  if (rule.levels || described.length === 0) return undefined;
  const want = Number(rule.atLeast);
  if (!Number.isFinite(want)) {
    return `unsatisfiable: "${rule.atLeast}" is not a number (give levels for a rubric)`;
  }
  const reachable = described.some((d) => d.valueMax === undefined || Number(d.valueMax) >= want);
  return reachable
    ? undefined
    : `unsatisfiable: needs a result of at least ${rule.atLeast} but results go up to ${described.map((d) => d.valueMax).join(', ')}`;
}

function keysOf(
  catalogue: Iterable<string> | ReadonlyMap<string, CatalogueEntry>,
): Iterable<string> {
  return catalogue instanceof Map ? catalogue.keys() : (catalogue as Iterable<string>);
}

function measure(json: unknown, maxNodes: number, maxDepth: number): PathwayProblem | undefined {
  let count = 0;
  const visit = (value: unknown, path: string, depth: number): PathwayProblem | undefined => {
    if (typeof value !== 'object' || value === null) return undefined;
    count += 1;
    if (count > maxNodes) return { path: '/root', message: `more than ${maxNodes} nodes` };
    if (depth > maxDepth) return { path, message: `nested deeper than ${maxDepth} levels` };
    const node = value as Record<string, unknown>;
    const lists: [string, unknown][] = [];
    if (Array.isArray(node.allOf)) lists.push(['allOf', node.allOf]);
    if (Array.isArray(node.anyOf)) lists.push(['anyOf', node.anyOf]);
    const nOf = node.nOf as Record<string, unknown> | undefined;
    if (nOf && Array.isArray(nOf.of)) lists.push(['nOf/of', nOf.of]);
    for (const [key, list] of lists) {
      for (const [i, child] of (list as unknown[]).entries()) {
        const problem = visit(child, `${path}/${key}/${i}`, depth + 1);
        if (problem) return problem;
      }
    }
    const credits = node.credits as Record<string, unknown> | undefined;
    if (credits && typeof credits === 'object') {
      return visit(credits.of, `${path}/credits/of`, depth + 1);
    }
    return undefined;
  };
  const doc = json as Record<string, unknown> | null;
  return typeof doc === 'object' && doc !== null ? visit(doc.root, '/root', 1) : undefined;
}

/** Upper bound of credits the inner node can collect, when every source has a known value. */
function achievableCredits(
  of: PathwayNode | undefined,
  catalogue: ReadonlyMap<string, CatalogueEntry>,
): number | undefined {
  if (of === undefined) return undefined;
  const ids = new Set<string>();
  for (const { node } of walkNodes(of)) {
    const kind = nodeKind(node);
    if (kind === 'skill' || kind === 'pathway' || kind === 'credits') return undefined;
    if ('achievement' in node)
      for (const a of [node.achievement, ...(node.alternatives ?? [])]) ids.add(a);
  }
  let total = 0;
  for (const a of ids) {
    const value = catalogue.get(a)?.creditsAvailable;
    if (value === undefined) return undefined;
    total += value;
  }
  return total;
}

/** A cycle among labels, where "A -> B" means something under A must precede B. */
function beforeCycle(nodes: WalkedNode[], labels: Map<string, string>): string[] | undefined {
  const edges = new Map<string, Set<string>>();
  for (const { node, labels: above } of nodes) {
    if (!('before' in node) || node.before === undefined || !labels.has(node.before)) continue;
    for (const from of above) {
      const set = edges.get(from) ?? new Set<string>();
      set.add(node.before);
      edges.set(from, set);
    }
  }
  return findCycle([...edges.keys()].sort(), (k) => [...(edges.get(k) ?? [])].sort());
}

/** The first cycle found (closing element repeated), visiting vertices in the given order. */
function findCycle(
  vertices: readonly string[],
  next: (v: string) => readonly string[],
): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (v: string): string[] | undefined => {
    if (state.get(v) === 'open') return [...stack.slice(stack.indexOf(v)), v];
    if (state.get(v) === 'done') return undefined;
    state.set(v, 'open');
    stack.push(v);
    for (const w of next(v)) {
      const cycle = visit(w);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(v, 'done');
    return undefined;
  };
  for (const v of vertices) {
    const cycle = visit(v);
    if (cycle) return cycle;
  }
  return undefined;
}

/**
 * A cycle of sub-pathway references across a set of pathways, or undefined.
 *
 * @example
 * detectCycles([a, b]); // ['urn:p:a', 'urn:p:b', 'urn:p:a']
 */
export function detectCycles(pathways: readonly Pathway[]): string[] | undefined {
  const refs = new Map<string, string[]>();
  for (const p of pathways) {
    const out = walkNodes(p.root).flatMap(({ node }) => ('pathway' in node ? [node.pathway] : []));
    refs.set(p.id, [...new Set([...(refs.get(p.id) ?? []), ...out])].sort());
  }
  return findCycle([...refs.keys()].sort(), (v) => refs.get(v) ?? []);
}
