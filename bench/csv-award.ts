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
import { onboardIssuer } from '#shared/domain/issuers.ts';
import type { Principal } from '#shared/domain/principal.ts';
import { DEMO_ACHIEVEMENTS } from '../samples/demo-catalog.ts';
import type { BenchRow } from './measure.ts';

/**
 * A 1,000-row CSV award, from upload to the last credential — the console's path: the dry run
 * (`/batches/check`), the award (`/batches/csv`), then the job — next to the same 1,000
 * recipients posted straight to `/batches` as JSON, in the same run, on the local runtime
 * (HTTP bridge → middy handler → DynamoDB Local → local signer). The job runs in process
 * (concurrency 4), as the stream consumer runs it. The two alternate, each run twice, and
 * each reports its median.
 */

const ROWS = 1000;
const RUNS = 2;

export async function csvAwardRows(): Promise<BenchRow[]> {
  const dir = await mkdtemp(join(tmpdir(), 'credstack-bench-csv-'));
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
    const app = buildLocalApp({
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
      // The rows time issuance; no verification worker threads are needed.
      verification: 'in-process',
    });
    const { ctx } = app;
    route = app.handler;
    try {
      const admin: Principal = { subject: 'bench', roles: ['platform-admin'] };
      const issuer = await onboardIssuer(ctx, admin, { id: 'csv-college', name: 'CSV College' });
      const { id: _id, ...definition } = DEMO_ACHIEVEMENTS[0]!;
      const achievement = await createAchievement(ctx, admin, issuer.id, { definition });
      const token = await tokens.sign({
        sub: 'bench-admin',
        roles: ['issuer-admin'],
        issuerId: issuer.id,
      });
      const post = async (path: string, body: unknown) => {
        const response = await fetch(`${bridge.url}${path}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        const json = (await response.json()) as { id?: string; valid?: boolean };
        if (response.status >= 300)
          throw new Error(`${path} answered ${response.status}: ${JSON.stringify(json)}`);
        return json;
      };
      const finish = async (jobId: string) => {
        const done = await processBatch(ctx, jobId, { concurrency: 4 });
        if (done.issued !== ROWS) throw new Error(`batch issued ${done.issued} of ${ROWS}`);
      };
      const emails = (run: string) =>
        Array.from({ length: ROWS }, (_, i) => `grad${i}.${run}@mail.example`);

      const viaCsv = async (run: string) => {
        const file = Buffer.from(`email\n${emails(run).join('\n')}\n`).toString('base64');
        const start = performance.now();
        const check = await post(`/issuers/${issuer.id}/batches/check`, {
          achievementId: achievement.id,
          file,
        });
        if (check.valid !== true) throw new Error('the benchmark CSV did not check clean');
        const job = await post(`/issuers/${issuer.id}/batches/csv`, {
          achievementId: achievement.id,
          file,
        });
        await finish(job.id ?? '');
        return performance.now() - start;
      };
      const viaJson = async (run: string) => {
        const start = performance.now();
        const job = await post(`/issuers/${issuer.id}/batches`, {
          achievementId: achievement.id,
          recipients: emails(run).map((email) => ({ email })),
        });
        await finish(job.id ?? '');
        return performance.now() - start;
      };

      const csv: number[] = [];
      const json: number[] = [];
      for (let run = 0; run < RUNS; run += 1) {
        csv.push(await viaCsv(`c${run}`));
        json.push(await viaJson(`j${run}`));
      }
      const median = (values: number[]) => {
        const sorted = [...values].sort((a, b) => a - b);
        return sorted[Math.floor((sorted.length - 1) / 2)] ?? Number.NaN;
      };
      return [
        {
          metric: `CSV award of ${ROWS.toLocaleString('en-US')}: upload (check + batch) to last credential`,
          value: median(csv),
          baselineName: 'same batch posted straight to /batches (JSON)',
          baseline: median(json),
          unit: 'ms',
        },
      ];
    } finally {
      await app.close();
      await bridge.close();
    }
  } finally {
    client.destroy();
    await db.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
