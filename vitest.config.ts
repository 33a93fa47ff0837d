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
    // Lambda roots under test publish their invocation's metrics; functions/emf-metrics.ts keeps
    // them off stdout with this (the metrics tests turn it off to read the EMF lines they check).
    env: { POWERTOOLS_METRICS_DISABLED: 'true' },
    // `npm run coverage` (unit and conformance tiers): v8 counts what the fast tiers execute in
    // product code. Floors guard the credential library and the pathway engine, set a few points
    // under the measured figures so a change that drops their tests fails the run.
    coverage: {
      provider: 'v8',
      include: [
        'shared/**/*.ts',
        'pathways/**/*.ts',
        'functions/**/*.ts',
        'local/**/*.ts',
        'cli/**/*.ts',
      ],
      exclude: ['**/*.d.ts', 'shared/credentials/jsonld/vendor/**'],
      reporter: ['text-summary', 'json-summary'],
      reportOnFailure: true,
      // Measured on 2026-12-07 (lines/statements/functions/branches, %): credential 96/94/96/88,
      // proof 98/96/100/91, verify 96/95/97/89, jsonld 96/94/97/88, keys 88/88/93/78,
      // status 90/89/85/84, bake 100/99/100/98, pathways 98/97/99/93. Floors sit ~3 points under.
      // The use cases (shared/domain), on the in-memory adapters: 63/62/61/51 (2026-12-07, with
      // the award planner's unit tests); the rest of their code runs only in the integration tier.
      thresholds: {
        'shared/domain/**': { lines: 60, statements: 59, functions: 58, branches: 48 },
        'shared/credentials/model/**': { lines: 93, statements: 91, functions: 93, branches: 85 },
        'shared/credentials/proof/**': { lines: 95, statements: 93, functions: 97, branches: 88 },
        'shared/credentials/verify/**': { lines: 93, statements: 92, functions: 94, branches: 85 },
        'shared/credentials/jsonld/**': { lines: 93, statements: 91, functions: 93, branches: 84 },
        'shared/credentials/keys/**': { lines: 85, statements: 84, functions: 89, branches: 75 },
        'shared/credentials/status/**': { lines: 87, statements: 86, functions: 82, branches: 81 },
        'shared/credentials/bake/**': { lines: 96, statements: 96, functions: 97, branches: 94 },
        'pathways/**': { lines: 95, statements: 94, functions: 95, branches: 90 },
      },
    },
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
          // One DynamoDB Local for the run (the service-issued suite runs the service on it).
          globalSetup: ['test/support/dynamodb-global-setup.ts'],
          testTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...needsCluster],
          // One DynamoDB Local for the whole run, each file on tables of its own; the suites
          // about starting and tethering DynamoDB Local start their own.
          globalSetup: ['test/support/dynamodb-global-setup.ts'],
          testTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          // The DynamoDB store suites and the API suites again, the stores on the SDK-free
          // client the deployed functions use (CREDSTACK_TEST_DYNAMODB_CLIENT,
          // test/support/dynamodb.ts): both clients must pass the very same tests.
          name: 'integration-lite',
          include: ['test/integration/store/**/*.test.ts', 'test/integration/api/**/*.test.ts'],
          env: { POWERTOOLS_METRICS_DISABLED: 'true', CREDSTACK_TEST_DYNAMODB_CLIENT: 'lite' },
          globalSetup: ['test/support/dynamodb-global-setup.ts'],
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
