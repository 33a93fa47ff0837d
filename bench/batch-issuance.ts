import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocument } from '@aws-sdk/lib-dynamodb';
import { createLocalJWKSet } from 'jose';
import type { HttpLambdaHandler } from '#functions/http/router.ts';
import { batchJobsHandler } from '#functions/streams/batch-jobs.ts';
import { buildLocalApp } from '#local/app.ts';
import { loadOrCreateDevIssuer } from '#local/dev-tokens.ts';
import { ensureTable, startDynamoDbLocal } from '#local/dynamodb-local.ts';
import { startHttpBridge } from '#local/http-bridge.ts';
import { startStreamPoller } from '#local/stream-poller.ts';
import { batchGetAll } from '#shared/adapters/dynamodb/batch-write.ts';
import { StaticFetcher } from '#shared/adapters/https/static-fetcher.ts';
import { LocalKeyVault } from '#shared/adapters/key-files/local-key-vault.ts';
import { createJwtTokenVerifier } from '#shared/adapters/oidc/token-verifier.ts';
import { systemClock } from '#shared/core/clock.ts';
import { createAchievement } from '#shared/domain/achievements.ts';
import { processBatch } from '#shared/domain/batches.ts';
import { onboardIssuer } from '#shared/domain/issuers.ts';
import type { BatchRecipientRecord } from '#shared/domain/ports/repositories.ts';
import type { Principal } from '#shared/domain/principal.ts';
import { DEMO_ACHIEVEMENTS } from '../samples/demo-catalog.ts';
import type { BenchRow } from './measure.ts';

/**
 * Batch issuance against the floor DynamoDB Local sets for it: the raw rate of BatchWriteItem
 * (25 items a request, `CONCURRENCY` requests in flight, as the batch run's `CONCURRENCY`
 * workers) for items copied from the credentials the batch itself stored (same attributes,
 * same size, same index keys), on the same DynamoDB Local in the same run, alternating.
 *
 * 1. A batch of `BATCH` recipients run by `processBatch`, as the stream consumer runs it.
 * 2. A batch of 10,000 through the path the service uses: posted to `/issuers/{id}/batches`,
 *    its job item's INSERT read from the table's stream by the local stream poller and handed
 *    to the batch-jobs consumer (alone on the poller, as in AWS where each consumer has its own
 *    function), its progress sampled through `GET /batches/{jobId}` as a user would see it.
 *
 * Every batch is checked after its clock stops: every recipient issued with its own
 * credential, every credential stored, no status index given twice, a sample verified
 * through `POST /credentials/verify`. Caches: the issuer's signing key is a file read by the
 * local vault; the status list pointer and order are cached per process after the first run
 * (warm, as in a running service).
 */

const CONCURRENCY = 4;
const BATCH = Number(process.env.BENCH_BATCH_SIZE ?? 5000);
const ROUNDS = Number(process.env.BENCH_BATCH_ROUNDS ?? 3);
const STREAM_BATCH = Number(process.env.BENCH_STREAM_BATCH ?? 10_000);

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
};

