import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ValidateFunction } from 'ajv';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTE_GROUP_NAMES, type RouteGroup } from '#functions/api/app.ts';
import { type RoutePart, routeValidator } from '#functions/http/route-validators.ts';
import { pathwayRuleValidator } from '#pathways/rule-validator.ts';
import { routeTableOfGroup } from '../../infra/api-routes.ts';
import { lambdaBuildOptions } from '../../infra/bundling/lambda-build.ts';

/**
 * The Lambda bundles validate request bodies, query strings and pathway rules with Ajv
 * standalone code emitted at bundle time (infra/bundling/standalone-validators.ts) instead of
 * compiling the schemas at run time. Bundled as the functions bundle them, the generated
 * validators must give the very answers, errors included (they become the problem+json
 * answers), that Ajv's compiled ones give: on every route's example and on hostile variants.
 */

type RouteValidatorLookup = (part: RoutePart, operationId: string) => ValidateFunction;

let outdir = '';
const bundled: Partial<Record<RouteGroup, RouteValidatorLookup>> = {};
let bundledPathway: ValidateFunction;

async function bundleModule(entry: string, name: string, group?: RouteGroup): Promise<unknown> {
  await build({
    ...lambdaBuildOptions(group === undefined ? {} : { routeGroup: group }),
    entryPoints: { [name]: entry },
    outdir,
  });
  return import(pathToFileURL(join(outdir, `${name}.mjs`)).href);
}

beforeAll(async () => {
  outdir = await mkdtemp(join(tmpdir(), 'credstack-standalone-'));
  for (const group of ROUTE_GROUP_NAMES) {
    const module = (await bundleModule(
      'functions/http/route-validators.ts',
      `routes-${group}`,
      group,
    )) as { routeValidator: RouteValidatorLookup };
    bundled[group] = module.routeValidator;
  }
  const pathway = (await bundleModule('pathways/rule-validator.ts', 'pathway')) as {
    pathwayRuleValidator: () => ValidateFunction;
  };
  bundledPathway = pathway.pathwayRuleValidator();
}, 120_000);

afterAll(async () => {
  if (outdir !== '') await rm(outdir, { recursive: true, force: true });
});

const ODD_VALUES: readonly unknown[] = [
  null,
  0,
  -1,
  1.5,
  1e308,
  '',
  'x',
  '5',
  'true',
  'a'.repeat(5000),
  '2026-13-45T99:00:00Z',
  'not a uri',
  true,
  [],
  ['a', 'b'],
  {},
  { nested: { deeper: [1, 2, 3] } },
];

/** Whole inputs no schema expects, and JSON-parsed keys that hit prototypes. */
const HOSTILE_INPUTS: readonly unknown[] = [
  null,
  [],
  'text',
  42,
  {},
  JSON.parse('{"__proto__": {"polluted": true}}'),
  JSON.parse('{"constructor": {"prototype": {"polluted": true}}}'),
  { unexpectedProperty: 1 },
];

/**
 * Variants of `value`: each property removed, replaced by odd values, and an unknown one
 * added, at the top level and one level down.
 */
function variants(value: unknown, depth = 0): unknown[] {
  if (typeof value !== 'object' || value === null) return [];
  if (Array.isArray(value))
    return depth > 1
      ? []
      : [[], [...value, ...value], ...value.flatMap((item) => variants(item, depth + 1))];
  const out: unknown[] = [{ ...value, zzUnknown: 'x' }];
  for (const [key, item] of Object.entries(value)) {
    const { [key]: _removed, ...rest } = value as Record<string, unknown>;
    out.push(rest);
    for (const odd of ODD_VALUES) out.push({ ...rest, [key]: odd });
    if (depth < 2)
      for (const variant of variants(item, depth + 1)) out.push({ ...rest, [key]: variant });
  }
  return out;
}

