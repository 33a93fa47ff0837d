import { checkPathway, type ValidateOptions, type ValidationResult } from './rule-checks.ts';
import { schemaProblems } from './rule-problems.ts';

export {
  type CatalogueEntry,
  detectCycles,
  type PathwayProblem,
  type ValidateOptions,
  type ValidationResult,
} from './rule-checks.ts';

/**
 * Checks a pathway document as a save does: the rule schema's validator, every problem listed,
 * then sizes, references, labels and satisfiability (pathways/rule-checks.ts).
 *
 * @example
 * const r = validatePathway(json, { knownAchievements: ['urn:a'] });
 * if (!r.ok) console.log(r.problems); // [{ path: '/root/allOf/1', message: '...' }]
 */
export function validatePathway(json: unknown, options: ValidateOptions = {}): ValidationResult {
  return checkPathway(json, options, schemaProblems);
}
