import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createLocalJWKSet } from 'jose';
import { systemClock } from '#shared/core/clock.ts';
import { LocalKeyVault } from '#shared/crypto/vault/local-key-vault.ts';
import { CachingFetcher } from '#shared/fetch/caching-fetcher.ts';
import { HttpsFetcher } from '#shared/fetch/https-fetcher.ts';
import { MAX_IMPORT_BYTES, reverifyDueImports } from '#shared/service/imports.ts';
import { sweepPathwayAwards } from '#shared/service/pathway-jobs.ts';
import { createJwtTokenVerifier } from '#shared/service/token-verifier.ts';
import { serviceVerifier } from '../functions/service-context.ts';
import { buildLocalApp } from './app.ts';
import { prepareDataDir } from './data-dir.ts';
import { type DevToken, loadOrCreateDevIssuer, writeDevTokens } from './dev-tokens.ts';
import { ensureTable, startDynamoDbLocal } from './dynamodb-local.ts';
import { startHttpBridge } from './http-bridge.ts';
import { onShutdown } from './lifecycle.ts';
import { openLocalSearchEngine } from './search-engine.ts';
import {
  DEMO_EMPLOYER_ID,
  DEMO_ISSUER_ID,
  DEMO_LEARNERS,
  DEMO_OTHER_EMPLOYER_ID,
  DEMO_SEARCH_LEARNERS,
  seedDemoTenant,
} from './seed.ts';
import { localStreamHandlers } from './stream-handlers.ts';
import { startStreamPoller } from './stream-poller.ts';

/**
 * `npm start`: the local runtime's composition root. The same handlers as in AWS, on DynamoDB
 * Local (data in .data/dynamodb), the local key vault (.data/keys, mode 0600), a dev token
 * issuer in place of the OIDC provider, and a poller feeding the table's stream to the stream
 * handlers. The first start seeds a demo tenant; later starts keep the data.
 */

const TABLE = 'credstack';
const port = Number(process.env.PORT ?? 3000);
if (!Number.isInteger(port) || port < 1 || port > 65_535) {
  process.stderr.write(`PORT must be a TCP port number, not ${process.env.PORT}\n`);
  process.exit(2);
}
const baseUrl = `http://127.0.0.1:${port}`;

const dirs = await prepareDataDir('.data');
process.stdout.write('starting DynamoDB Local…\n');
const db = await startDynamoDbLocal({ dbPath: dirs.dynamodb });
const client = new DynamoDBClient(db.clientConfig);
const documents = DynamoDBDocumentClient.from(client, {
  marshallOptions: { removeUndefinedValues: true },
});
await ensureTable(client, TABLE);

