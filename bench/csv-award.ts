import { processBatch } from '#shared/domain/batches.ts';
import { benchIssuer, withLocalService } from './local-service.ts';
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
  // The rows time issuance; no verification worker threads are needed.
  return withLocalService({ name: 'csv', verification: 'in-process' }, async (service) => {
    const { ctx } = service.app;
    const { issuer, achievement, token } = await benchIssuer(service, {
      id: 'csv-college',
      name: 'CSV College',
    });
    const post = async (path: string, body: unknown) => {
      const response = await fetch(`${service.url}${path}`, {
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
  });
}
