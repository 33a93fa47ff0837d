import type { MetricSink } from '#shared/core/metrics.ts';

/**
 * Business metrics as CloudWatch's embedded metric format (EMF): a JSON line on stdout that the
 * Lambda log group turns into metrics, with no call to CloudWatch on the request's path. The
 * documents are those the AWS Lambda Powertools metrics utility wrote before (same namespace,
 * dimension, names and units, so any dashboard, alarm or query on them keeps working), from a
 * few lines of our own instead of ~13 KB of Powertools at every function's start:
 *
 * ```json
 * {"_aws":{"Timestamp":1765152000000,"CloudWatchMetrics":[{"Namespace":"credstack/prod",
 *   "Dimensions":[["service"]],"Metrics":[{"Name":"CredentialsIssued","Unit":"Count"}]}]},
 *  "service":"credstack","CredentialsIssued":[1,1]}
 * ```
 *
 * A metric noted once is a number, noted again an array of its values (CloudWatch counts each).
 */

/** EMF's limits per document: metric names, and values of one metric. */
const MAX_METRICS = 100;
const MAX_VALUES = 100;

type Env = Readonly<Record<string, string | undefined>>;

export interface EmfMetricsOptions {
  /** The CloudWatch namespace. */
  readonly namespace: string;
  /** The value of the one dimension, `service`. */
  readonly serviceName: string;
  /** Where POWERTOOLS_METRICS_DISABLED and POWERTOOLS_DEV are read (default `process.env`, once). */
  readonly env?: Env;
  /** Where a document goes (default: one line on stdout). */
  readonly write?: (line: string) => void;
  /** The documents' timestamp, epoch milliseconds (default Date.now). */
  readonly now?: () => number;
}

interface Noted {
  readonly unit: string;
  readonly values: number[];
}

/**
 * The process's metrics publisher. POWERTOOLS_METRICS_DISABLED (true/1/yes/on or false/0/no/off)
 * turns publishing off or on; unset, POWERTOOLS_DEV decides (a developer's terminal gets no EMF).
 *
 * @example
 * const metrics = new EmfMetrics({ namespace: 'credstack/prod', serviceName: 'credstack' });
 * const invocation = metrics.open();
 * invocation.add('CredentialsIssued', 'Count', 1);
 * invocation.publish();
 */
export class EmfMetrics {
  readonly disabled: boolean;
  readonly #namespace: string;
  readonly #service: string;
  readonly #write: (line: string) => void;
  readonly #now: () => number;

  constructor(options: EmfMetricsOptions) {
    const env = options.env ?? process.env;
    this.#namespace = options.namespace;
    this.#service = options.serviceName;
    this.#write = options.write ?? ((line) => process.stdout.write(`${line}\n`));
    this.#now = options.now ?? Date.now;
    this.disabled = flag(env.POWERTOOLS_METRICS_DISABLED) ?? flag(env.POWERTOOLS_DEV) ?? false;
  }

  /** A store for one invocation's metrics: each invocation publishes only its own. */
  open(): EmfInvocation {
    return new EmfInvocation((metrics) => {
      if (!this.disabled) this.#write(JSON.stringify(this.#document(metrics)));
    });
  }

  /** The EMF document of `metrics`, in the order they were first noted. */
  #document(metrics: ReadonlyMap<string, Noted>): Record<string, unknown> {
    const doc: Record<string, unknown> = {
      _aws: {
        Timestamp: this.#now(),
        CloudWatchMetrics: [
          {
            Namespace: this.#namespace,
            Dimensions: [['service']],
            Metrics: [...metrics].map(([name, { unit }]) => ({ Name: name, Unit: unit })),
          },
        ],
      },
      service: this.#service,
    };
    for (const [name, { values }] of metrics)
      doc[name] = values.length === 1 ? values[0] : [...values];
    return doc;
  }
}

/**
 * The metrics of one invocation, kept until {@link publish}. Values that are not finite numbers
 * are dropped (EMF has no way to write them, and a metric never fails the work it measures); a
 * document is written early when it reaches EMF's limits, so none is ever refused.
 */
export class EmfInvocation implements MetricSink {
  readonly #metrics = new Map<string, Noted>();
  readonly #flush: (metrics: ReadonlyMap<string, Noted>) => void;

  constructor(flush: (metrics: ReadonlyMap<string, Noted>) => void) {
    this.#flush = flush;
  }

  add(name: string, unit: string, value: number): void {
    if (!Number.isFinite(value)) return;
    let noted = this.#metrics.get(name);
    if (noted === undefined) {
      if (this.#metrics.size >= MAX_METRICS) this.publish();
      noted = { unit, values: [] };
      this.#metrics.set(name, noted);
    }
    noted.values.push(value);
    if (noted.values.length >= MAX_VALUES) this.publish();
  }

  /** Writes what was noted as one document and forgets it; nothing when nothing was noted. */
  publish(): void {
    if (this.#metrics.size === 0) return;
    try {
      this.#flush(this.#metrics);
    } finally {
      this.#metrics.clear();
    }
  }
}

function flag(raw: string | undefined): boolean | undefined {
  const value = raw?.trim().toLowerCase();
  if (value === undefined) return undefined;
  if (['1', 'y', 'yes', 't', 'true', 'on'].includes(value)) return true;
  if (['0', 'n', 'no', 'f', 'false', 'off'].includes(value)) return false;
  return undefined;
}
