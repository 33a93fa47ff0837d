import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Annotations } from 'aws-cdk-lib/assertions';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../infra/bundling/lambda-build.ts';
import { DEFAULT_STAGE_NOTICE } from '../../infra/credstack-app.ts';
import { synthesize } from './synth.ts';

/**
 * A platform team's first command is `npx cdk synth`, with no context: it synthesizes the dev
 * stage and says so, instead of failing on a missing `-c stage=`.
 */

const run = promisify(execFile);
const dirs: string[] = [];

afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe('cdk synth without -c stage', () => {
  it('synthesizes the dev stack, the same template as -c stage=dev, with a notice', () => {
    const implicit = synthesize({});
    const explicit = synthesize({ stage: 'dev' });

    expect(implicit.stack.stackName).toBe('credstack-dev');
    expect(implicit.template.toJSON()).toEqual(explicit.template.toJSON());
    Annotations.fromStack(implicit.stack).hasInfo('/credstack-dev', DEFAULT_STAGE_NOTICE);
    expect(Annotations.fromStack(explicit.stack).findInfo('*', DEFAULT_STAGE_NOTICE)).toEqual([]);
  });

  it('still refuses a stage that does not exist', () => {
    expect(() => synthesize({ stage: 'staging' })).toThrow(
      '-c stage must be one of dev, prod (got staging)',
    );
  });

  it("runs cdk.json's app command with no context into a cloud assembly", async () => {
    const outdir = await mkdtemp(join(tmpdir(), 'credstack-default-stage-'));
    dirs.push(outdir);
    const { app } = JSON.parse(await readFile(join(REPO_ROOT, 'cdk.json'), 'utf8')) as {
      app: string;
    };
    const [command, ...args] = app.split(' ');

    // What the cdk CLI hands the app: an output directory and the context (here only the
    // switch that skips bundling, which has tests of its own; no stage).
    await run(command!, args, {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        CDK_OUTDIR: outdir,
        CDK_CONTEXT_JSON: JSON.stringify({ 'aws:cdk:bundling-stacks': [] }),
      },
      timeout: 120_000,
    });
    const manifest = JSON.parse(await readFile(join(outdir, 'manifest.json'), 'utf8')) as {
      artifacts: Record<string, { type: string; additionalMetadataFile?: string }>;
    };
    const stack = manifest.artifacts['credstack-dev'];
    // The annotations of a stack are written beside the manifest, in its metadata file.
    const metadata = JSON.parse(
      await readFile(join(outdir, stack?.additionalMetadataFile ?? 'missing'), 'utf8'),
    ) as Record<string, { type: string; data: unknown }[]>;
    const infos = Object.values(metadata)
      .flat()
      .filter((entry) => entry.type === 'aws:cdk:info')
      .map((entry) => entry.data);

    expect(stack?.type).toBe('aws:cloudformation:stack');
    expect(infos).toContain(DEFAULT_STAGE_NOTICE);
  }, 150_000);
});
