import { Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';
import { Metrics as PowertoolsMetrics } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EmfMetrics } from '#functions/emf-metrics.ts';
import { JsonLogger, type LineWriter } from '#functions/json-logger.ts';
import { observed } from '#functions/observability.ts';
import { METRICS, type MetricName, noteMetric } from '#shared/core/metrics.ts';

/**
 * The shapes operators rely on: the log line's keys, their order and the error serialisation
 * (log queries and metric filters read them), and the embedded-metric-format documents the
 * dashboards and alarms are built on. The logger and the EMF publisher replaced AWS Lambda
 * Powertools' utilities; the lines are checked against what those wrote for the same entries,
 * and against the documented EMF shape.
 */

const CONTEXT = {
  functionName: 'credstack-dev-api-issuance',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:credstack-dev-api-issuance',
  memoryLimitInMB: '512',
  awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
  getRemainingTimeInMillis: () => 10_000,
} as unknown as Context;

const TRACE_HEADER = 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1';

/** The environment of an on-demand Lambda function with tracing on. */
function lambdaEnvironment(): void {
  vi.stubEnv('AWS_LAMBDA_INITIALIZATION_TYPE', 'on-demand');
  vi.stubEnv('_X_AMZN_TRACE_ID', TRACE_HEADER);
}

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

/** The lines `work` writes to stdout and stderr, in order, each with its stream. */
function captured(work: () => void): { stream: string; line: string }[] {
  const written: { stream: string; line: string }[] = [];
  for (const stream of ['stdout', 'stderr'] as const)
    vi.spyOn(process[stream], 'write').mockImplementation((chunk: unknown) => {
      for (const line of String(chunk).split('\n').slice(0, -1)) written.push({ stream, line });
      return true;
    });
  try {
    work();
  } finally {
    vi.restoreAllMocks();
  }
  return written;
}

/** The same line whenever it was written. */
const untimed = (line: string) =>
  line
    .replace(/"timestamp":"[^"]+"/, '"timestamp":"T"')
    .replace(/"Timestamp":\d+/, '"Timestamp":0');

type LevelMethod = 'debug' | 'info' | 'warn' | 'error';

type Entry = readonly [LevelMethod, string, Record<string, unknown>];

/**
 * Entries covering what the service logs: plain fields, errors with causes, awkward values
 * (made once, so both loggers see the same errors and stacks).
 */
function sampleEntries(): Entry[] {
  const failure = Object.assign(
    new Error('the key could not be fetched', {
      cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
    }),
    { status: 503 },
  );
  const loop: Record<string, unknown> = { id: 'a' };
  loop.self = loop;
  return [
    [
      'info',
      'request',
      {
        method: 'POST',
        route: '/v1/credentials',
        status: 201,
        durationMs: 12.5,
        correlationId: 'c-1',
      },
    ],
    ['debug', 'not at the default level', { n: 1 }],
    ['warn', 'retrying', { attempt: 2, error: failure, correlationId: 'c-2' }],
    [
      'error',
      'request',
      {
        status: 500,
        error: { name: 'TypeError', message: 'x is undefined', cause: 'the store said no' },
      },
    ],
    [
      'info',
      'odd values',
      {
        big: 12345678901234567890n,
        when: new Date(Date.UTC(2026, 0, 2)),
        nested: { kept: null, dropped: undefined, list: [1, 'two', { three: 3 }] },
        emptyText: '',
        nothing: null,
        loop,
        causeText: new Error('plain', { cause: 'a string cause' }),
      },
    ],
    ['info', 'reserved keys are dropped', { service: 'other', level: 'x', kept: true }],
    ['info', '', { only: 'fields' }],
  ];
}

const ENTRIES = sampleEntries();

/** Writes {@link ENTRIES} through one logger or the other (both have the four level methods). */
function writeEntries(logger: Pick<JsonLogger | PowertoolsLogger, LevelMethod>): void {
  for (const [level, message, fields] of ENTRIES) logger[level](message, fields);
}

