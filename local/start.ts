import { join } from 'node:path';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocument } from '@aws-sdk/lib-dynamodb';
import { createLocalJWKSet } from 'jose';
import { serviceVerifier } from '#functions/service-context.ts';
import { FileImageStore } from '#shared/adapters/files/image-store.ts';
import { HttpsFetcher } from '#shared/adapters/https/https-fetcher.ts';
import { LocalKeyVault } from '#shared/adapters/key-files/local-key-vault.ts';
import { createJwtTokenVerifier } from '#shared/adapters/oidc/token-verifier.ts';
import { systemClock } from '#shared/core/clock.ts';
import { CachingFetcher } from '#shared/credentials/fetch/caching-fetcher.ts';
import { MAX_IMPORT_BYTES, reverifyDueImports } from '#shared/domain/imports.ts';
import { sweepPathwayAwards } from '#shared/domain/pathway-jobs.ts';
import { issuerDid } from '#shared/domain/ports/service-context.ts';
import { buildLocalApp } from './app.ts';
import { prepareDataDir } from './data-dir.ts';
import { demoUsers } from './demo-users.ts';
import { appConfig, byIssuer, createDevOidcProvider } from './dev-oidc.ts';
import { type DevToken, loadOrCreateDevIssuer, writeDevTokens } from './dev-tokens.ts';
import { ensureTable, localLiteOptions, startDynamoDbLocal } from './dynamodb-local.ts';
import { type FrontRouter, frontRouter } from './front.ts';
import { type HttpHandler, startHttpBridge } from './http-bridge.ts';
import { startJobResumer } from './job-resumer.ts';
import { guardStartup, type ShutdownStep } from './lifecycle.ts';
import {
  baseUrlOfLocalDid,
  checkBaseUrl,
  listenFailure,
  recordBaseUrl,
  recordedBaseUrl,
  StartRefused,
} from './runtime-guard.ts';
import { openLocalSearchEngine } from './search-engine.ts';
import { DEMO_ISSUER_ID, seedDemoTenant } from './seed.ts';
import { localStreamHandlers } from './stream-handlers.ts';
import { startStreamPoller } from './stream-poller.ts';
import { ensureWebBuild, localWebAppConfig, withWebApp } from './web-static.ts';

/**
 * `npm start`: the local runtime's composition root. The same handlers as in AWS, on DynamoDB
 * Local (data in .data/dynamodb), the local key vault (.data/keys, mode 0600), a dev token
 * issuer in place of the OIDC provider, and a poller feeding the table's stream to the stream
 * handlers. The first start seeds a demo tenant; later starts keep the data.
 *
 * Nothing is started or written before the two checks that can refuse a start pass: the data
 * folder belongs to this base URL (runtime-guard.ts) and the port is free (the HTTP server
 * listens first, answering 503 until the service is ready). A start that fails later stops
 * what it started — DynamoDB Local included — and says why in one line.
 */

const TABLE = 'credstack';
const DATA_DIR = '.data';
const port = Number(process.env.PORT ?? 3000);
if (!Number.isInteger(port) || port < 1 || port > 65_535) {
  process.stderr.write(`PORT must be a TCP port number, not ${process.env.PORT}\n`);
  process.exit(2);
}
const baseUrl = `http://127.0.0.1:${port}`;

const STARTING: Awaited<ReturnType<HttpHandler>> = {
  statusCode: 503,
  headers: { 'content-type': 'application/problem+json', 'retry-after': '5' },
  body: JSON.stringify({
    type: 'about:blank',
    title: 'Service Unavailable',
    status: 503,
    detail: 'credstack is still starting; try again in a few seconds.',
  }),
};

/** Stops a part once, however many times it is asked (it is registered twice, see below). */
function once(step: ShutdownStep): ShutdownStep {
  let done: Promise<void> | undefined;
  return () => {
    done ??= step();
    return done;
  };
}

const startup = guardStartup();

