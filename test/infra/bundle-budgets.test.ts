import { mkdtemp, rm } from 'node:fs/promises';
import { isBuiltin } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Metafile } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BundleResult, bundleFunctions } from '../../infra/bundling/lambda-build.ts';
import { httpEvent, probeOf, runProbe } from '../../infra/bundling/probe.ts';
import {
  bundleBudgetViolations,
  functionEntries,
  TARGET_BUDGET_KB,
} from '../../infra/function-catalog.ts';

/**
 * Bundle budgets: every function is bundled exactly as it is deployed (the shared esbuild
 * options) and its minified size compared with its budget in infra/function-catalog.ts. Sizes
 * are deterministic, so a bundle that grows past its budget is a failing test, not a trend.
 */

let outdir = '';
let result: BundleResult;

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
  it('each fit their budget', () => {
    const sizes = Object.fromEntries(
      functionEntries().map(([name]) => [name, result.bundles[name]!.bytes]),
    );

    expect(bundleBudgetViolations(sizes)).toEqual([]);
  });

  it('fail the build gate when one outgrows its budget', () => {
    expect(
      bundleBudgetViolations({ 'search-setup': 100 * 1024, 'api-learners': 421 * 1024 }),
    ).toEqual(['api-learners: 421.0 KB > 420 KB']);
  });

  it('give a reason for every budget above the target', () => {
    const unexplained = functionEntries()
      .filter(([, spec]) => spec.budgetKb > TARGET_BUDGET_KB)
      .filter(([, spec]) => (spec.budgetReason ?? '').trim().length < 20)
      .map(([name]) => name);

    expect(unexplained).toEqual([]);
  });

  it('import nothing but Node built-ins (the AWS SDK included)', () => {
    const outputs: [string, Metafile['outputs'][string]][] = Object.entries(
      result.metafile.outputs,
    ).filter(([file]) => file.endsWith('.mjs'));

    expect(outputs).toHaveLength(functionEntries().length);
    for (const [file, output] of outputs)
      expect(
        output.imports.filter((entry) => !isBuiltin(entry.path)).map((entry) => entry.path),
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
    // always constructs the KMS vault; its role still has no issuer-key permission.
    const sharedRuntime = new Set(['pathway-sweep']);
    const output = (name: string) =>
      Object.entries(result.metafile.outputs).find(([file]) =>
        file.endsWith(`/${name}/index.mjs`),
      )?.[1];
    for (const [name, spec] of functionEntries()) {
      const kms = Object.keys(output(name)?.inputs ?? {}).some((input) =>
        input.includes('node_modules/@aws-sdk/client-kms/'),
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
});