describe('a log line', () => {
  it('is what the Powertools logger wrote for the same entries, outside Lambda', () => {
    const reference = captured(() =>
      writeEntries(new PowertoolsLogger({ serviceName: 'credstack' })),
    );
    const lines = captured(() => writeEntries(new JsonLogger({ serviceName: 'credstack' })));

    expect(lines.length).toBeGreaterThan(5);
    expect(lines.map(({ stream, line }) => ({ stream, line: untimed(line) }))).toEqual(
      reference.map(({ stream, line }) => ({ stream, line: untimed(line) })),
    );
  });

  it('is what the Powertools logger wrote inside Lambda invocations, cold start first', () => {
    lambdaEnvironment();
    const reference = captured(() => {
      const logger = new PowertoolsLogger({ serviceName: 'credstack' });
      for (let invocation = 0; invocation < 2; invocation += 1) {
        logger.addContext(CONTEXT);
        writeEntries(logger);
      }
    });
    const lines = captured(() => {
      const logger = new JsonLogger({ serviceName: 'credstack' });
      for (let invocation = 0; invocation < 2; invocation += 1) {
        logger.startInvocation({}, CONTEXT);
        writeEntries(logger);
      }
    });

    expect(lines.map(({ stream, line }) => ({ stream, line: untimed(line) }))).toEqual(
      reference.map(({ stream, line }) => ({ stream, line: untimed(line) })),
    );
  });

  it('has the documented keys in their order, and the error with name, location, message, stack and cause', () => {
    lambdaEnvironment();
    const lines: { stream: string; entry: Record<string, unknown> }[] = [];
    const write: LineWriter = (stream, line) =>
      lines.push({ stream, entry: JSON.parse(line) as Record<string, unknown> });
    const logger = new JsonLogger({ serviceName: 'credstack', write });

    logger.startInvocation({}, CONTEXT);
    logger.info('request', { status: 200, correlationId: 'c-1' });
    logger.error('failed', { error: fetchFailure() });

    expect(lines.map(({ stream }) => stream)).toEqual(['stdout', 'stderr']);
    const [info, error] = lines.map(({ entry }) => entry);
    expect(Object.keys(info ?? {})).toEqual([
      'level',
      'message',
      'timestamp',
      'service',
      'cold_start',
      'function_arn',
      'function_memory_size',
      'function_name',
      'function_request_id',
      'sampling_rate',
      'xray_trace_id',
      'status',
      'correlationId',
    ]);
    expect(info).toMatchObject({
      level: 'INFO',
      service: 'credstack',
      cold_start: true,
      function_name: 'credstack-dev-api-issuance',
      function_memory_size: '512',
      sampling_rate: 0,
      xray_trace_id: '1-5759e988-bd862e3fe1be46a994272793',
    });
    expect(new Date(info?.timestamp as string).toISOString()).toBe(info?.timestamp);
    const serialised = error?.error as Record<string, unknown>;
    expect(Object.keys(serialised)).toEqual(['name', 'location', 'message', 'stack', 'cause']);
    expect(serialised.location).toMatch(/log-format\.test\.ts:\d+$/);
    expect(serialised.stack).toMatch(/^Error: fetch failed\n/);
    expect(serialised.cause).toMatchObject({ name: 'Error', message: 'ECONNREFUSED' });
  });

  it('is written for an error whose causes loop back to it', () => {
    const lines: string[] = [];
    const logger = new JsonLogger({
      serviceName: 'credstack',
      write: (_, line) => lines.push(line),
    });
    const first = new Error('first');
    const second = new Error('second', { cause: first });
    first.cause = second;

    logger.error('loop', { error: first });

    const entry = JSON.parse(lines[0] ?? '{}') as { error: Record<string, unknown> };
    expect(entry.error).toMatchObject({ message: 'first', cause: { message: 'second' } });
    expect((entry.error.cause as Record<string, unknown>).cause).toBeUndefined();
  });
});

describe('the log level', () => {
  const levels = (env: Record<string, string>) => {
    const written: string[] = [];
    const logger = new JsonLogger({
      serviceName: 'credstack',
      env,
      write: (_, line) => written.push((JSON.parse(line) as { level: string }).level),
    });
    logger.debug('d');
    logger.info('i');
    logger.warn('w');
    logger.error('e');
    return written;
  };

  it('is INFO by default, or what POWERTOOLS_LOG_LEVEL (or LOG_LEVEL) names', () => {
    expect(levels({})).toEqual(['INFO', 'WARN', 'ERROR']);
    expect(levels({ POWERTOOLS_LOG_LEVEL: 'DEBUG' })).toEqual(['DEBUG', 'INFO', 'WARN', 'ERROR']);
    expect(levels({ LOG_LEVEL: 'ERROR' })).toEqual(['ERROR']);
    expect(levels({ POWERTOOLS_LOG_LEVEL: 'SILENT' })).toEqual([]);
    expect(levels({ POWERTOOLS_LOG_LEVEL: 'LOUD' })).toEqual(['INFO', 'WARN', 'ERROR']);
  });

  it("follows Lambda's advanced logging controls over POWERTOOLS_LOG_LEVEL", () => {
    expect(levels({ AWS_LAMBDA_LOG_LEVEL: 'WARN', POWERTOOLS_LOG_LEVEL: 'DEBUG' })).toEqual([
      'WARN',
      'ERROR',
    ]);
    expect(levels({ AWS_LAMBDA_LOG_LEVEL: 'FATAL' })).toEqual([]);
  });

  it('drops to DEBUG for the sampled share of invocations', () => {
    const written: string[] = [];
    let draw = 0.9;
    const logger = new JsonLogger({
      serviceName: 'credstack',
      env: { POWERTOOLS_LOGGER_SAMPLE_RATE: '0.5' },
      write: (_, line) => written.push((JSON.parse(line) as { message: string }).message),
      random: () => draw,
    });
    logger.startInvocation({}, CONTEXT);
    logger.debug('first, not sampled');
    draw = 0.1;
    logger.startInvocation({}, CONTEXT);
    logger.debug('second, sampled');
    draw = 0.9;
    logger.startInvocation({}, CONTEXT);
    logger.debug('third, not sampled');

    expect(written).toEqual(['Setting log level to DEBUG due to sampling rate', 'second, sampled']);
  });
});

