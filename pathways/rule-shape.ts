import { ID_PATTERN, MAX_ID_LENGTH } from '#shared/core/ids.ts';
import { ISO_DURATION_PATTERN } from './duration.ts';
import { NODE_KINDS, PATHWAY_FORMAT } from './rule-types.ts';

/**
 * Whether a document has the shape of the pathway rule schema (pathways/rule-schema.ts),
 * checked by hand. Compiling a stored version (pathways/compile.ts) needs to know only that:
 * every version was checked against the schema, with its every problem listed, when it was
 * written. The functions that only read rules (evaluation, progress, pathway jobs) then do not
 * load the schema's generated validator, the largest part of their code. The verdict is the
 * schema's, document for document; test/unit/pathways/rule-shape.test.ts holds the two
 * together on generated and broken documents. The answer names the first problem only.
 */

/** The first place a document leaves the rule schema, and how. */
export interface ShapeProblem {
  readonly path: string;
  readonly message: string;
}

// JSON Schema's string lengths count code points; Ajv's patterns are unicode regular expressions.
const ID = new RegExp(ID_PATTERN, 'u');
const DURATION = new RegExp(ISO_DURATION_PATTERN, 'u');

type Obj = Record<string, unknown>;
type Check = (value: unknown, path: string) => ShapeProblem | undefined;

const problem = (path: string, message: string): ShapeProblem => ({ path, message });

const isObject = (value: unknown): value is Obj =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function codePoints(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i += 1) {
    n += 1;
    const unit = text.charCodeAt(i);
    // A surrogate pair is one code point; a lone surrogate counts alone.
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      const low = text.charCodeAt(i + 1);
      if (low >= 0xdc00 && low <= 0xdfff) i += 1;
    }
  }
  return n;
}

function string(min: number, max: number, pattern?: RegExp): Check {
  return (value, path) => {
    if (typeof value !== 'string') return problem(path, 'must be string');
    const length = codePoints(value);
    if (length < min) return problem(path, `must NOT have fewer than ${min} characters`);
    if (length > max) return problem(path, `must NOT have more than ${max} characters`);
    if (pattern !== undefined && !pattern.test(value)) return problem(path, 'must match pattern');
    return undefined;
  };
}

const id = string(1, 512);
const key = string(1, MAX_ID_LENGTH, ID);
const label = string(1, 200);
const title = string(1, 300);
const anyString = string(0, Number.POSITIVE_INFINITY);

function integer(min: number): Check {
  return (value, path) =>
    typeof value === 'number' && Number.isInteger(value) && value >= min
      ? undefined
      : problem(path, `must be an integer >= ${min}`);
}

function array(item: Check, options: { readonly min: 0 | 1; readonly unique?: boolean }): Check {
  return (value, path) => {
    if (!Array.isArray(value)) return problem(path, 'must be array');
    if (value.length < options.min) return problem(path, 'must NOT have fewer than 1 items');
    for (const [i, entry] of value.entries()) {
      const found = item(entry, `${path}/${i}`);
      if (found) return found;
    }
    // Every item passed a string check here, so equal items are equal strings.
    if (options.unique && new Set(value).size !== value.length) {
      return problem(path, 'must NOT have duplicate items');
    }
    return undefined;
  };
}

/** An object with these properties only, the `required` ones present. */
function object(properties: Readonly<Record<string, Check>>, required: readonly string[] = []) {
  return (value: unknown, path: string): ShapeProblem | undefined => {
    if (!isObject(value)) return problem(path, 'must be object');
    for (const name of required) {
      if (value[name] === undefined) return problem(path, `must have required property '${name}'`);
    }
    // `for…in`, as the schema's validator enumerates them.
    for (const name in value) {
      if (!Object.hasOwn(properties, name)) return problem(path, `unknown property "${name}"`);
    }
    for (const [name, check] of Object.entries(properties)) {
      const entry = value[name];
      if (entry === undefined) continue;
      const found = check(entry, `${path}/${name}`);
      if (found) return found;
    }
    return undefined;
  };
}

const minResult = object(
  {
    resultDescription: id,
    atLeast: string(1, Number.POSITIVE_INFINITY),
    levels: array(anyString, { min: 1, unique: true }),
  },
  ['atLeast'],
);
const issuersAnyOf = object({ anyOf: array(id, { min: 1 }) }, ['anyOf']);
const issuersTrustList = object({ trustList: id }, ['trustList']);
const issuers: Check = (value, path) =>
  issuersAnyOf(value, path) === undefined || issuersTrustList(value, path) === undefined
    ? undefined
    : problem(path, 'issuers must be { anyOf: [...] } or { trustList: name }');
const constraints = {
  minResult,
  issuers,
  within: string(0, Number.POSITIVE_INFINITY, DURATION),
  before: label,
};

const node: Check = (value, path) => {
  if (!isObject(value)) return problem(path, 'must be object');
  const kinds = NODE_KINDS.filter((kind) => value[kind] !== undefined);
  const kind = kinds[0];
  if (kind === undefined || kinds.length > 1) {
    return problem(path, `a node must have exactly one of ${NODE_KINDS.join(', ')}`);
  }
  return KINDS[kind](value, path);
};
const children = array(node, { min: 1 });
const credits: Check = (value, path) =>
  typeof value === 'number' && Number.isFinite(value) && value > 0
    ? undefined
    : problem(path, 'must be a number > 0');

const KINDS: Readonly<Record<(typeof NODE_KINDS)[number], Check>> = {
  allOf: object({ allOf: children, label, title, milestone: id }),
  anyOf: object({ anyOf: children, label, title, milestone: id }),
  nOf: object({
    nOf: object({ n: integer(1), of: children }, ['n', 'of']),
    label,
    title,
    milestone: id,
  }),
  achievement: object({
    achievement: id,
    alternatives: array(id, { min: 0, unique: true }),
    label,
    title,
    ...constraints,
  }),
  skill: object({
    skill: object({ framework: id, code: id }, ['framework', 'code']),
    label,
    title,
    ...constraints,
  }),
  pathway: object({ pathway: id, label, title, ...constraints }),
  credits: object({
    credits: object({ atLeast: credits, of: node }, ['atLeast']),
    label,
    title,
    milestone: id,
    ...constraints,
  }),
};

const document = object(
  {
    format: (value, path) =>
      value === PATHWAY_FORMAT ? undefined : problem(path, `must be "${PATHWAY_FORMAT}"`),
    id: key,
    version: (value, path) =>
      id(value, path) === undefined || integer(1)(value, path) === undefined
        ? undefined
        : problem(path, 'must be a non-empty string or an integer >= 1'),
    name: string(1, 500),
    description: string(1, 4000),
    issuerId: key,
    root: node,
    policy: object(
      {
        onLapse: (value, path) =>
          value === 'suspend' || value === 'revoke'
            ? undefined
            : problem(path, 'must be "suspend" or "revoke"'),
      },
      ['onLapse'],
    ),
  },
  ['format', 'id', 'version', 'name', 'issuerId', 'root'],
);

/**
 * The first way `json` leaves the pathway rule schema, or undefined when it conforms. Expects
 * a document whose size was checked (its nesting bounds the recursion).
 *
 * @example
 * ruleShapeProblem({ format: 'credstack-pathway/1' }); // { path: '', message: "must have required property 'id'" }
 */
export function ruleShapeProblem(json: unknown): ShapeProblem | undefined {
  return document(json, '');
}
