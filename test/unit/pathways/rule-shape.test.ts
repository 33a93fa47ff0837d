import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ruleShapeProblem } from '#pathways/rule-shape.ts';
import { pathwayRuleValidator } from '#pathways/rule-validator.ts';
import { caseArb } from './arbitraries.ts';

/**
 * Compiling a stored version checks its shape by hand (pathways/rule-shape.ts) instead of with
 * the rule schema's validator: the two must accept exactly the same documents. Generated rules
 * are broken at random places with values chosen to sit on the schema's edges.
 */

// Values at the schema's edges: lengths counted in code points, ids, durations, node shapes.
const ODD: readonly unknown[] = [
  undefined,
  null,
  true,
  0,
  1,
  2,
  -1,
  1.5,
  '',
  'x',
  'a b',
  'P2Y',
  'P',
  'P1Y2M',
  'suspend',
  'revoke',
  'credstack-pathway/1',
  'a'.repeat(128),
  'a'.repeat(129),
  'a'.repeat(200),
  'a'.repeat(201),
  'a'.repeat(512),
  'a'.repeat(513),
  '😀'.repeat(200),
  '😀'.repeat(201),
  '\ud800',
  [],
  ['a'],
  ['a', 'a'],
  ['a', 'b'],
  [1],
  {},
  { anyOf: ['i1'] },
  { anyOf: [] },
  { trustList: 'tl' },
  { anyOf: ['i1'], trustList: 'tl' },
  { atLeast: '1' },
  { atLeast: 'b', levels: ['a', 'b'] },
  { atLeast: 1 },
  { n: 1, of: [{ achievement: 'a' }] },
  { n: 0, of: [{ achievement: 'a' }] },
  { atLeast: 2, of: { anyOf: [{ achievement: 'a' }] } },
  { framework: 'f', code: 'c' },
  { achievement: 'a' },
  { achievement: 'a', skill: { framework: 'f', code: 'c' } },
  { pathway: 'p0', within: 'P1M', before: 'L0' },
  { allOf: [{ achievement: 'a' }], milestone: 'm' },
  { onLapse: 'suspend' },
];

const KEYS = [
  'format',
  'id',
  'version',
  'name',
  'description',
  'issuerId',
  'root',
  'policy',
  'onLapse',
  'allOf',
  'anyOf',
  'nOf',
  'n',
  'of',
  'achievement',
  'alternatives',
  'skill',
  'framework',
  'code',
  'pathway',
  'credits',
  'atLeast',
  'label',
  'title',
  'milestone',
  'minResult',
  'resultDescription',
  'levels',
  'issuers',
  'trustList',
  'within',
  'before',
  'unknown',
];

const LEAF = {
  achievement: 'a0',
  alternatives: ['a1', 'a2'],
  label: 'L1',
  title: 'First',
  minResult: { atLeast: 'b', levels: ['a', 'b'], resultDescription: 'rd' },
  issuers: { anyOf: ['i1', 'i2'] },
  within: 'P2Y',
  before: 'L2',
};

/** A rule using every property the schema knows, policy included. */
const RICH = {
  format: 'credstack-pathway/1',
  id: 'rich',
  version: 'v2',
  name: 'Rich',
  description: 'Every property',
  issuerId: 'northfield',
  policy: { onLapse: 'revoke' },
  root: {
    allOf: [
      LEAF,
      {
        anyOf: [
          { skill: { framework: 'f', code: 'c' }, issuers: { trustList: 'tl' }, label: 'L2' },
          { pathway: 'p0', within: 'P1M', minResult: { atLeast: '3' } },
        ],
        milestone: 'm',
      },
      {
        nOf: { n: 1, of: [{ credits: { atLeast: 2, of: { anyOf: [LEAF] } }, milestone: 'm2' }] },
        title: 'Electives',
        label: 'L3',
      },
    ],
  },
};

/** Every object and array inside `value`, itself included. */
function containers(value: unknown, out: (Record<string, unknown> | unknown[])[] = []) {
  if (typeof value !== 'object' || value === null) return out;
  out.push(value as Record<string, unknown> | unknown[]);
  for (const item of Object.values(value)) containers(item, out);
  return out;
}

