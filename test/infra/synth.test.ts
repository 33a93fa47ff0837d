import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUNDLE_FILE, bundleFunctions } from '../../infra/bundling/lambda-build.ts';
import { credstackApp } from '../../infra/credstack-app.ts';
import { functionEntries } from '../../infra/function-catalog.ts';
import { STAGE_NAMES } from '../../infra/stages.ts';
import { logicalIdOf, resourcesOf, synthesize } from './synth.ts';

/**
 * `cdk synth` of every stage, offline and with the functions bundled: the assembly holds each
 * stage's template and one asset per function, byte for byte the bundle the budget test
 * measures; cdk-nag (AwsSolutions) finds nothing that was not acknowledged with a reason.
 */

const dirs: string[] = [];
const assemblies = new Map<
  string,
  { assembly: CloudAssembly; synthesized: ReturnType<typeof synthesize> }
>();
let reference: Record<string, Record<string, string>> = {};

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

beforeAll(async () => {
  for (const stage of STAGE_NAMES) {
    const outdir = await mkdtemp(join(tmpdir(), `credstack-synth-${stage}-`));
    dirs.push(outdir);
    const synthesized = synthesize({ stage }, { bundle: true, outdir });
    assemblies.set(stage, { assembly: synthesized.app.synth(), synthesized });
  }
  const outdir = await mkdtemp(join(tmpdir(), 'credstack-reference-'));
  dirs.push(outdir);
  const { bundles } = await bundleFunctions(
    Object.fromEntries(functionEntries().map(([name, spec]) => [name, spec.entry])),
    outdir,
  );
  reference = Object.fromEntries(
    Object.values(bundles).map((bundle) => [
      bundle.name,
      Object.fromEntries(
        bundle.modules.map((module) => [module, sha256(join(bundle.dir, module))]),
      ),
    ]),
  );
});

afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe.each(STAGE_NAMES)('cdk synth of the %s stage', (stage) => {
  it('writes the stack template', () => {
    const { assembly } = assemblies.get(stage)!;

    expect(assembly.stacks.map((stack) => stack.stackName)).toEqual([`credstack-${stage}`]);
    expect(Object.keys(assembly.stacks[0]!.template.Resources ?? {}).length).toBeGreaterThan(100);
  });

  it('ships every function as the bundle the shared build makes, all chunks with their source maps', () => {
    const { assembly, synthesized } = assemblies.get(stage)!;
    const functions = resourcesOf(synthesized.template, 'AWS::Lambda::Function');
    for (const [name] of functionEntries()) {
      const id = logicalIdOf(synthesized.stack.functions[name]!);
      const code = functions.find((fn) => fn.id === id)?.properties.Code as { S3Key: string };
      const asset = join(assembly.directory, `asset.${code.S3Key.replace(/\.zip$/, '')}`);

      const modules = reference[name]!;
      expect(Object.keys(modules)[0], name).toBe(BUNDLE_FILE);
      for (const [module, hash] of Object.entries(modules)) {
        expect(sha256(join(asset, module)), `${name}/${module}`).toBe(hash);
        expect(existsSync(join(asset, `${module}.map`)), `${name}/${module}`).toBe(true);
      }
    }
  });
});

describe('cdk-nag', () => {
  it('passes the AwsSolutions checks only through acknowledgements with a written reason', () => {
    const { synthesized } = assemblies.get('prod')!;
    const acknowledged: [string, string][] = [];
    for (const construct of synthesized.stack.node.findAll())
      for (const entry of construct.node.metadata)
        if (entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
          for (const [rule, reason] of Object.entries(entry.data as Record<string, string>))
            if (rule.startsWith('AwsSolutions::')) acknowledged.push([rule, reason]);

    expect(acknowledged.length).toBeGreaterThan(10);
    expect(acknowledged.filter(([, reason]) => reason.trim().length < 20)).toEqual([]);
  });

  it('is registered by the app: an unacknowledged finding fails synthesis', () => {
    const app = new App({ context: { stage: 'dev', 'aws:cdk:bundling-stacks': [] } });
    const stack = credstackApp(app);
    new Queue(stack, 'plain-queue');

    expect(() => app.synth()).toThrow(/AwsSolutions-SQS3/);
  });
});
