import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The service's business metrics, named once here with their unit. Use cases note a metric
 * where the event happens (a credential signed and stored, an import accepted); whoever runs
 * them decides where metrics go by opening a scope: a Lambda function opens one per invocation
 * over CloudWatch's embedded metric format (functions/observability.ts) and publishes it when
 * the invocation ends. Outside a scope (the command line, the local runtime, most tests) a
 * metric is dropped, so the use cases never depend on a metrics backend.
 */

/** Every metric the service emits, with its CloudWatch unit. */
export const METRICS = {
  /** A credential signed and stored (API, batch award, pathway award). */
  CredentialsIssued: 'Count',
  /** A verification whose verdict is `valid`. */
  CredentialsVerified: 'Count',
  /** A verification whose verdict is `invalid` or `unusable`. */
  CredentialsNotVerified: 'Count',
  /** A pathway (or milestone) credential awarded by re-evaluation. */
  PathwayAwardsGranted: 'Count',
  /** A pathway award suspended or revoked (its pathway no longer holds, or a newer award superseded it). */
  PathwayAwardsLapsed: 'Count',
  /** A suspended pathway award made active again. */
  PathwayAwardsReinstated: 'Count',
  /** A credential a learner imported into their wallet. */
  CredentialsImported: 'Count',
  /** How long the candidate index took to answer one search. */
  SearchLatency: 'Milliseconds',
} as const;

export type MetricName = keyof typeof METRICS;
export type MetricUnit = (typeof METRICS)[MetricName];

/** Where the metrics of one scope go. */
export interface MetricSink {
  add(name: MetricName, unit: MetricUnit, value: number): void;
}

const sinks = new AsyncLocalStorage<MetricSink>();

/**
 * Runs `work` with `sink` receiving the metrics noted while it runs.
 *
 * @example
 * await withMetrics(sink, () => handler(event));
 */
export function withMetrics<T>(sink: MetricSink, work: () => T): T {
  return sinks.run(sink, work);
}

/**
 * Notes `value` of metric `name` (a count of 0 is not worth a data point and is dropped).
 *
 * @example
 * noteMetric('CredentialsIssued');
 * noteMetric('SearchLatency', 12.5);
 */
export function noteMetric(name: MetricName, value = 1): void {
  const unit = METRICS[name];
  if (unit === 'Count' && value === 0) return;
  sinks.getStore()?.add(name, unit, value);
}
