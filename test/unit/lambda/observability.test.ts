import type { Context } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EmfMetrics } from '#functions/emf-metrics.ts';
import { JsonLogger } from '#functions/json-logger.ts';
import {
  measuredSearchIndex,
  type Observability,
  observed,
  structuredLogger,
} from '#functions/observability.ts';
import { serviceVerifier } from '#functions/service-context.ts';
import { StaticFetcher } from '#shared/adapters/https/static-fetcher.ts';
import { importCredential } from '#shared/domain/imports.ts';
import { issueCredential } from '#shared/domain/issuance.ts';
import { reevaluateLearner } from '#shared/domain/pathway-awards.ts';
import { publishPathway, savePathway } from '#shared/domain/pathways.ts';
import type { Principal } from '#shared/domain/principal.ts';
import { EmbeddedSearchIndex } from '#shared/search/embedded/embedded-search-index.ts';
import { ADMIN, memoryService, seedIssuer, useVaultDir } from '#test/support/memory-service.ts';

/**
 * What the functions write to stdout: log entries (one JSON line each) and the invocation's
 * metrics as one line of CloudWatch's embedded metric format.
 */

const vaultDir = useVaultDir();
let issuers = 0;

/**
 * Every line written to stdout or stderr while `work` runs, parsed, in order, with its stream
 * (debug and info go to stdout, warnings and errors to stderr).
 */
