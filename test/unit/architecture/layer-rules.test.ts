import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { cruise, type ICruiseOptions, type IViolation } from 'dependency-cruiser';
import { describe, expect, it } from 'vitest';

// The real rules, loaded as `npm run lint:deps` loads them, so this test checks what runs.
const config = createRequire(import.meta.url)('../../../.dependency-cruiser.cjs') as {
  forbidden: NonNullable<ICruiseOptions['ruleSet']>['forbidden'];
  options: ICruiseOptions;
};

const fixture = fileURLToPath(new URL('./fixture/', import.meta.url));

// A package by its name, not by the file its manifest happens to point at.
const packageOf = (to: string): string =>
  to.replace(/^.*node_modules\/((?:@[^/]+\/)?[^/]+)\/.*$/, 'npm:$1');

async function violationsOf(folders: string[]): Promise<string[]> {
  const { exclude: _realTreeOnly, ...options } = config.options;
  const result = await cruise(folders, {
    ...options,
    baseDir: fixture,
    validate: true,
    ruleSet: { forbidden: config.forbidden },
  });
  if (typeof result.output === 'string') throw new Error('expected a cruise result object');
  return result.output.summary.violations
    .map((v: IViolation) => `${v.rule.name}: ${v.from} -> ${packageOf(v.to)}`)
    .sort();
}

describe('layer rules (.dependency-cruiser.cjs)', () => {
  it('report every wrong-way import of the fixture, and nothing else', async () => {
    const found = await violationsOf(['pathways', 'shared', 'functions', 'local', 'cli', 'test']);
    expect(found).toEqual(
      [
        'cloud-sdk-in-adapters-only: shared/credentials/model/cloud.ts -> npm:@aws-sdk/client-kms',
        'credentials-below-domain: shared/credentials/keys/uses-store.ts -> shared/adapters/dynamodb/table.ts',
        'credentials-below-domain: shared/credentials/model/uses-domain.ts -> shared/domain/port.ts',
        'domain-below-adapters: shared/domain/uses-adapter.ts -> shared/adapters/dynamodb/table.ts',
        'network-in-adapters-only: shared/domain/uses-network.ts -> https',
        'no-cycle: shared/core/a.ts -> shared/core/b.ts',
        'no-folder-cycle: shared/credentials/proof -> shared/credentials/verify',
        'no-folder-cycle: shared/credentials/verify -> shared/credentials/proof',
        'pathways-stay-pure: pathways/uses-service.ts -> shared/domain/port.ts',
        'product-never-imports-tests: cli/uses-test.ts -> test/helper.ts',
        'runtime-never-imports-hosts-or-tests: functions/uses-local.ts -> local/host.ts',
        'subpath-import-into-local: functions/uses-local.ts -> local/host.ts',
        'subpath-import-into-shared: pathways/uses-service.ts -> shared/domain/port.ts',
        'subpath-import-into-test: cli/uses-test.ts -> test/helper.ts',
      ].sort(),
    );
  });

  it('let an adapter import its cloud SDK', async () => {
    expect(await violationsOf(['shared/adapters/dynamodb'])).toEqual([]);
  });
});