// SEARCH_ENGINE=opensearch: a real OpenSearch node (local/search-engine.ts) instead of the
// embedded engine; the stream indexer feeds whichever it is.
const search = await openLocalSearchEngine(dirs.root).catch(async (error: unknown) => {
  await db.stop();
  process.stderr.write(
    `search engine: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
process.stdout.write(`search engine: ${search.description}\n`);

const devIssuer = await loadOrCreateDevIssuer(dirs.root);
// Loopback and private addresses stay refused: only the service's own documents are local,
// and those are answered from its data by the service verifier.
const network = new CachingFetcher(new HttpsFetcher({ maxBytes: MAX_IMPORT_BYTES }));
const { ctx, handler, rebuildSearchIndex } = buildLocalApp({
  documents,
  tableName: TABLE,
  vault: new LocalKeyVault({ dir: dirs.keys }),
  baseUrl,
  clock: systemClock,
  tokenVerifier: createJwtTokenVerifier({
    issuer: devIssuer.issuer,
    audience: devIssuer.audience,
    jwks: createLocalJWKSet(devIssuer.jwks),
  }),
  network,
  searchIndex: search.searchIndex,
  health: async () => {
    await client.send(new DescribeTableCommand({ TableName: TABLE }));
    return { ok: true };
  },
});

// The poller starts before seeding so the seed's credentials and pathways flow through the
// stream consumers (awards, jobs) exactly as API writes do.
const poller = await startStreamPoller({
  clientConfig: db.clientConfig,
  tableName: TABLE,
  handler: localStreamHandlers(ctx),
});
const firstStart = (await ctx.issuers.get(DEMO_ISSUER_ID)) === undefined;
if (firstStart) {
  process.stdout.write('seeding the demo tenant…\n');
  await seedDemoTenant(ctx);
  await poller.drained();
}
// The embedded search index lives in this process: rebuild it from the table, whose stream
// keeps it in step from here on (on OpenSearch the rebuild catches up what a stop missed;
// versions already held are no-ops).
const candidates = await rebuildSearchIndex();
process.stdout.write(`search index rebuilt: ${candidates} candidate(s)\n`);
const achievements = await ctx.achievements.list(DEMO_ISSUER_ID);

const tokens: Record<string, DevToken> = {
  'platform-admin': {
    token: await devIssuer.sign({ sub: 'dev-platform-admin', roles: ['platform-admin'] }),
    description: 'onboards issuers; acts for any issuer',
  },
  'issuer-admin': {
    token: await devIssuer.sign({
      sub: 'dev-issuer-admin',
      roles: ['issuer-admin'],
      issuerId: DEMO_ISSUER_ID,
    }),
    description: `issues, revokes and defines achievements for ${DEMO_ISSUER_ID} only`,
  },
  employer: {
    token: await devIssuer.sign({
      sub: 'dev-employer',
      roles: ['employer'],
      employerId: DEMO_EMPLOYER_ID,
    }),
    description: `an employer (${DEMO_EMPLOYER_ID})`,
  },
};
tokens['employer-other'] = {
  token: await devIssuer.sign({
    sub: 'dev-employer-other',
    roles: ['employer'],
    employerId: DEMO_OTHER_EMPLOYER_ID,
  }),
  description: `another employer (${DEMO_OTHER_EMPLOYER_ID}): finds only learners who let every employer`,
};
for (const learner of [...DEMO_LEARNERS, ...DEMO_SEARCH_LEARNERS]) {
  tokens[`learner-${learner.id}`] = {
    token: await devIssuer.sign({
      sub: `dev-learner-${learner.id}`,
      roles: ['learner'],
      learnerId: learner.id,
      // As an OIDC provider would vouch for it: imports addressed to this email are theirs.
      email: learner.email,
    }),
    description: `learner ${learner.id} (${learner.email})`,
  };
}
const tokensPath = `${dirs.root}/dev-tokens.json`;
await writeDevTokens(tokensPath, tokens);

const bridge = await startHttpBridge({ handler, port });

// In AWS a schedule runs the award sweep (expiry announces itself through no stream record);
// here a timer does, once a minute.
const sweep = setInterval(() => {
  sweepPathwayAwards(ctx).catch((error: unknown) => {
    process.stderr.write(`pathway award sweep failed: ${String(error)}\n`);
  });
}, 60_000);
sweep.unref();
// Imported badges are verified again as they age (their issuers' status lists change).
const reverifier = serviceVerifier(ctx, network);
const reverify = setInterval(() => {
  reverifyDueImports(ctx, reverifier).catch((error: unknown) => {
    process.stderr.write(`import re-verification failed: ${String(error)}\n`);
  });
}, 3_600_000);
reverify.unref();

onShutdown([
  async () => clearInterval(sweep),
  async () => clearInterval(reverify),
  async () => db.stop(),
  async () => search.stop(),
  async () => client.destroy(),
  async () => poller.stop(),
  async () => bridge.close(),
]);

const achievement = achievements.items[0];
process.stdout.write(`
credstack is running at ${bridge.url}${firstStart ? ' (demo tenant seeded)' : ' (data kept from the last start)'}
  API docs      ${bridge.url}/docs
  OpenAPI       ${bridge.url}/openapi.json
  bearer tokens .data/dev-tokens.json (one per demo role)

Issue a badge as the demo issuer's admin:
  TOKEN=$(node -p "require('./.data/dev-tokens.json')['issuer-admin'].token")
  curl -s ${bridge.url}/credentials/issue -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' \\
    -d '{"credential":{"issuer":"${DEMO_ISSUER_ID}","credentialSubject":{"email":"new.learner@mail.example","achievement":{"id":"${achievement?.id ?? '<achievement id>'}"}}}}'

Watch a stack complete: Ada is one elective short of Data Analyst Foundations.
  ADA=$(node -p "require('./.data/dev-tokens.json')['learner-ada'].token")
  curl -s ${bridge.url}/learners/ada/pathways -H "authorization: Bearer $ADA"
  (README "Stacks" awards her the last badge; the pathway credential follows from the stream.)

Ctrl-C stops everything.
`);
