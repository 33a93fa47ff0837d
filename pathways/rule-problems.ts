import type { ErrorObject } from 'ajv';
import { NODE_KINDS } from './rule-types.ts';
import { pathwayRuleValidator } from './rule-validator.ts';

/** What is wrong with a pathway document against the rule schema, in people's words. */

/** A schema problem: JSON pointer and message. */
export interface SchemaProblem {
  path: string;
  message: string;
}

/**
 * Schema problems of `json`, empty when it conforms. The validator is compiled once (or, in a
 * Lambda bundle, was compiled at bundle time).
 *
 * @example
 * schemaProblems({ format: 'x' }); // [{ path: '', message: "must have required property 'id'" }, ...]
 */
export function schemaProblems(json: unknown): SchemaProblem[] {
  const validator = pathwayRuleValidator();
  if (validator(json)) return [];
  const seen = new Set<string>();
  const problems: SchemaProblem[] = [];
  for (const error of validator.errors ?? []) {
    const problem = describe(error);
    if (!problem) continue;
    const key = `${problem.path}\u0000${problem.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push(problem);
  }
  return problems;
}

function describe(error: ErrorObject): SchemaProblem | undefined {
  // `if` failures only say "must match then"; the branch's own errors are the useful ones.
  if (error.keyword === 'if') return undefined;
  // A oneOf branch's missing kind key is noise: the oneOf error itself says it better.
  if (error.keyword === 'required' && /\/oneOf\/\d+\/required$/.test(error.schemaPath)) {
    return undefined;
  }
  if (error.keyword === 'oneOf') {
    const message = error.instancePath.endsWith('/issuers')
      ? 'issuers must be { anyOf: [...] } or { trustList: name }'
      : `a node must have exactly one of ${NODE_KINDS.join(', ')}`;
    return { path: error.instancePath, message };
  }
  if (error.keyword === 'pattern' && error.instancePath.endsWith('/within')) {
    return { path: error.instancePath, message: 'must be an ISO-8601 duration such as P2Y' };
  }
  if (error.keyword === 'additionalProperties') {
    const extra = (error.params as { additionalProperty: string }).additionalProperty;
    return { path: error.instancePath, message: `unknown property "${extra}"` };
  }
  return { path: error.instancePath, message: error.message ?? error.keyword };
}