/**
 * `doc` with one container changed. On an object: `op` 0 removes its key number `key`, 1 sets
 * KEYS[key] and 2 replaces its key number `key` to the odd value number `value`. On a list: 0
 * drops the last item, 1 appends the odd value, 2 replaces item number `key` with it, 3 repeats
 * item number `key`. Numbers wrap around.
 */
function mutate(
  doc: unknown,
  [at, op, key, value]: readonly [number, number, number, number],
): unknown {
  const copy = structuredClone(doc);
  const all = containers(copy);
  const target = all[at % all.length];
  const odd = structuredClone(ODD[value % ODD.length]);
  if (target === undefined) return odd;
  if (Array.isArray(target)) {
    if (op % 4 === 0) target.pop();
    else if (op % 4 === 1) target.push(odd);
    else if (target.length === 0) return copy;
    else if (op % 4 === 2) target[key % target.length] = odd;
    // A repeated item: unique lists must refuse it.
    else target.push(structuredClone(target[key % target.length]));
    return copy;
  }
  const keys = Object.keys(target);
  if (op % 3 === 1) target[KEYS[key % KEYS.length] as string] = odd;
  else if (keys.length === 0) return copy;
  else if (op % 3 === 0) delete target[keys[key % keys.length] as string];
  else target[keys[key % keys.length] as string] = odd;
  return copy;
}

describe('ruleShapeProblem', () => {
  const validate = pathwayRuleValidator();

  it('accepts exactly what the rule schema accepts', () => {
    let accepted = 0;
    let refused = 0;
    fc.assert(
      fc.property(
        fc.oneof(
          caseArb.map((c): unknown => c.pathway),
          fc.constant<unknown>(RICH),
        ),
        fc.array(fc.tuple(fc.nat(), fc.nat(), fc.nat(), fc.nat()), { maxLength: 3 }),
        (pathway, changes) => {
          const doc = changes.reduce<unknown>(mutate, pathway);
          const schemaOk = validate(doc);
          const problem = ruleShapeProblem(doc);
          expect(problem === undefined, JSON.stringify(doc)).toBe(schemaOk);
          if (schemaOk) accepted += 1;
          else refused += 1;
        },
      ),
      { numRuns: 3000 },
    );

    // Both answers occur often, or the comparison would say little.
    expect(accepted).toBeGreaterThan(300);
    expect(refused).toBeGreaterThan(1000);
  });

  it('accepts exactly what the rule schema accepts, one change anywhere in a full rule', () => {
    let accepted = 0;
    let refused = 0;
    const compare = (doc: unknown) => {
      const schemaOk = validate(doc);
      if ((ruleShapeProblem(doc) === undefined) !== schemaOk) {
        expect.fail(`the schema says ${schemaOk} of ${JSON.stringify(doc)}`);
      }
      if (schemaOk) accepted += 1;
      else refused += 1;
    };
    const all = containers(RICH);
    for (const [at, target] of all.entries()) {
      const size = Array.isArray(target) ? target.length : Object.keys(target).length;
      for (let op = 0; op < 4; op += 1) {
        // Every key (or item) with every odd value; KEYS on objects when adding one.
        const keys = op === 1 && !Array.isArray(target) ? KEYS.length : Math.max(size, 1);
        for (let key = 0; key < keys; key += 1) {
          for (let value = 0; value < ODD.length; value += 1)
            compare(mutate(RICH, [at, op, key, value]));
        }
      }
    }

    expect(accepted).toBeGreaterThan(500);
    expect(refused).toBeGreaterThan(10_000);
  });

  it('refuses whole documents no schema expects, and keys that hit prototypes', () => {
    const hostile: unknown[] = [
      null,
      [],
      'text',
      42,
      {},
      JSON.parse('{"__proto__": {"polluted": true}}'),
      JSON.parse('{"constructor": {"prototype": {"polluted": true}}}'),
    ];
    for (const doc of hostile) {
      expect(validate(doc)).toBe(false);
      expect(ruleShapeProblem(doc)).toBeDefined();
    }
  });

  it('names where a document leaves the schema', () => {
    const doc = {
      format: 'credstack-pathway/1',
      id: 'p',
      version: 1,
      name: 'P',
      issuerId: 'northfield',
      root: { allOf: [{ achievement: 'a' }, { achievement: 'b', within: 'two years' }] },
    };

    expect(ruleShapeProblem(doc)).toEqual({
      path: '/root/allOf/1/within',
      message: 'must match pattern',
    });
  });
});