/** An error thrown in a named function, so its stack's first frame names this file. */
function fetchFailure(): Error {
  return new Error('fetch failed', { cause: new Error('ECONNREFUSED') });
}

/** EMF's documented units (CloudWatch MetricDatum). */
const EMF_UNITS = new Set([
  'Seconds',
  'Microseconds',
  'Milliseconds',
  'Bytes',
  'Kilobytes',
  'Megabytes',
  'Gigabytes',
  'Terabytes',
  'Bits',
  'Kilobits',
  'Megabits',
  'Gigabits',
  'Terabits',
  'Percent',
  'Count',
  'Bytes/Second',
  'Kilobytes/Second',
  'Megabytes/Second',
  'Gigabytes/Second',
  'Terabytes/Second',
  'Bits/Second',
  'Kilobits/Second',
  'Megabits/Second',
  'Gigabits/Second',
  'Terabits/Second',
  'Count/Second',
  'None',
]);

/**
 * Checks `doc` against the embedded metric format's specification: an `_aws` member with an
 * integer millisecond `Timestamp` and one or more directives, each a namespace, dimension sets
 * of at most 30 names that are members holding strings, and at most 100 metric definitions
 * whose names are members holding a number or an array of at most 100 numbers.
 */
function expectEmf(doc: Record<string, unknown>): void {
  const aws = doc._aws as {
    Timestamp: unknown;
    CloudWatchMetrics: { Namespace: unknown; Dimensions: unknown[][]; Metrics: object[] }[];
  };
  expect(Number.isInteger(aws.Timestamp)).toBe(true);
  expect(aws.CloudWatchMetrics.length).toBeGreaterThan(0);
  for (const directive of aws.CloudWatchMetrics) {
    expect(typeof directive.Namespace).toBe('string');
    expect((directive.Namespace as string).length).toBeGreaterThan(0);
    for (const set of directive.Dimensions) {
      expect(set.length).toBeLessThanOrEqual(30);
      for (const name of set) expect(typeof doc[name as string]).toBe('string');
    }
    expect(directive.Metrics.length).toBeLessThanOrEqual(100);
    for (const definition of directive.Metrics as { Name: string; Unit: string }[]) {
      expect(Object.keys(definition)).toEqual(['Name', 'Unit']);
      expect(EMF_UNITS.has(definition.Unit)).toBe(true);
      const value = doc[definition.Name];
      const values = Array.isArray(value) ? value : [value];
      expect(values.length).toBeLessThanOrEqual(100);
      for (const v of values) expect(Number.isFinite(v)).toBe(true);
    }
  }
}

