import { configDefaults, defineConfig } from 'vitest/config';

// Suites that need a real OpenSearch cluster join the integration tier only when one is given
// (OPENSEARCH_URL); without it the same contract runs against the embedded engine alone.
const needsCluster = ['test/integration/search/opensearch-*.test.ts'];

// Test tiers are folders under test/: each is its own project so a tier can run alone
// (`npx vitest --project unit`) and the slow ones never hide inside the fast ones.
export default defineConfig({
  test: {
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
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
          exclude: [...configDefaults.exclude, ...(process.env.OPENSEARCH_URL ? [] : needsCluster)],
          testTimeout: 60_000,
        },
      },
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
