import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bakePng } from '#shared/credentials/bake/png.ts';
import { bakeSvg } from '#shared/credentials/bake/svg.ts';
import { tinyPng } from '#test/support/bake-fixtures.ts';

/**
 * The command line as a person runs it: a real Node 24 process on the bundled samples,
 * asserting the exit status (0 valid, 1 not valid, 2 unusable) and what it prints.
 */

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));
const cli = join(root, 'cli', 'credstack.ts');
const sampleJwt = join(root, 'samples', 'data-analysis-badge.jwt');
const sampleDi = join(root, 'samples', 'data-visualisation-badge.json');

async function credstack(
  ...args: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [cli, ...args], {
      cwd: root,
      timeout: 30_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'credstack-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('credstack verify', () => {
  it('prints a valid JSON report and exits 0 for the sample VC-JWT', async () => {
    const { code, stdout } = await credstack('verify', sampleJwt);

    const report = JSON.parse(stdout) as {
      verdict: string;
      input: { format: string; proof: string };
    };
    expect(code).toBe(0);
    expect(report.verdict).toBe('valid');
    expect(report.input).toEqual({ format: 'jwt', proof: 'vc-jwt' });
  });

  it('prints a readable summary with --pretty for the Data Integrity sample', async () => {
    const { code, stdout } = await credstack('verify', '--pretty', sampleDi);

    expect(code).toBe(0);
    expect(stdout).toMatch(/^VALID {2}Data Visualisation — issued by Northfield Technical College/);
    expect(stdout).toContain('format: json, proof: eddsa-rdfc-2022');
    expect(stdout).toContain('issuer-bound key: yes');
  });

  it('verifies badges baked into PNG and SVG', async () => {
    const jwt = (await readFile(sampleJwt, 'utf8')).trim();
    await writeFile(join(dir, 'badge.png'), bakePng(tinyPng(), jwt));
    await writeFile(
      join(dir, 'badge.svg'),
      bakeSvg('<svg xmlns="http://www.w3.org/2000/svg"></svg>', await readFile(sampleDi, 'utf8')),
    );

    const png = await credstack('verify', join(dir, 'badge.png'));
    const svg = await credstack('verify', join(dir, 'badge.svg'));

    expect([png.code, JSON.parse(png.stdout).input]).toEqual([
      0,
      { format: 'png', proof: 'vc-jwt' },
    ]);
    expect([svg.code, JSON.parse(svg.stdout).input]).toEqual([
      0,
      { format: 'svg', proof: 'eddsa-rdfc-2022' },
    ]);
  });

  it('exits 1 for a tampered credential and names the deciding check', async () => {
    const signed = JSON.parse(await readFile(sampleDi, 'utf8')) as Record<string, unknown>;
    await writeFile(
      join(dir, 'tampered.json'),
      JSON.stringify({ ...signed, name: 'Advanced Data Visualisation' }),
    );

    const { code, stdout } = await credstack('verify', join(dir, 'tampered.json'));

    expect(code).toBe(1);
    expect(JSON.parse(stdout)).toMatchObject({ verdict: 'invalid', decidingCheck: 'proof' });
  });

  it('exits 1 when --now is before the credential is valid', async () => {
    const { code, stdout } = await credstack(
      'verify',
      '--pretty',
      '--now',
      '2025-12-31T00:00:00Z',
      sampleJwt,
    );

    expect(code).toBe(1);
    expect(stdout).toContain('NOT VALID (decided by: issued)');
  });

  it('exits 2 for input that is not a credential', async () => {
    await writeFile(join(dir, 'notes.txt'), 'just some notes');

    const { code, stdout } = await credstack('verify', join(dir, 'notes.txt'));

    expect(code).toBe(2);
    expect(JSON.parse(stdout)).toMatchObject({ verdict: 'unusable', decidingCheck: 'input' });
  });

  it('exits 2 with a message for a missing file, bad usage and a bad --now', async () => {
    const missing = await credstack('verify', join(dir, 'nope.json'));
    const usage = await credstack('sign', sampleJwt);
    const badDate = await credstack('verify', '--now', 'yesterday', sampleJwt);

    expect([missing.code, missing.stderr]).toEqual([
      2,
      `cannot read ${join(dir, 'nope.json')}: ENOENT\n`,
    ]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('usage: credstack verify <file>');
    expect([badDate.code, badDate.stderr]).toEqual([2, '--now: "yesterday" is not a date\n']);
  });
});