describe('an EMF document', () => {
  const noted: [MetricName, number][] = [
    ['CredentialsIssued', 1],
    ['SearchLatency', 12.5],
    ['CredentialsIssued', 1],
    ['CredentialsVerified', 1],
    ['SearchLatency', 3.25],
  ];

  it('is what Powertools Metrics wrote for the same metrics, and of the documented shape', () => {
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
    const reference = captured(() => {
      const metrics = new PowertoolsMetrics({
        namespace: 'credstack/dev',
        serviceName: 'credstack',
      });
      for (const [name, value] of noted) metrics.addMetric(name, METRICS[name], value);
      metrics.publishStoredMetrics();
    });
    const lines = captured(() => {
      const invocation = new EmfMetrics({
        namespace: 'credstack/dev',
        serviceName: 'credstack',
      }).open();
      for (const [name, value] of noted) invocation.add(name, METRICS[name], value);
      invocation.publish();
    });

    expect(lines).toHaveLength(1);
    expect(lines.map(({ stream, line }) => ({ stream, line: untimed(line) }))).toEqual(
      reference.map(({ stream, line }) => ({ stream, line: untimed(line) })),
    );
    const doc = JSON.parse(lines[0]?.line ?? '{}') as Record<string, unknown>;
    expectEmf(doc);
    expect(doc).toMatchObject({
      _aws: {
        CloudWatchMetrics: [
          {
            Namespace: 'credstack/dev',
            Dimensions: [['service']],
            Metrics: [
              { Name: 'CredentialsIssued', Unit: 'Count' },
              { Name: 'SearchLatency', Unit: 'Milliseconds' },
              { Name: 'CredentialsVerified', Unit: 'Count' },
            ],
          },
        ],
      },
      service: 'credstack',
      CredentialsIssued: [1, 1],
      SearchLatency: [12.5, 3.25],
      CredentialsVerified: 1,
    });
  });

  it('is written early at 100 values of one metric, so CloudWatch never refuses one', () => {
    const docs: Record<string, unknown>[] = [];
    const invocation = new EmfMetrics({
      namespace: 'credstack/dev',
      serviceName: 'credstack',
      env: {},
      write: (line) => docs.push(JSON.parse(line) as Record<string, unknown>),
    }).open();

    for (let i = 0; i < 250; i += 1) invocation.add('CredentialsIssued', 'Count', 1);
    invocation.add('SearchLatency', 'Milliseconds', Number.NaN);
    invocation.publish();

    expect(docs.map((doc) => (doc.CredentialsIssued as number[]).length)).toEqual([100, 100, 50]);
    for (const doc of docs) expectEmf(doc);
    expect(docs.some((doc) => 'SearchLatency' in doc)).toBe(false);
  });

  it('is not written when POWERTOOLS_METRICS_DISABLED says so, or in POWERTOOLS_DEV unless enabled', () => {
    const disabled = (env: Record<string, string>) =>
      new EmfMetrics({ namespace: 'n', serviceName: 's', env }).disabled;

    expect(disabled({})).toBe(false);
    expect(disabled({ POWERTOOLS_METRICS_DISABLED: 'true' })).toBe(true);
    expect(disabled({ POWERTOOLS_METRICS_DISABLED: '1' })).toBe(true);
    expect(disabled({ POWERTOOLS_METRICS_DISABLED: 'false' })).toBe(false);
    expect(disabled({ POWERTOOLS_DEV: 'true' })).toBe(true);
    expect(disabled({ POWERTOOLS_DEV: 'true', POWERTOOLS_METRICS_DISABLED: 'no' })).toBe(false);

    const written: string[] = [];
    const invocation = new EmfMetrics({
      namespace: 'n',
      serviceName: 's',
      env: { POWERTOOLS_METRICS_DISABLED: 'true' },
      write: (line) => written.push(line),
    }).open();
    invocation.add('CredentialsIssued', 'Count', 1);
    invocation.publish();
    expect(written).toEqual([]);
  });

  it('of an invocation that failed or that middy stopped before its timeout is still written', async () => {
    const docs: Record<string, unknown>[] = [];
    const metrics = new EmfMetrics({
      namespace: 'credstack/dev',
      serviceName: 'credstack',
      env: {},
      write: (line) => docs.push(JSON.parse(line) as Record<string, unknown>),
    });
    const logger = new JsonLogger({ serviceName: 'credstack', write: () => {} });
    const failing = observed(
      async () => {
        noteMetric('CredentialsIssued');
        throw new Error('the store said no');
      },
      { logger, metrics },
    );
    const slow = observed(
      async () => {
        noteMetric('CredentialsVerified');
        await new Promise((resolve) => setTimeout(resolve, 200));
        noteMetric('CredentialsVerified');
      },
      { logger, metrics },
    );

    await expect(failing({}, CONTEXT)).rejects.toThrow('the store said no');
    // 30 ms left: middy gives up 5 ms before Lambda's timeout, while the work still waits.
    const nearTimeout = { ...CONTEXT, getRemainingTimeInMillis: () => 30 } as Context;
    await expect(slow({}, nearTimeout)).rejects.toThrow();

    expect(docs).toEqual([
      expect.objectContaining({ CredentialsIssued: 1 }),
      expect.objectContaining({ CredentialsVerified: 1 }),
    ]);
  });
});
