import { processBatch } from '#shared/domain/batches.ts';
import { activeSigner } from '#shared/domain/issuers.ts';
import { benchIssuer, withLocalService } from './local-service.ts';

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
  return withLocalService({ name: 'issue' }, async (service) => {
    const { ctx } = service.app;
    const { issuer, achievement, token } = await benchIssuer(service, {
      id: 'bench-college',
      name: 'Bench College',
    });
    const issueOnce = async (i: number) => {
      const response = await fetch(`${service.url}/credentials/issue`, {
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

    const response = await fetch(`${service.url}/issuers/${issuer.id}/batches`, {
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
  });
}
