import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { configDefaults, defineConfig } from 'vitest/config';

// Suites on a real OpenSearch cluster: the cluster named by OPENSEARCH_URL, or else a local node
// started once per run from Maven artifacts (test/support/opensearch-global-setup.ts).
const needsCluster = ['test/integration/search/opensearch-*.test.ts'];

const onPath = (command: string): boolean =>
  (process.env.PATH ?? '').split(delimiter).some((dir) => dir && existsSync(join(dir, command)));

// Without Maven there is no local node. In CI that fails the tier (its global setup names the
// missing tool); on a developer machine the tier is left out with a notice.
const clusterTier =
  Boolean(process.env.OPENSEARCH_URL) ||
  ['true', '1'].includes(process.env.CI ?? '') ||
  onPath('mvn');
if (!clusterTier)
  process.stderr.write(
    'notice: Maven (mvn) is not installed, so the OpenSearch tier (the search contract on a real ' +
      'node) is left out of this run; install Maven (README, Prerequisites) or set OPENSEARCH_URL\n',
  );

// Test tiers are folders under test/: each is its own project so a tier can run alone
// (`npx vitest --project unit`) and the slow ones never hide inside the fast ones.
export default defineConfig({
  test: {
    projects: [
      {
        extends: true,
        // Property tests run hundreds of cases: on a 2-core machine shared with the slower tiers
        // they can pass 5 s. A timeout here guards against hangs, it measures nothing.
        test: { name: 'unit', include: ['test/unit/**/*.test.ts'], testTimeout: 30_000 },
      },
      {
        extends: true,
        test: {
          name: 'conformance',
          include: ['test/conformance/**/*.test.ts'],
          testTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...needsCluster],
          testTimeout: 60_000,
        },
      },
      ...(clusterTier
        ? [
            {
              extends: true,
              test: {
                name: 'opensearch',
                include: needsCluster,
                globalSetup: ['test/support/opensearch-global-setup.ts'],
                testTimeout: 60_000,
                hookTimeout: 60_000,
              },
            },
          ]
        : []),
      {
        // The web app in a real browser against `npm start` (test/e2e/README in docs/web.md).
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 300_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'infra',
          include: ['test/infra/**/*.test.ts'],
          testTimeout: 300_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
});
