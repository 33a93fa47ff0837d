import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Metafile } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_STORES, type StoreBuilders, type StoreName } from '#functions/dynamo-stores.ts';
import * as apiStores from '#functions/lambda/api-stores.ts';
import { bundleFunctions } from '../../infra/bundling/lambda-build.ts';
import { FUNCTIONS } from '../../infra/function-catalog.ts';

/**
 * Each API function, and reverify, builds only the stores on its list
 * (functions/lambda/api-stores.ts); a store its code reaches but its list leaves out would
 * fail requests with a 500. So each list
 * is checked against the code the function bundles, lazily loaded chunks included: every
 * store the code names (`ctx.credentials`, `{ credentials }`) must be on it. Naming is a
 * superset of use, so the check errs towards building a store too many.
 */

const LISTS: Readonly<Record<string, StoreBuilders>> = {
  'api-issuer-admin': apiStores.ISSUER_ADMIN_STORES,
  'api-issuance': apiStores.ISSUANCE_STORES,
  'api-verification': apiStores.VERIFICATION_STORES,
  'api-public-read': apiStores.PUBLIC_READ_STORES,
  'api-learners': apiStores.LEARNER_STORES,
  'api-search': apiStores.SEARCH_STORES,
  reverify: apiStores.REVERIFY_STORES,
};

const STORE_NAMES = Object.keys(ALL_STORES) as StoreName[];

// Modules that name every store to build or type the context, not to use one.
const WIRING = [
  'functions/dynamo-stores.ts',
  'functions/service-context.ts',
  'functions/lambda/api-stores.ts',
  'shared/domain/ports/service-context.ts',
];

/** Source text without string literals and comments: a route path is not a store. */
function code(path: string): string {
  return readFileSync(path, 'utf8').replace(
    /'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|`(?:[^`\\]|\\.)*`|\/\/.*|\/\*[\s\S]*?\*\//g,
    '',
  );
}

/** The stores named by the project's own modules in a function's bundle. */
function namedStores(metafile: Metafile): Set<StoreName> {
  const inputs = new Set<string>();
  for (const output of Object.values(metafile.outputs))
    for (const input of Object.keys(output.inputs))
      if (!input.includes('node_modules') && !input.includes(':')) inputs.add(input);
  const named = new Set<StoreName>();
  for (const input of inputs) {
    if (WIRING.includes(input) || input.startsWith('shared/adapters/dynamodb/')) continue;
    const text = code(input);
    for (const name of STORE_NAMES) if (new RegExp(`\\b${name}\\b`).test(text)) named.add(name);
  }
  return named;
}

/** The store modules whose code a function's bundle carries. */
function bundledStores(metafile: Metafile): string[] {
  const stores = new Set<string>();
  for (const output of Object.values(metafile.outputs))
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs))
      if (bytesInOutput > 0 && /^shared\/adapters\/dynamodb\/[a-z-]+-store\.ts$/.test(input))
        stores.add(input);
  return [...stores];
}

let outdir = '';
let metafiles: Readonly<Record<string, Metafile>> = {};

beforeAll(async () => {
  outdir = await mkdtemp(join(tmpdir(), 'credstack-api-stores-'));
  const entries = Object.fromEntries(
    [...Object.keys(LISTS), 'api-system'].map((name) => [
      name,
      FUNCTIONS[name as keyof typeof FUNCTIONS].entry,
    ]),
  );
  ({ metafiles } = await bundleFunctions(entries, outdir));
}, 120_000);

afterAll(async () => {
  if (outdir !== '') await rm(outdir, { recursive: true, force: true });
});

describe('the stores of each function with a store list', () => {
  for (const [name, list] of Object.entries(LISTS))
    it(`${name} builds every store its code names`, () => {
      const missing = [...namedStores(metafiles[name]!)].filter((store) => !(store in list));

      expect(missing).toEqual([]);
    });

  it('are the only stores each bundles', () => {
    for (const [name, list] of Object.entries(LISTS)) {
      expect(bundledStores(metafiles[name]!).length, name).toBe(Object.keys(list).length);
    }
  });

  it('the system function builds none: it serves only the document, its page and /health', () => {
    expect(apiStores.SYSTEM_STORES).toEqual({});
    expect(bundledStores(metafiles['api-system']!)).toEqual([]);
  });

  it('the check finds a store named in code', () => {
    const text = code('functions/lambda/api-stores.ts');

    expect(STORE_NAMES.filter((store) => new RegExp(`\\b${store}\\b`).test(text))).toEqual(
      STORE_NAMES,
    );
  });
});