/** Inputs for a query schema: each parameter alone with values a query string may carry. */
function queryInputs(schema: Record<string, unknown>): unknown[] {
  const properties = Object.keys((schema.properties as Record<string, unknown> | undefined) ?? {});
  const values = [
    '',
    '0',
    '5',
    '-3',
    '1.5',
    '99999',
    'abc',
    'true',
    '2026-01-01',
    ['7'],
    ['1', '2'],
  ];
  return [
    ...HOSTILE_INPUTS,
    ...properties.flatMap((name) => values.map((value) => ({ [name]: value }))),
    Object.fromEntries(properties.map((name) => [name, '1'])),
  ];
}

/** The verdict, errors and (coerced) data of one validator on its own copy of `input`. */
function answer(validate: ValidateFunction, input: unknown) {
  const data = structuredClone(input);
  const ok = validate(data);
  return { ok, errors: validate.errors ?? null, data };
}

describe('the bundled standalone request validators', () => {
  for (const group of ROUTE_GROUP_NAMES) {
    it(`answer as Ajv's compiled ones on the ${group} routes' bodies and queries`, () => {
      const standalone = bundled[group]!;
      const counts = { valid: 0, invalid: 0 };
      for (const route of routeTableOfGroup(group)) {
        for (const part of ['body', 'query'] as const) {
          const schema = route[part];
          if (schema === undefined) continue;
          const compiled = routeValidator(part, route.operationId, schema);
          const generated = standalone(part, route.operationId);
          const example = (schema as { example?: unknown }).example;
          const inputs =
            part === 'query'
              ? queryInputs(schema)
              : [
                  ...HOSTILE_INPUTS,
                  ...(example === undefined ? [] : [example, ...variants(example)]),
                ];
          for (const input of inputs) {
            const expected = answer(compiled, input);

            expect(answer(generated, input), `${route.operationId} ${part}`).toEqual(expected);
            counts[expected.ok ? 'valid' : 'invalid'] += 1;
          }
        }
      }
      // Both verdicts are exercised wherever the group takes input at all.
      if (counts.valid + counts.invalid > 0) expect(counts.invalid).toBeGreaterThan(0);
    });
  }

  it('cover every route with a body or query schema, and no other', () => {
    for (const group of ROUTE_GROUP_NAMES)
      for (const route of routeTableOfGroup(group)) {
        for (const part of ['body', 'query'] as const)
          if (route[part] !== undefined)
            expect(typeof bundled[group]!(part, route.operationId)).toBe('function');
        if (route.body === undefined)
          expect(() => bundled[group]!('body', route.operationId)).toThrow(/no body validator/);
      }
  });

  it('gave every body example a valid verdict somewhere', () => {
    let examples = 0;
    for (const group of ROUTE_GROUP_NAMES)
      for (const route of routeTableOfGroup(group)) {
        const example = (route.body as { example?: unknown } | undefined)?.example;
        if (example === undefined) continue;
        examples += 1;

        expect(bundled[group]!('body', route.operationId)(structuredClone(example))).toBe(true);
      }

    expect(examples).toBeGreaterThan(20);
  });
});

describe('the bundled standalone pathway rule validator', () => {
  const pathway = {
    format: 'credstack-pathway/1',
    id: 'data-analyst',
    version: 1,
    name: 'Data analyst',
    issuerId: 'northfield',
    root: {
      allOf: [
        { achievement: 'urn:example:sql', label: 'SQL' },
        { anyOf: [{ achievement: 'urn:example:python' }, { achievement: 'urn:example:r' }] },
      ],
    },
  };

  it("answers as Ajv's compiled one on a rule and its hostile variants", () => {
    const compiled = pathwayRuleValidator();
    const inputs = [...HOSTILE_INPUTS, pathway, ...variants(pathway)];
    let valid = 0;
    for (const input of inputs) {
      const expected = answer(compiled, input);

      expect(answer(bundledPathway, input)).toEqual(expected);
      if (expected.ok) valid += 1;
    }

    expect(valid).toBeGreaterThan(0);
    expect(inputs.length - valid).toBeGreaterThan(100);
  });
});
