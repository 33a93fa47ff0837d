import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocument } from '@aws-sdk/lib-dynamodb';
import { createLocalJWKSet } from 'jose';
import type { HttpLambdaHandler } from '#functions/http/router.ts';
import { buildLocalApp, type LocalApp, type LocalVerification } from '#local/app.ts';
import { type DevIssuer, loadOrCreateDevIssuer } from '#local/dev-tokens.ts';
import {
  type DynamoDbLocal,
  ensureTable,
  localLiteOptions,
  startDynamoDbLocal,
} from '#local/dynamodb-local.ts';
import { startHttpBridge } from '#local/http-bridge.ts';
import { StaticFetcher } from '#shared/adapters/https/static-fetcher.ts';
import { LocalKeyVault } from '#shared/adapters/key-files/local-key-vault.ts';
import { createJwtTokenVerifier } from '#shared/adapters/oidc/token-verifier.ts';
import { systemClock } from '#shared/core/clock.ts';
import { type AchievementView, createAchievement } from '#shared/domain/achievements.ts';
import { type IssuerView, onboardIssuer } from '#shared/domain/issuers.ts';
import type { Principal } from '#shared/domain/principal.ts';
import { DEMO_ACHIEVEMENTS } from '../samples/demo-catalog.ts';

/**
 * The local service a benchmark measures through: DynamoDB Local, one table, the HTTP bridge on
 * a free port and `buildLocalApp` behind it (HTTP bridge → middy handler → DynamoDB Local →
 * local signer), with the development token issuer's keys and the signing keys in a temporary
 * folder. The issuance, batch, CSV award and HTTP verification benches share it, so what they
 * time is the same wiring `npm start` runs; each keeps its own workload.
 */

export const BENCH_TABLE = 'bench';
const ADMIN: Principal = { subject: 'bench', roles: ['platform-admin'] };

export interface LocalService {
  /** The HTTP bridge's base URL. */
  readonly url: string;
  readonly app: LocalApp;
  readonly db: DynamoDbLocal;
  readonly documents: DynamoDBDocument;
  readonly tableName: string;
  /** Signs bearer tokens the service accepts (the development token issuer). */
  readonly tokens: DevIssuer;
}

/**
 * Runs `use` against a fresh local service and takes it all down after (app, bridge, DynamoDB
 * Local, the temporary folder), whether `use` returns or throws.
 *
 * @example
 * const rows = await withLocalService({ name: 'csv', verification: 'in-process' }, async (s) => …);
 */
export async function withLocalService<T>(
  options: {
    /** Names the temporary folder (`credstack-bench-<name>-…`). */
    readonly name: string;
    /** How the app verifies; default: `buildLocalApp`'s, the worker pool `npm start` runs. */
    readonly verification?: LocalVerification;
  },
  use: (service: LocalService) => Promise<T>,
): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), `credstack-bench-${options.name}-`));
  const db = await startDynamoDbLocal();
  const client = new DynamoDBClient(db.clientConfig);
  try {
    const documents = DynamoDBDocument.from(client, {
      marshallOptions: { removeUndefinedValues: true },
    });
    await ensureTable(client, BENCH_TABLE);
    const tokens = await loadOrCreateDevIssuer(dir);
    // The bridge must listen before the app is built (the app's base URL is the bridge's);
    // requests before then are refused in words.
    let route: HttpLambdaHandler | undefined;
    const bridge = await startHttpBridge({
      port: 0,
      handler: (event) => {
        if (!route) throw new Error('the service is still starting');
        return route(event);
      },
    });
    try {
      const app = buildLocalApp({
        documents,
        tableName: BENCH_TABLE,
        vault: new LocalKeyVault({ dir: join(dir, 'keys') }),
        baseUrl: bridge.url,
        clock: systemClock,
        tokenVerifier: createJwtTokenVerifier({
          issuer: tokens.issuer,
          audience: tokens.audience,
          jwks: createLocalJWKSet(tokens.jwks),
        }),
        network: new StaticFetcher({}),
        health: async () => ({ ok: true }),
        logger: { log: () => {} },
        workerTable: localLiteOptions(db.endpoint),
        ...(options.verification ? { verification: options.verification } : {}),
      });
      route = app.handler;
      try {
        return await use({ url: bridge.url, app, db, documents, tableName: BENCH_TABLE, tokens });
      } finally {
        await app.close();
      }
    } finally {
      await bridge.close();
    }
  } finally {
    client.destroy();
    await db.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

export interface BenchIssuer {
  readonly issuer: IssuerView;
  /** The first demo achievement, created under the issuer. */
  readonly achievement: AchievementView;
  /** A bearer token of an issuer admin of this issuer. */
  readonly token: string;
}

/**
 * An issuer onboarded on the service with one achievement (the first of the demo catalogue)
 * and an issuer admin's token for it: what every issuing bench starts from.
 */
export async function benchIssuer(
  service: LocalService,
  issuer: { readonly id: string; readonly name: string },
): Promise<BenchIssuer> {
  const { ctx } = service.app;
  const record = await onboardIssuer(ctx, ADMIN, issuer);
  const { id: _id, ...definition } = DEMO_ACHIEVEMENTS[0]!;
  const achievement = await createAchievement(ctx, ADMIN, record.id, { definition });
  const token = await service.tokens.sign({
    sub: 'bench-admin',
    roles: ['issuer-admin'],
    issuerId: record.id,
  });
  return { issuer: record, achievement, token };
}
