/** The version tag every pathway document carries; a new incompatible format gets a new tag. */
export const PATHWAY_FORMAT = 'credstack-pathway/1' as const;

/** What happens to an awarded pathway credential when a contributing credential lapses. */
export const LAPSE_POLICIES = ['suspend', 'revoke'] as const;
export type LapsePolicy = (typeof LAPSE_POLICIES)[number];

/** The node kinds, in the order the schema and the validator name them. */
export const NODE_KINDS = [
  'allOf',
  'anyOf',
  'nOf',
  'achievement',
  'skill',
  'pathway',
  'credits',
] as const;
export type NodeKind = (typeof NODE_KINDS)[number];

/**
 * Minimum result: numeric comparison unless `levels` (an ordered rubric, lowest first) is
 * given, in which case `atLeast` and the credential's value are compared by their rank.
 */
export interface MinResult {
  resultDescription?: string;
  atLeast: string;
  levels?: string[];
}

export type IssuerConstraint = { anyOf: string[] } | { trustList: string };

/** Constraints any leaf (and a credits node, on the credentials it sums) may carry. */
export interface LeafConstraints {
  minResult?: MinResult;
  issuers?: IssuerConstraint;
  /** ISO-8601 duration: issued within this window before the evaluation time. */
  within?: string;
  /** Label of another requirement: this credential must be issued before any credential used there. */
  before?: string;
}

interface Labelled {
  label?: string;
  /** The requirement in people's words ("Six credits of analytics electives"). */
  title?: string;
}

interface Inner extends Labelled {
  /** Achievement id awarded when this node completes. */
  milestone?: string;
}

export interface AllOfNode extends Inner {
  allOf: PathwayNode[];
}
export interface AnyOfNode extends Inner {
  anyOf: PathwayNode[];
}
export interface NOfNode extends Inner {
  nOf: { n: number; of: PathwayNode[] };
}
export interface AchievementNode extends Labelled, LeafConstraints {
  achievement: string;
  alternatives?: string[];
}
export interface SkillNode extends Labelled, LeafConstraints {
  skill: { framework: string; code: string };
}
export interface PathwayRefNode extends Labelled, LeafConstraints {
  pathway: string;
}
export interface CreditsNode extends Inner, LeafConstraints {
  credits: { atLeast: number; of?: PathwayNode };
}

export type PathwayNode =
  | AllOfNode
  | AnyOfNode
  | NOfNode
  | AchievementNode
  | SkillNode
  | PathwayRefNode
  | CreditsNode;

/** A pathway rule document (format `credstack-pathway/1`). */
export interface Pathway {
  format: typeof PATHWAY_FORMAT;
  id: string;
  version: string | number;
  name: string;
  /** What completing the pathway shows; the awarded credential's achievement description. */
  description?: string;
  issuerId: string;
  root: PathwayNode;
  policy?: { onLapse: LapsePolicy };
}

/** The learner-side view of one credential, as produced by verification. */
export interface EvaluatedCredential {
  id: string;
  achievementId: string;
  issuerId: string;
  issuedAt: string | Date;
  validUntil?: string | Date;
  revoked?: boolean;
  expired?: boolean;
  verified: boolean;
  issuerBound: boolean;
  alignments: readonly { framework: string; code: string }[];
  creditsEarned?: number;
  creditsAvailable?: number;
  results?: readonly { resultDescription?: string; value: string }[];
}

export interface EvaluationContext {
  now: Date;
  trustLists?: Record<string, readonly string[]>;
  heldPathways?: readonly string[];
}

/**
 * Which kind a node is, read from its one kind key.
 *
 * @example
 * nodeKind({ nOf: { n: 1, of: [{ achievement: 'urn:a' }] } }); // 'nOf'
 */
export function nodeKind(node: PathwayNode): NodeKind {
  for (const kind of NODE_KINDS) if (kind in node) return kind;
  throw new TypeError('not a pathway node');
}
