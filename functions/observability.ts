import { Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics } from '@aws-lambda-powertools/metrics';
import middy, { type MiddlewareObj } from '@middy/core';
import type { Context as LambdaContext } from 'aws-lambda';
import { type MetricSink, noteMetric, withMetrics } from '#shared/core/metrics.ts';
import type { Verifier } from '#shared/credentials/verify/verifier.ts';
import type { SearchIndex } from '#shared/domain/ports/search-index.ts';
import { loadObservabilityConfig, type ObservabilityConfig } from './config.ts';

/**
 * Logging and metrics of every handler and consumer, on AWS Lambda Powertools: one structured
 * logger (Powertools Logger: one JSON line per entry, with the service name and, in Lambda, the
 * function's context and cold start) and business metrics in CloudWatch's embedded metric
 * format (Powertools Metrics), published once per invocation. The HTTP layer, the stream
 * consumers and the use cases see only two small ports — {@link Logger} here and the metric
 * scope of shared/core/metrics.ts — so tests capture entries and metrics without a backend.
 */

/** Where structured log entries go: one object each, with `level` and `message`. */
export interface Logger {
  log(entry: Readonly<Record<string, unknown>>): void;
}

type Level = 'debug' | 'info' | 'warn' | 'error';
const LEVELS: ReadonlySet<string> = new Set<Level>(['debug', 'info', 'warn', 'error']);

/**
 * The process's Powertools logger, for the service named by the environment (default
 * `credstack`). Every entry is one line of JSON: debug and info on stdout, warnings and errors
 * on stderr (Lambda sends both to the function's log group).
 *
 * @example
 * rootLogger().info('started');
 */
export function rootLogger(
  config: ObservabilityConfig = loadObservabilityConfig(),
): PowertoolsLogger {
  root ??= new PowertoolsLogger({ serviceName: config.serviceName });
  return root;
}
let root: PowertoolsLogger | undefined;

/**
 * The {@link Logger} port over a Powertools logger: an entry's `level` picks the method
 * (default info), its `message` is the message and every other field becomes a key of the
 * line. An `Error` among the fields is written with its name, message, stack and causes.
 *
 * @example
 * const logger = powertoolsLogger();
 * logger.log({ level: 'warn', message: 'the key could not be fetched', correlationId });
 */
export function powertoolsLogger(logger: PowertoolsLogger = rootLogger()): Logger {
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
 * The process's Powertools metrics, in the namespace the environment names (default
 * `credstack`), with the service as their one dimension. POWERTOOLS_METRICS_DISABLED=true (the
 * tests' setting) keeps them from stdout.
 *
 * @example
 * const metrics = rootMetrics();
 */
export function rootMetrics(config: ObservabilityConfig = loadObservabilityConfig()): Metrics {
  metrics ??= new Metrics({ namespace: config.metricsNamespace, serviceName: config.serviceName });
  return metrics;
}
let metrics: Metrics | undefined;

/**
 * A metric scope's sink over Powertools metrics: the data points are kept until
 * {@link publishMetrics} writes them as one EMF line.
 *
 * @example
 * withMetrics(emfSink(rootMetrics()), () => work());
 */
export function emfSink(target: Metrics): MetricSink {
  return { add: (name, unit, value) => target.addMetric(name, unit, value) };
}

/**
 * Writes the metrics kept since the last call as one EMF line; nothing when there are none
 * (Powertools would otherwise warn on every invocation that noted no metric).
 */
export function publishMetrics(target: Metrics): void {
  if (target.hasStoredMetrics()) target.publishStoredMetrics();
}

/** The middy step that publishes the invocation's metrics, whether it succeeded or failed. */
function metricsPublisher(target: Metrics): MiddlewareObj {
  const publish = () => publishMetrics(target);
  return { after: publish, onError: publish };
}

/** A Lambda entry point; the context is optional so tests and the local runtime may omit it. */
export type Entry<E, R> = (event: E, context?: LambdaContext) => Promise<R>;

export interface Observability {
  readonly logger: PowertoolsLogger;
  readonly metrics: Metrics;
}

/**
 * Wraps a Lambda entry point so that each invocation logs with the function's context (name,
 * request id, cold start; Powertools' injectLambdaContext) and its business metrics are noted
 * in a scope of their own and published as one EMF line when it ends, errors included.
 *
 * @example
 * export const handler = observed(searchIndexerHandler(ctx, { logger: powertoolsLogger() }));
 */
export function observed<E, R>(
  entry: Entry<E, R>,
  observability: Observability = { logger: rootLogger(), metrics: rootMetrics() },
): Entry<E, R> {
  const sink = emfSink(observability.metrics);
  const handler = middy<E, R>(async (event: E, context: LambdaContext) =>
    withMetrics(sink, () => entry(event, isLambdaContext(context) ? context : undefined)),
  )
    .use(injectLambdaContext(observability.logger, { resetKeys: true }))
    .use(metricsPublisher(observability.metrics));
  // Outside Lambda (tests) middy needs a context object; an empty one adds no keys.
  return (event, context) => handler(event, context ?? ({} as LambdaContext));
}

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