async function start(): Promise<void> {
  // 1. The data folder's address, read without writing anything.
  const recorded = await recordedBaseUrl(DATA_DIR);
  checkBaseUrl(recorded, baseUrl, DATA_DIR);

  // 2. The port: listening first claims it, so a busy one stops the start before anything runs.
  let route: HttpHandler | undefined;
  let front: FrontRouter | undefined;
  const bridge = await startHttpBridge({
    port,
    handler: (event) => (route ? route(event) : Promise.resolve(STARTING)),
    front: (request, response) => front?.(request, response) ?? false,
  }).catch((error: unknown) => {
    throw listenFailure(error, port);
  });
  const closeBridge = once(() => bridge.close());
  startup.started(closeBridge);

  const dirs = await prepareDataDir(DATA_DIR);
  // The web app is served beside the API; a missing or stale build is made now (a second).
  ensureWebBuild((line) => process.stdout.write(line));
  process.stdout.write('starting DynamoDB Local…\n');
  const db = await startDynamoDbLocal({ dbPath: dirs.dynamodb });
  startup.started(() => db.stop());
  const client = new DynamoDBClient(db.clientConfig);
  startup.started(async () => client.destroy());
  const documents = DynamoDBDocument.from(client, {
    marshallOptions: { removeUndefinedValues: true },
  });
  const tableCreated = await ensureTable(client, TABLE);

  // SEARCH_ENGINE=opensearch: a real OpenSearch node (local/search-engine.ts) instead of the
  // embedded engine; the stream indexer feeds whichever it is.
  const search = await openLocalSearchEngine(dirs.root).catch((error: unknown) => {
    throw new Error(`search engine: ${error instanceof Error ? error.message : String(error)}`);
  });
  startup.started(() => search.stop());
  process.stdout.write(`search engine: ${search.description}\n`);

  const devIssuer = await loadOrCreateDevIssuer(dirs.root);
  // The web app's sign-in: a development OpenID provider at /oidc offering the demo users.
  const oidc = await createDevOidcProvider({ baseUrl, dataDir: dirs.root, users: demoUsers() });
  // Loopback and private addresses stay refused: only the service's own documents are local,
  // and those are answered from its data by the service verifier.
  const network = new CachingFetcher(new HttpsFetcher({ maxBytes: MAX_IMPORT_BYTES }));
  const app = buildLocalApp({
    documents,
    tableName: TABLE,
    vault: new LocalKeyVault({ dir: dirs.keys }),
    baseUrl,
    clock: systemClock,
    tokenVerifier: byIssuer({
      [devIssuer.issuer]: createJwtTokenVerifier({
        issuer: devIssuer.issuer,
        audience: devIssuer.audience,
        jwks: createLocalJWKSet(devIssuer.jwks),
      }),
      [oidc.issuer]: oidc.tokenVerifier,
    }),
    network,
    searchIndex: search.searchIndex,
    images: new FileImageStore(join(dirs.root, 'images')),
    workerTable: localLiteOptions(db.endpoint),
    health: async () => {
      await client.send(new DescribeTableCommand({ TableName: TABLE }));
      return { ok: true };
    },
  });
  const { ctx, handler, rebuildSearchIndex } = app;
  // The verification worker pool runs beside the request loop and stops with the rest.
  startup.started(async () => app.close());

  // A data folder from before the address was recorded: its demo issuer's DID tells.
  const demoIssuer = await ctx.issuers.get(DEMO_ISSUER_ID);
  if (recorded === undefined && demoIssuer !== undefined) {
    if (demoIssuer.did !== issuerDid(baseUrl, DEMO_ISSUER_ID)) {
      checkBaseUrl(baseUrlOfLocalDid(demoIssuer.did) ?? demoIssuer.did, baseUrl, DATA_DIR);
    }
  }
  if (recorded === undefined) await recordBaseUrl(dirs.root, baseUrl);

  // The poller starts before seeding so the seed's credentials and pathways flow through the
  // stream consumers (awards, jobs) exactly as API writes do.
  const poller = await startStreamPoller({
    clientConfig: db.clientConfig,
    tableName: TABLE,
    handler: localStreamHandlers(ctx),
    // Where handling stopped survives a restart (Ctrl-C, a crash): whatever was in flight is
    // delivered again. A new table is read from its first record.
    checkpointFile: `${dirs.root}/stream-checkpoints.json`,
    fromStart: tableCreated,
  });
  startup.started(() => poller.stop());
  // Batch awards and pathway jobs a dead process left open are finished (their checkpoints are
  // in the table); the sweep runs in the background while the service starts.
  const resumer = startJobResumer(ctx);
  startup.started(() => resumer.stop());
  const firstStart = demoIssuer === undefined;
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

  // One token per demo user: the same users the development sign-in page offers.
  const tokens: Record<string, DevToken> = {};
  for (const [name, user] of Object.entries(demoUsers())) {
    tokens[name] = { token: await devIssuer.sign(user.claims), description: user.description };
  }
  const tokensPath = `${dirs.root}/dev-tokens.json`;
  await writeDevTokens(tokensPath, tokens);

  // In AWS a schedule runs the award sweep (expiry announces itself through no stream record);
  // here a timer does, once a minute.
  const sweep = setInterval(() => {
    sweepPathwayAwards(ctx).catch((error: unknown) => {
      process.stderr.write(`pathway award sweep failed: ${String(error)}\n`);
    });
  }, 60_000);
  sweep.unref();
  startup.started(async () => clearInterval(sweep));
  // Imported badges are verified again as they age (their issuers' status lists change).
  const reverifier = serviceVerifier(ctx, network);
  const reverify = setInterval(() => {
    reverifyDueImports(ctx, reverifier).catch((error: unknown) => {
      process.stderr.write(`import re-verification failed: ${String(error)}\n`);
    });
  }, 3_600_000);
  reverify.unref();
  startup.started(async () => clearInterval(reverify));
  // On shutdown the server stops taking requests first (the parts behind it still run while
  // in-flight requests finish); registered last, it is stopped first.
  startup.started(closeBridge);
  route = withWebApp(handler, {
    config: localWebAppConfig(baseUrl),
    devTokensFile: tokensPath,
  });
  front = frontRouter({ oidc: oidc.listener, appConfig: appConfig(baseUrl) });

  const achievement = achievements.items[0];
  process.stdout.write(`
credstack is running at ${bridge.url}${firstStart ? ' (demo tenant seeded)' : ' (data kept from the last start)'}
  Web app       ${bridge.url}/ (demo users at ${bridge.url}/app/sign-in)
  API docs      ${bridge.url}/docs
  OpenAPI       ${bridge.url}/openapi.json
  bearer tokens .data/dev-tokens.json (one per demo role)
  sign-in       ${bridge.url}/oidc (development OpenID provider; app config at /app-config.json)

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
}

try {
  await start();
} catch (error) {
  // One line, no stack: a refusal says what to do; anything else says what failed.
  const message =
    error instanceof StartRefused
      ? error.message
      : `credstack did not start: ${(error instanceof Error ? error.message : String(error)).split('\n')[0]}`;
  await startup.fail(message);
}