export async function batchIssuanceRows(): Promise<BenchRow[]> {
  const dir = await mkdtemp(join(tmpdir(), 'credstack-bench-batch-'));
  const db = await startDynamoDbLocal();
  const client = new DynamoDBClient(db.clientConfig);
  const table = 'bench';
  try {
    const documents = DynamoDBDocument.from(client, {
      marshallOptions: { removeUndefinedValues: true },
    });
    await ensureTable(client, table);
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
      tableName: table,
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
      verification: 'in-process',
    });
    const { ctx } = app;
    route = app.handler;
    try {
      const admin: Principal = { subject: 'bench', roles: ['platform-admin'] };
      const issuer = await onboardIssuer(ctx, admin, {
        id: 'batch-college',
        name: 'Batch College',
      });
      const { id: _id, ...definition } = DEMO_ACHIEVEMENTS[0]!;
      const achievement = await createAchievement(ctx, admin, issuer.id, { definition });
      const token = await tokens.sign({
        sub: 'bench-admin',
        roles: ['issuer-admin'],
        issuerId: issuer.id,
      });
      const api = async (method: string, path: string, body?: unknown) => {
        const response = await fetch(`${bridge.url}${path}`, {
          method,
          headers: {
            authorization: `Bearer ${token}`,
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
        const json = (await response.json()) as Record<string, unknown>;
        if (response.status >= 300)
          throw new Error(`${method} ${path} answered ${response.status}: ${JSON.stringify(json)}`);
        return json;
      };
      const queue = async (size: number, run: string) => {
        const job = await api('POST', `/issuers/${issuer.id}/batches`, {
          achievementId: achievement.id,
          recipients: Array.from({ length: size }, (_, i) => ({
            email: `grad${i}.${run}@mail.example`,
          })),
        });
        return String(job.id);
      };

      /** The batch's result, checked whole: what a user would be handed. */
      const stored = new Set<string>();
      const check = async (jobId: string, size: number) => {
        const job = await ctx.batchJobs.get(jobId);
        if (job?.state !== 'done' || job.issued !== size || job.failed !== 0)
          throw new Error(`batch ${jobId} ended ${JSON.stringify(job)}, not ${size} issued`);
        const recipients: BatchRecipientRecord[] = [];
        let cursor: string | undefined;
        do {
          const page = await ctx.batchJobs.recipients(jobId, cursor);
          recipients.push(...page.items);
          cursor = page.cursor;
        } while (cursor !== undefined);
        const ids = recipients.map((r) => r.credentialId ?? '');
        if (recipients.some((r) => r.state !== 'issued') || new Set(ids).size !== size)
          throw new Error(`batch ${jobId}: not every recipient issued a credential of its own`);
        const items = await batchGetAll(
          documents,
          table,
          ids.map((id) => ({ PK: `CRED#${id}`, SK: 'CRED' })),
        );
        if (items.length !== size) throw new Error(`batch ${jobId}: ${items.length} stored`);
        for (const item of items) {
          const { listId, index } = item.status as { listId: string; index: number };
          const entry = `${listId}/${index}`;
          if (stored.has(entry)) throw new Error(`status index ${entry} given twice`);
          stored.add(entry);
        }
        for (const item of items.filter((_, n) => n % Math.ceil(size / 5) === 0)) {
          const report = await api('POST', '/credentials/verify', {
            verifiableCredential: item.signed,
          });
          if (report.verified !== true)
            throw new Error(`a batch credential did not verify: ${JSON.stringify(report)}`);
        }
        return items;
      };

      // Warm-up (untimed): the status list is opened, keys and modules loaded; its stored
      // credential items are the model of the baseline's items.
      const warmId = await queue(200, 'warm');
      await processBatch(ctx, warmId, { concurrency: CONCURRENCY });
      const models = await check(warmId, 200);
      const itemBytes = Math.round(
        models.reduce((sum, item) => sum + JSON.stringify(item).length, 0) / models.length,
      );
      let copies = 0;
      /** `count` items like stored credentials, BatchWriteItem 25 at a time, CONCURRENCY at once. */
      const rawBatchWrites = async (count: number) => {
        const start = performance.now();
        let next = 0;
        await Promise.all(
          Array.from({ length: CONCURRENCY }, async () => {
            while (next < count) {
              const size = Math.min(25, count - next);
              next += size;
              const requests = Array.from({ length: size }, () => {
                const model = models[copies % models.length] as Record<string, unknown>;
                copies += 1;
                const id = `urn:uuid:00000000-0000-4000-8000-${copies.toString().padStart(12, '0')}`;
                return {
                  PutRequest: {
                    Item: { ...model, PK: `CRED#${id}`, id, GSI1SK: `${model.issuedAt}#${id}` },
                  },
                };
              });
              const result = await documents.send(
                new BatchWriteCommand({ RequestItems: { [table]: requests } }),
              );
              if (Object.keys(result.UnprocessedItems ?? {}).length > 0)
                throw new Error('DynamoDB Local left items unprocessed in the baseline');
            }
          }),
        );
        return performance.now() - start;
      };

      const batchRates: number[] = [];
      const rawRates: number[] = [];
      // Each round brackets the batch between two halves of its baseline, so load from
      // elsewhere on the machine falls on both sides alike.
      for (let round = 0; round < ROUNDS; round += 1) {
        const jobId = await queue(BATCH, `r${round}`);
        const before = await rawBatchWrites(BATCH / 2);
        const start = performance.now();
        await processBatch(ctx, jobId, { concurrency: CONCURRENCY });
        batchRates.push((BATCH / (performance.now() - start)) * 1000);
        const after = await rawBatchWrites(BATCH / 2);
        rawRates.push((BATCH / (before + after)) * 1000);
        await check(jobId, BATCH);
      }
      // On a shared machine a round's two sides move together: the row gives the round whose
      // ratio is the median, so the figure and its baseline are from the same moment.
      const ratios = batchRates.map((rate, n) => rate / (rawRates[n] as number));
      const middle = ratios.indexOf(median(ratios.length % 2 ? ratios : ratios.slice(1)));
      process.stdout.write(
        `batch issuance: ${BATCH} recipients × ${ROUNDS} rounds, concurrency ${CONCURRENCY}; per round (credentials/s vs BatchWriteItem items/s of ${itemBytes} B items): ${batchRates.map((rate, n) => `${rate.toFixed(0)} vs ${(rawRates[n] as number).toFixed(0)} (${((ratios[n] as number) * 100).toFixed(0)}%)`).join(', ')}\n`,
      );

      // Through the stream consumer, as the service runs it.
      const poller = await startStreamPoller({
        clientConfig: db.clientConfig,
        tableName: table,
        handler: batchJobsHandler(ctx, { concurrency: CONCURRENCY }),
        intervalMs: 50,
      });
      let streamRate: number;
      let endToEnd: number;
      // The baseline brackets this run too: half of it before the POST, half after done.
      const rawBefore = await rawBatchWrites(STREAM_BATCH / 2);
      try {
        const posted = performance.now();
        const jobId = await queue(STREAM_BATCH, 'stream');
        const answered = performance.now();
        const samples: string[] = [];
        let job: { state?: string; issued?: number; failed?: number } = {};
        const deadline = posted + 15 * 60_000;
        while (job.state !== 'done') {
          if (performance.now() > deadline) throw new Error('the 10,000 batch did not finish');
          // A user's page polling once a second (each poll reads the job and a page of 1,000).
          await new Promise((resolve) => setTimeout(resolve, 1000));
          job = (await api('GET', `/batches/${jobId}`)).job as typeof job;
          samples.push(
            `${((performance.now() - answered) / 1000).toFixed(1)} s: ${job.state}, ${job.issued} issued, ${job.failed} failed`,
          );
        }
        const done = performance.now();
        streamRate = (STREAM_BATCH / (done - answered)) * 1000;
        endToEnd = (STREAM_BATCH / (done - posted)) * 1000;
        const shown = samples.filter(
          (_, n) =>
            n % Math.max(1, Math.ceil(samples.length / 8)) === 0 || n === samples.length - 1,
        );
        process.stdout.write(
          `${STREAM_BATCH} recipients: POST /batches answered 202 in ${((answered - posted) / 1000).toFixed(1)} s; progress from GET /batches/${jobId} after that:\n${shown.map((line) => `  ${line}`).join('\n')}\n`,
        );
        await check(jobId, STREAM_BATCH);
      } finally {
        await poller.stop();
      }
      const streamRaw =
        (STREAM_BATCH / (rawBefore + (await rawBatchWrites(STREAM_BATCH / 2)))) * 1000;
      process.stdout.write(
        `${STREAM_BATCH} batch: ${streamRate.toFixed(0)} credentials/s from the 202 to done (${endToEnd.toFixed(0)}/s counting the POST); BatchWriteItem around it: ${streamRaw.toFixed(0)} items/s\n`,
      );
      return [
        {
          metric: `batch issuance, ${BATCH} recipients, processBatch, concurrency ${CONCURRENCY} (round of median ratio of ${ROUNDS}; warm status list pointer and key, results checked)`,
          value: batchRates[middle] as number,
          baselineName: `DynamoDB Local BatchWriteItem, ${itemBytes} B credential items, 25/request, ${CONCURRENCY} in flight, bracketing each round`,
          baseline: rawRates[middle] as number,
          target: '≥ 50%',
        },
        {
          metric: `batch of ${STREAM_BATCH.toLocaleString('en-US')} via POST /batches → table stream → batch-jobs consumer, 202 to done as GET /batches shows`,
          value: streamRate,
          baselineName: `DynamoDB Local BatchWriteItem, same items, ${CONCURRENCY} in flight, half before and half after`,
          baseline: streamRaw,
          target: 'finishes, progress reported',
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
