import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocument } from '@aws-sdk/lib-dynamodb';
import { createLocalJWKSet } from 'jose';
import type { HttpLambdaHandler } from '#functions/http/router.ts';
import { buildLocalApp } from '#local/app.ts';
import { loadOrCreateDevIssuer } from '#local/dev-tokens.ts';
import { ensureTable, startDynamoDbLocal } from '#local/dynamodb-local.ts';
import { startHttpBridge } from '#local/http-bridge.ts';
import { StaticFetcher } from '#shared/adapters/https/static-fetcher.ts';
import { LocalKeyVault } from '#shared/adapters/key-files/local-key-vault.ts';
import { createJwtTokenVerifier } from '#shared/adapters/oidc/token-verifier.ts';
import { systemClock } from '#shared/core/clock.ts';
import { createAchievement } from '#shared/domain/achievements.ts';
import { processBatch } from '#shared/domain/batches.ts';
import { activeSigner, onboardIssuer } from '#shared/domain/issuers.ts';
import type { Principal } from '#shared/domain/principal.ts';
import { DEMO_ACHIEVEMENTS } from '../samples/demo-catalog.ts';

/**
 * Issuance through the local runtime (HTTP bridge → middy handler → DynamoDB Local → local
 * signer), next to the local signer's own latency and rate in the same run: the share of
 * time outside signing is what later work drives down.
 */

export interface IssuanceFigures {
  readonly singleP50Ms: number;
  readonly singleP99Ms: number;
  readonly signP50Ms: number;
  readonly signP99Ms: number;
  readonly batchPerSecond: number;
  readonly signPerSecond: number;
  readonly batchSize: number;
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

export async function measureIssuance(
  options: { singles?: number; batchSize?: number } = {},
): Promise<IssuanceFigures> {
  const singles = options.singles ?? 200;
  const batchSize = options.batchSize ?? 500;
  const dir = await mkdtemp(join(tmpdir(), 'credstack-bench-issue-'));
  const db = await startDynamoDbLocal();
  const client = new DynamoDBClient(db.clientConfig);
  try {
    const documents = DynamoDBDocument.from(client, {
      marshallOptions: { removeUndefinedValues: true },
    });
    await ensureTable(client, 'bench');
    const tokens = await loadOrCreateDevIssuer(dir);
    let route: HttpLambdaHandler | undefined;
    const bridge = await startHttpBridge({
      port: 0,
      handler: (event) => {
        if (!route) throw new Error('the service is still starting');
        return route(event);
      },
    });
    const { ctx, handler } = buildLocalApp({
      documents,
      tableName: 'bench',
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
    });
    route = handler;
    try {
      const admin: Principal = { subject: 'bench', roles: ['platform-admin'] };
      const issuer = await onboardIssuer(ctx, admin, {
        id: 'bench-college',
        name: 'Bench College',
      });
      const { id: _id, ...definition } = DEMO_ACHIEVEMENTS[0]!;
      const achievement = await createAchievement(ctx, admin, issuer.id, { definition });
      const token = await tokens.sign({
        sub: 'bench-admin',
        roles: ['issuer-admin'],
        issuerId: issuer.id,
      });
      const issueOnce = async (i: number) => {
        const response = await fetch(`${bridge.url}/credentials/issue`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({
            credential: {
              issuer: issuer.id,
              credentialSubject: {
                email: `learner${i}@mail.example`,
                achievement: { id: achievement.id },
              },
            },
          }),
        });
        if (response.status !== 201)
          throw new Error(`issue answered ${response.status}: ${await response.text()}`);
        await response.arrayBuffer();
      };
      for (let i = 0; i < 20; i += 1) await issueOnce(i);
      const latencies: number[] = [];
      for (let i = 0; i < singles; i += 1) {
        const start = performance.now();
        await issueOnce(1000 + i);
        latencies.push(performance.now() - start);
      }

      const { signer } = await activeSigner(ctx, (await ctx.issuers.get(issuer.id))!, 'ES256');
      const input = new TextEncoder().encode('x'.repeat(3400));
      const signLatencies: number[] = [];
      for (let i = 0; i < singles; i += 1) {
        const start = performance.now();
        await signer.sign(input);
        signLatencies.push(performance.now() - start);
      }
      const signStart = performance.now();
      for (let i = 0; i < batchSize; i += 1) await signer.sign(input);
      const signPerSecond = (batchSize / (performance.now() - signStart)) * 1000;

      const response = await fetch(`${bridge.url}/issuers/${issuer.id}/batches`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          achievementId: achievement.id,
          recipients: Array.from({ length: batchSize }, (_, i) => ({
            email: `grad${i}@mail.example`,
          })),
        }),
      });
      const job = (await response.json()) as { id: string };
      const batchStart = performance.now();
      const done = await processBatch(ctx, job.id, { concurrency: 4 });
      const batchPerSecond = (done.issued / (performance.now() - batchStart)) * 1000;
      if (done.issued !== batchSize) throw new Error(`batch issued ${done.issued} of ${batchSize}`);
      return {
        singleP50Ms: percentile(latencies, 50),
        singleP99Ms: percentile(latencies, 99),
        signP50Ms: percentile(signLatencies, 50),
        signP99Ms: percentile(signLatencies, 99),
        batchPerSecond,
        signPerSecond,
        batchSize,
      };
    } finally {
      await bridge.close();
    }
  } finally {
    client.destroy();
    await db.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
