import middy, { type MiddlewareObj } from '@middy/core';
import type { Context as LambdaContext } from 'aws-lambda';
import { noteMetric, withMetrics } from '#shared/core/metrics.ts';
import type { Verifier } from '#shared/credentials/verify/verifier.ts';
import type { SearchIndex } from '#shared/domain/ports/search-index.ts';
import { loadObservabilityConfig, type ObservabilityConfig } from './config.ts';
import { type EmfInvocation, EmfMetrics } from './emf-metrics.ts';
import { JsonLogger } from './json-logger.ts';

/**
 * Logging and metrics of every handler and consumer: one structured logger per process
 * ({@link JsonLogger}: one JSON line per entry, with the service name and, in Lambda, the
 * function's context and cold start) and business metrics in CloudWatch's embedded metric
 * format ({@link EmfMetrics}), published once per invocation. Both write what the AWS Lambda
 * Powertools logger and metrics wrote before, from small modules of our own (~5 KB at start
 * where Powertools' took ~34 KB). The HTTP layer, the stream consumers and the use
 * cases see only two small ports — {@link Logger} here and the metric scope of
 * shared/core/metrics.ts — so tests capture entries and metrics without a backend.
 */

/** Where structured log entries go: one object each, with `level` and `message`. */
export interface Logger {
  log(entry: Readonly<Record<string, unknown>>): void;
}

/**
 * The process's logger, for the service named by the environment (default `credstack`). Every
 * entry is one line of JSON: debug and info on stdout, warnings and errors on stderr (Lambda
 * sends both to the function's log group).
 *
 * @example
 * rootLogger().info('started');
 */
export function rootLogger(config: ObservabilityConfig = loadObservabilityConfig()): JsonLogger {
  root ??= new JsonLogger({ serviceName: config.serviceName });
  return root;
}
let root: JsonLogger | undefined;

type Level = 'debug' | 'info' | 'warn' | 'error';
const LEVELS: ReadonlySet<string> = new Set<Level>(['debug', 'info', 'warn', 'error']);

/**
 * The {@link Logger} port over a {@link JsonLogger}: an entry's `level` picks the method
 * (default info), its `message` is the message and every other field becomes a key of the
 * line. An `Error` among the fields is written with its name, message, stack and causes.
 *
 * @example
 * const logger = structuredLogger();
 * logger.log({ level: 'warn', message: 'the key could not be fetched', correlationId });
 */
export function structuredLogger(logger: JsonLogger = rootLogger()): Logger {
  return {
    log: ({ level, message, ...fields }) => {
      const method: Level =
        typeof level === 'string' && LEVELS.has(level) ? (level as Level) : 'info';
      logger[method](typeof message === 'string' ? message : String(message ?? ''), fields);
    },
  };
}

/** A logger that drops every entry (tests that check something else). */
export const SILENT_LOGGER: Logger = { log: () => {} };

/**
 * The process's metrics publisher, in the namespace the environment names (default
 * `credstack`), with the service as their one dimension. POWERTOOLS_METRICS_DISABLED=true (the
 * tests' setting) keeps them from stdout.
 *
 * @example
 * const metrics = rootMetrics();
 */
export function rootMetrics(config: ObservabilityConfig = loadObservabilityConfig()): EmfMetrics {
  metrics ??= new EmfMetrics({
    namespace: config.metricsNamespace,
    serviceName: config.serviceName,
  });
  return metrics;
}
let metrics: EmfMetrics | undefined;

/** A Lambda entry point; the context is optional so tests and the local runtime may omit it. */
export type Entry<E, R> = (event: E, context?: LambdaContext) => Promise<R>;

export interface Observability {
  readonly logger: JsonLogger;
  readonly metrics: EmfMetrics;
}

/**
 * Wraps a Lambda entry point so that each invocation logs with the function's context (name,
 * request id, cold start) and its business metrics are noted in a scope of their own and
 * published as one EMF line when it ends, errors included.
 *
 * @example
 * export const handler = observed(searchIndexerHandler(ctx, { logger: structuredLogger() }));
 */
export function observed<E, R>(
  entry: Entry<E, R>,
  observability: Observability = { logger: rootLogger(), metrics: rootMetrics() },
): Entry<E, R> {
  const handler = middy<E, R>(async (event: E, context: LambdaContext) => {
    const invocation = observability.metrics.open();
    openInvocations.set(context, invocation);
    try {
      return await withMetrics(invocation, () =>
        entry(event, isLambdaContext(context) ? context : undefined),
      );
    } finally {
      invocation.publish();
    }
  }).use(invocationScope(observability.logger));
  // Outside Lambda (tests) middy needs a context object; an empty one adds no keys.
  return (event, context) => handler(event, context ?? ({} as LambdaContext));
}

/**
 * The middy step around each invocation: the logger takes the function's context (and draws
 * its debug sampling) first. When middy gives up on an invocation near Lambda's timeout, the
 * work has not ended and its `finally` has not run, so what it noted so far is published here
 * before Lambda stops the function.
 */
function invocationScope(logger: JsonLogger): MiddlewareObj {
  return {
    before: ({ event, context }) => logger.startInvocation(event, context),
    onError: ({ context }) => openInvocations.get(context)?.publish(),
  };
}
/** Each running invocation's metrics, by its Lambda context (one object per invocation). */
const openInvocations = new WeakMap<object, EmfInvocation>();

function isLambdaContext(context: LambdaContext | undefined): context is LambdaContext {
  return typeof context?.getRemainingTimeInMillis === 'function';
}

/**
 * The verifier with each verdict counted: `CredentialsVerified` for a valid credential,
 * `CredentialsNotVerified` for an invalid or unusable one.
 *
 * @example
 * const verifier = measuredVerifier(createVerifier({ fetcher, clock }));
 */
export function measuredVerifier(verifier: Verifier): Verifier {
  return {
    verify: async (input, options) => {
      const report = await verifier.verify(input, options);
      noteMetric(report.verdict === 'valid' ? 'CredentialsVerified' : 'CredentialsNotVerified');
      return report;
    },
  };
}

/**
 * The candidate index with the time of each search noted as `SearchLatency` (answered or not).
 *
 * @example
 * const searchIndex = measuredSearchIndex(openSearchIndex(loadSearchConfig()));
 */
export function measuredSearchIndex(
  index: SearchIndex,
  now: () => number = performance.now.bind(performance),
): SearchIndex {
  return {
    upsert: (document) => index.upsert(document),
    remove: (tenantId, learnerId, version) => index.remove(tenantId, learnerId, version),
    get: (tenantId, learnerId) => index.get(tenantId, learnerId),
    search: async (query) => {
      const started = now();
      try {
        return await index.search(query);
      } finally {
        noteMetric('SearchLatency', Math.round((now() - started) * 1000) / 1000);
      }
    },
  };
}
