import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Stack } from 'aws-cdk-lib';
import { Code } from 'aws-cdk-lib/aws-lambda';
import type { IConstruct } from 'constructs';
import { BUNDLE_FILE, REPO_ROOT } from '../bundling/lambda-build.ts';

/**
 * The deployment packages of the functions, built with the shared esbuild options
 * (infra/bundling/lambda-build.ts): all functions in one esbuild run per synthesis, each then
 * an asset directory hashed by its content. When the stack is excluded from bundling (context
 * `aws:cdk:bundling-stacks`, as `cdk destroy` and fast tests set it), a placeholder stands in.
 */

const builds = new Map<string, string>();
let placeholder: string | undefined;

function temporaryDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function buildOnce(entries: Readonly<Record<string, string>>): string {
  const pairs = Object.entries(entries)
    .map(([name, entry]) => `${name}=${entry}`)
    .sort();
  const key = pairs.join('\n');
  const existing = builds.get(key);
  if (existing !== undefined) return existing;
  const outdir = temporaryDir('credstack-functions-');
  // Node 24 runs the TypeScript command directly; the CDK app runs on it (see cdk.json).
  const result = spawnSync(
    process.execPath,
    [join(REPO_ROOT, 'infra/bundling/bundle-command.ts'), outdir, ...pairs],
    { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
  if (result.status !== 0)
    throw new Error(`bundling the functions failed:\n${result.stderr || result.error?.message}`);
  builds.set(key, outdir);
  return outdir;
}

function placeholderDir(): string {
  if (placeholder === undefined) {
    placeholder = temporaryDir('credstack-unbundled-');
    writeFileSync(
      join(placeholder, BUNDLE_FILE),
      "export const handler = () => { throw new Error('this function was synthesized without bundling'); };\n",
    );
  }
  return placeholder;
}

/**
 * One function's code among `entries` (name → entry), bundled on first use.
 *
 * @example
 * const code = functionCode(stack, { 'api-public-read': 'functions/lambda/api-public-read.ts' }, 'api-public-read');
 */
export function functionCode(
  scope: IConstruct,
  entries: Readonly<Record<string, string>>,
  name: string,
): Code {
  if (!(name in entries)) throw new Error(`no entry for function ${name}`);
  if (!Stack.of(scope).bundlingRequired) return Code.fromAsset(placeholderDir());
  return Code.fromAsset(join(buildOnce(entries), name));
}
