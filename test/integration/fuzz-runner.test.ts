import { spawnSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The fuzz run never passes by skipping: without schemathesis it fails, in CI and outside,
 * and says how to install it — before it starts anything.
 */

const SCRIPT = resolve(dirname(fileURLToPath(import.meta.url)), '../../scripts/fuzz-api.ts');

describe('npm run test:fuzz', () => {
  it.each([
    ['in CI', 'true'],
    ['outside CI', ''],
  ])('fails with the install command when schemathesis is missing (%s)', (_where, ci) => {
    const run = spawnSync(process.execPath, [SCRIPT], {
      env: { ...process.env, CI: ci, SCHEMATHESIS: '/nonexistent/schemathesis' },
      encoding: 'utf8',
      timeout: 30_000,
    });

    expect(run.status).toBe(1);
    expect(run.stderr).toContain('schemathesis is not installed');
    expect(run.stderr).toContain('npm run setup:fuzz');
    expect(run.stdout).not.toContain('starting the local runtime');
  });
});