async function outputLines(
  work: () => Promise<unknown>,
): Promise<(Record<string, unknown> & { stream?: string })[]> {
  const written: { stream: string; text: string }[] = [];
  const spies = (['stdout', 'stderr'] as const).map((stream) =>
    vi.spyOn(process[stream], 'write').mockImplementation((chunk: unknown) => {
      written.push({ stream, text: String(chunk) });
      return true;
    }),
  );
  try {
    await work();
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
  return written.flatMap(({ stream, text }) => {
    // One entry, one line: every write is a whole line of JSON.
    expect(text.endsWith('\n')).toBe(true);
    return text
      .trimEnd()
      .split('\n')
      .map((line) => ({ ...(JSON.parse(line) as Record<string, unknown>), stream }));
  });
}

/** The lines of stdout alone. */
async function stdoutLines(work: () => Promise<unknown>): Promise<Record<string, unknown>[]> {
  return (await outputLines(work))
    .filter((line) => line.stream === 'stdout')
    .map(({ stream: _, ...line }) => line);
}

const LAMBDA_CONTEXT = {
  functionName: 'credstack-dev-batch-jobs',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:credstack-dev-batch-jobs',
  memoryLimitInMB: '512',
  awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
  getRemainingTimeInMillis: () => 10_000,
} as unknown as Context;

/** A logger and metrics with metrics on (the tests' environment turns them off). */
function enabledObservability(): Observability {
  vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
  return {
    logger: new JsonLogger({ serviceName: 'credstack' }),
    metrics: new EmfMetrics({ namespace: 'credstack/test', serviceName: 'credstack' }),
  };
}

/** The EMF line among `lines`, checked for its envelope; its metrics by name, with units. */
function emf(lines: readonly Record<string, unknown>[]) {
  const metricLines = lines.filter((line) => '_aws' in line);
  expect(metricLines).toHaveLength(1);
  const line = metricLines[0] as Record<string, unknown> & {
    _aws: {
      Timestamp: number;
      CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: object[] }[];
    };
  };
  const directive = line._aws.CloudWatchMetrics[0];
  if (directive === undefined) throw new Error('an EMF line names its metrics');
  expect(typeof line._aws.Timestamp).toBe('number');
  expect(directive.Namespace).toBe('credstack/test');
  expect(directive.Dimensions).toEqual([['service']]);
  expect(line.service).toBe('credstack');
  const units = Object.fromEntries(
    (directive.Metrics as { Name: string; Unit: string }[]).map((m) => [m.Name, m.Unit]),
  );
  return { line, units };
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('log entries', () => {
  it('are one JSON line each, with level, message, service, correlation id and the error with its cause', async () => {
    const logger = structuredLogger(new JsonLogger({ serviceName: 'credstack' }));

    const lines = await outputLines(async () => {
      logger.log({ level: 'info', message: 'request', status: 200, correlationId: 'c-1' });
      logger.log({
        level: 'warn',
        message: 'the key could not be fetched',
        correlationId: 'c-2',
        error: new Error('fetch failed', { cause: new Error('ECONNREFUSED') }),
      });
      logger.log({ message: 'no level given' });
    });

    expect(lines).toHaveLength(3);
    expect(lines.map((line) => line.stream)).toEqual(['stdout', 'stderr', 'stdout']);
    expect(lines[0]).toMatchObject({
      level: 'INFO',
      message: 'request',
      service: 'credstack',
      status: 200,
      correlationId: 'c-1',
    });
    expect(typeof lines[0]?.timestamp).toBe('string');
    expect(lines[1]).toMatchObject({
      level: 'WARN',
      correlationId: 'c-2',
      error: { name: 'Error', message: 'fetch failed', cause: { message: 'ECONNREFUSED' } },
    });
    expect(lines[2]).toMatchObject({ level: 'INFO', message: 'no level given' });
  });

  it("carry the Lambda function's context inside an observed invocation", async () => {
    const observability = enabledObservability();
    const logger = structuredLogger(observability.logger);
    const handler = observed(async (_event: unknown) => {
      logger.log({ level: 'info', message: 'inside' });
      return 'done';
    }, observability);

    let result: unknown;
    const lines = await stdoutLines(async () => {
      result = await handler({}, LAMBDA_CONTEXT);
    });

    expect(result).toBe('done');
    expect(lines).toEqual([
      expect.objectContaining({
        message: 'inside',
        function_name: 'credstack-dev-batch-jobs',
        function_request_id: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
        function_memory_size: '512',
        cold_start: expect.any(Boolean),
      }),
    ]);
  });
});

describe('metrics of an observed invocation', () => {
  async function pathwayService() {
    const ctx = memoryService(vaultDir());
    issuers += 1;
    const issuerId = `metrics-${issuers}`;
    const ids = (await seedIssuer(ctx, issuerId, ['A', 'B'])) as Record<'A' | 'B', string>;
    const issue = async (achievementId: string, learnerId: string) =>
      (
        await issueCredential(ctx, ADMIN, {
          issuerId,
          achievementId,
          recipient: { id: `did:example:${learnerId}` },
          learnerId,
        })
      ).record;
    return { ctx, ids, issuerId, issue };
  }

  it('counts issuances as one EMF line, published when the invocation ends', async () => {
    const { ids, issue } = await pathwayService();
    const handler = observed(async () => {
      await issue(ids.A, 'ada');
      await issue(ids.B, 'ada');
    }, enabledObservability());

    const { line, units } = emf(await stdoutLines(() => handler({})));

    expect(units).toEqual({ CredentialsIssued: 'Count' });
    expect(line.CredentialsIssued).toEqual([1, 1]);
  });

  it('counts verifications by verdict and imports', async () => {
    const { ctx, ids, issue } = await pathwayService();
    const record = await issue(ids.A, 'ada');
    const verifier = serviceVerifier(ctx, new StaticFetcher({}));
    const ada: Principal = {
      subject: 'ada',
      roles: ['learner'],
      learnerId: 'ada',
      dids: ['did:example:ada'],
    };
    const handler = observed(async () => {
      await verifier.verify('not a credential');
      await importCredential(ctx, { verifier }, ada, 'ada', { credential: record.signed });
    }, enabledObservability());

    const { line, units } = emf(await stdoutLines(() => handler({})));

    expect(units).toEqual({
      CredentialsNotVerified: 'Count',
      CredentialsVerified: 'Count',
      CredentialsImported: 'Count',
    });
    expect(line).toMatchObject({
      CredentialsNotVerified: 1,
      CredentialsVerified: 1,
      CredentialsImported: 1,
    });
  });

  it('counts pathway awards and the credential each one issues', async () => {
    const { ctx, ids, issuerId, issue } = await pathwayService();
    await savePathway(ctx, ADMIN, issuerId, {
      format: 'credstack-pathway/1',
      version: 1,
      id: 'foundations',
      name: 'Foundations',
      root: { allOf: [{ achievement: ids.A }, { achievement: ids.B }] },
    });
    await publishPathway(ctx, ADMIN, issuerId, 'foundations', 1);
    await issue(ids.A, 'ada');
    await issue(ids.B, 'ada');
    const handler = observed(() => reevaluateLearner(ctx, 'ada'), enabledObservability());

    const { line, units } = emf(await stdoutLines(() => handler({})));

    expect(units).toEqual({ CredentialsIssued: 'Count', PathwayAwardsGranted: 'Count' });
    expect(line).toMatchObject({ CredentialsIssued: 1, PathwayAwardsGranted: 1 });
  });

  it('times each search in milliseconds, and writes nothing for an invocation with no metric', async () => {
    let clock = 100;
    const index = measuredSearchIndex(new EmbeddedSearchIndex(), () => {
      clock += 12.5;
      return clock;
    });
    const observability = enabledObservability();
    const search = observed(
      () =>
        index.search({
          tenantId: 'default',
          employerId: 'acme',
          now: '2026-06-01T00:00:00.000Z',
          mustHave: [],
          niceToHave: [],
          filter: {},
          sort: 'relevance',
          size: 10,
          facets: false,
        }),
      observability,
    );
    const idle = observed(async () => 'nothing measured', observability);

    const { line, units } = emf(await stdoutLines(() => search({})));
    const quiet = await outputLines(() => idle({}));

    expect(units).toEqual({ SearchLatency: 'Milliseconds' });
    expect(line.SearchLatency).toBe(12.5);
    expect(quiet).toEqual([]);
  });
});
