import type { Context as LambdaContext } from 'aws-lambda';

/**
 * The structured logger of every function: one JSON object per line, with the keys and
 * environment variables of the AWS Lambda Powertools logger the service used before, so the log
 * queries, metric filters and habits built on those lines keep working. It writes only what the
 * service uses (no log buffering, no custom formatters, no child loggers); in exchange it is
 * ~3 KB at every function's start instead of Powertools' ~21 KB.
 *
 * A line: `level`, `message`, `timestamp` (ISO 8601, UTC), `service`, in Lambda the function's
 * context (`cold_start`, `function_arn`, `function_memory_size`, `function_name`,
 * `function_request_id`), `sampling_rate`, `xray_trace_id` when traced, then the entry's own
 * fields. Keys whose value is undefined, null or the empty string are left out. An `Error`
 * anywhere in the fields is written as `{ name, location, message, stack, cause, …its own
 * fields }`, its cause likewise; a bigint as its decimal string; an object that contains itself
 * is cut where it repeats, so a line is always written.
 */

/** The levels, as Powertools numbers them (a line is written when its level is at least the logger's). */
const THRESHOLDS = {
  TRACE: 6,
  DEBUG: 8,
  INFO: 12,
  WARN: 16,
  ERROR: 20,
  CRITICAL: 24,
  SILENT: 28,
} as const;
export type LogLevel = Exclude<keyof typeof THRESHOLDS, 'SILENT'>;

/** Keys the logger writes itself: an entry's field of the same name is dropped, with a warning. */
const RESERVED_KEYS: ReadonlySet<string> = new Set([
  'level',
  'message',
  'sampling_rate',
  'service',
  'timestamp',
]);
/** Keys that would reach an object's prototype rather than the line. */
const UNSAFE_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor']);
const ERROR_OWN_KEYS: ReadonlySet<string> = new Set(['name', 'message', 'stack', 'cause']);

type Env = Readonly<Record<string, string | undefined>>;

/** Where a finished line goes: debug and info on stdout, the rest on stderr (both reach the log group). */
export type LineWriter = (stream: 'stdout' | 'stderr', line: string) => void;

const writeToProcess: LineWriter = (stream, line) => {
  process[stream].write(`${line}\n`);
};

export interface JsonLoggerOptions {
  /** The `service` of every line. */
  readonly serviceName: string;
  /** Where the settings are read (default `process.env`, once, when the logger is made). */
  readonly env?: Env;
  readonly write?: LineWriter;
  /** Draws in [0, 1) for debug sampling (default Math.random). */
  readonly random?: () => number;
}

interface FunctionContext {
  readonly cold_start: boolean;
  readonly function_arn?: string;
  readonly function_memory_size?: string;
  readonly function_name?: string;
  readonly function_request_id?: string;
  readonly tenant_id?: string;
}

/**
 * One logger per process. Settings (as Powertools reads them): the level from
 * AWS_LAMBDA_LOG_LEVEL (Lambda's advanced logging controls, which win, FATAL meaning CRITICAL),
 * else POWERTOOLS_LOG_LEVEL or LOG_LEVEL, else INFO; POWERTOOLS_LOGGER_SAMPLE_RATE (0–1) the
 * share of invocations logged at DEBUG; POWERTOOLS_LOGGER_LOG_EVENT=true logs each invocation's
 * event; POWERTOOLS_DEV indents lines and splits stacks into lines for reading in a terminal.
 *
 * @example
 * const logger = new JsonLogger({ serviceName: 'credstack' });
 * logger.log('INFO', 'started', { port: 3000 });
 */
export class JsonLogger {
  readonly #service: string;
  readonly #write: LineWriter;
  readonly #random: () => number;
  /** The level set by the environment; sampling may lower it for one invocation. */
  readonly #baseLevel: number;
  /** The lowest level Lambda keeps (advanced logging controls), if it filters at all. */
  readonly #lambdaLevel: number | undefined;
  readonly #sampleRate: number;
  readonly #logEvent: boolean;
  readonly #devMode: boolean;
  /** Only an on-demand environment has cold starts (provisioned ones start before any request). */
  readonly #onDemand: boolean;
  #level: number;
  /** Invocations started: the first keeps the draw made when the logger was made. */
  #invocations = 0;
  #coldStart = true;
  #context: FunctionContext | undefined;

  constructor(options: JsonLoggerOptions) {
    const env = options.env ?? process.env;
    this.#service = options.serviceName;
    this.#write = options.write ?? writeToProcess;
    this.#random = options.random ?? Math.random;
    const lambdaLevel = levelNamed(env.AWS_LAMBDA_LOG_LEVEL, true);
    this.#lambdaLevel = lambdaLevel;
    this.#baseLevel =
      lambdaLevel ??
      levelNamed(env.POWERTOOLS_LOG_LEVEL?.trim() || env.LOG_LEVEL, false) ??
      THRESHOLDS.INFO;
    this.#level = this.#baseLevel;
    const rate = Number(env.POWERTOOLS_LOGGER_SAMPLE_RATE?.trim() || '0');
    this.#sampleRate = rate >= 0 && rate <= 1 ? rate : 0;
    this.#logEvent = env.POWERTOOLS_LOGGER_LOG_EVENT?.trim().toLowerCase() === 'true';
    this.#devMode = isTrue(env.POWERTOOLS_DEV);
    this.#onDemand = env.AWS_LAMBDA_INITIALIZATION_TYPE?.trim() === 'on-demand';
    this.#sample();
  }

  /**
   * Starts an invocation: draws whether it logs at DEBUG (sampling), adds the function's
   * context to every line from now on, and logs the event when POWERTOOLS_LOGGER_LOG_EVENT asks.
   */
  startInvocation(event: unknown, context: Partial<LambdaContext>): void {
    if (this.#invocations > 0) this.#sample();
    this.#invocations += 1;
    this.#context = {
      cold_start: this.#takeColdStart(),
      function_arn: context.invokedFunctionArn,
      function_memory_size: context.memoryLimitInMB,
      function_name: context.functionName,
      function_request_id: context.awsRequestId,
      tenant_id: (context as { tenantId?: string }).tenantId,
    };
    if (this.#logEvent) this.log('INFO', 'Lambda invocation event', { event });
  }

  /** Writes one line when `level` is at least the logger's. */
  log(level: LogLevel, message: string, fields: Readonly<Record<string, unknown>> = {}): void {
    if (THRESHOLDS[level] < this.#level) return;
    const line: Record<string, unknown> = {
      level,
      message,
      timestamp: new Date().toISOString(),
      service: this.#service,
      cold_start: this.#context?.cold_start,
      function_arn: this.#context?.function_arn,
      function_memory_size: this.#context?.function_memory_size,
      function_name: this.#context?.function_name,
      function_request_id: this.#context?.function_request_id,
      sampling_rate: this.#sampleRate,
      xray_trace_id: xrayTraceId(),
      tenant_id: this.#context?.tenant_id,
    };
    for (const [key, value] of Object.entries(fields)) {
      if (UNSAFE_KEYS.has(key)) continue;
      if (RESERVED_KEYS.has(key)) {
        this.log('WARN', `The key "${key}" is a reserved key and will be dropped.`);
        continue;
      }
      // An undefined field never hides a value the logger wrote itself.
      if (value !== undefined || line[key] === undefined) line[key] = value;
    }
    let flat = true;
    for (const key of Object.keys(line)) {
      const value = line[key];
      if (value === undefined || value === null || value === '') delete line[key];
      else if (typeof value === 'object' || typeof value === 'bigint') flat = false;
    }
    // A line of plain values (the request line, most entries) needs no replacer, which would
    // otherwise cost a call per key on the path of every request.
    const text = this.#devMode
      ? JSON.stringify(line, lineReplacer(true), 4)
      : flat
        ? JSON.stringify(line)
        : JSON.stringify(line, lineReplacer(false));
    this.#write(THRESHOLDS[level] >= THRESHOLDS.WARN ? 'stderr' : 'stdout', text);
  }

  debug(message: string, fields?: Readonly<Record<string, unknown>>): void {
    this.log('DEBUG', message, fields);
  }

  info(message: string, fields?: Readonly<Record<string, unknown>>): void {
    this.log('INFO', message, fields);
  }

  warn(message: string, fields?: Readonly<Record<string, unknown>>): void {
    this.log('WARN', message, fields);
  }

  error(message: string, fields?: Readonly<Record<string, unknown>>): void {
    this.log('ERROR', message, fields);
  }

  #takeColdStart(): boolean {
    const cold = this.#onDemand && this.#coldStart;
    this.#coldStart = false;
    return cold;
  }

  #sample(): void {
    this.#level = this.#baseLevel;
    if (this.#sampleRate === 0 || this.#baseLevel <= THRESHOLDS.DEBUG) return;
    if (this.#random() >= this.#sampleRate) return;
    // Lambda drops lines below its own level, so sampling never goes under it.
    this.#level = Math.max(THRESHOLDS.DEBUG, this.#lambdaLevel ?? 0);
    this.log('DEBUG', 'Setting log level to DEBUG due to sampling rate');
  }
}

function levelNamed(raw: string | undefined, lambda: boolean): number | undefined {
  let name = raw?.trim().toUpperCase();
  if (lambda && name === 'FATAL') name = 'CRITICAL';
  return name !== undefined && Object.hasOwn(THRESHOLDS, name)
    ? THRESHOLDS[name as keyof typeof THRESHOLDS]
    : undefined;
}

function isTrue(raw: string | undefined): boolean {
  return ['1', 'y', 'yes', 't', 'true', 'on'].includes(raw?.trim().toLowerCase() ?? '');
}

/**
 * The X-Ray trace id of the current invocation: from the runtime's per-invocation store where
 * one function environment serves several invocations at once, else from `_X_AMZN_TRACE_ID`
 * (`Root=…;Parent=…;Sampled=…`, or a bare root id).
 */
function xrayTraceId(): string | undefined {
  const store = (
    globalThis as { awslambda?: { InvokeStore?: { getXRayTraceId?: () => string | undefined } } }
  ).awslambda?.InvokeStore;
  const header = store?.getXRayTraceId?.() ?? process.env._X_AMZN_TRACE_ID?.trim() ?? '';
  if (header === '') return undefined;
  if (!header.includes('=')) return header;
  for (const part of header.split(';')) {
    const [key, value] = part.split('=');
    if (key === 'Root') return value;
  }
  return undefined;
}

/**
 * The replacer of one line: errors become plain objects, bigints strings, and an object met
 * again inside itself is left out (JSON.stringify would throw). `this` is the object holding
 * the value, so the objects still open are those from the line down to it.
 */
function lineReplacer(devMode: boolean) {
  const open: unknown[] = [];
  return function replace(this: unknown, _key: string, raw: unknown): unknown {
    const value = raw instanceof Error ? errorFields(raw, devMode, new Set()) : raw;
    if (typeof value === 'bigint') return value.toString();
    if (typeof value !== 'object' || value === null) return value;
    while (open.length > 0 && open[open.length - 1] !== this) open.pop();
    if (open.includes(value)) return undefined;
    open.push(value);
    return value;
  };
}

/** An error as a line shows it: name, where it was thrown, message, stack, cause, own fields. */
function errorFields(error: Error, devMode: boolean, seen: Set<Error>): Record<string, unknown> {
  seen.add(error);
  const { name, message, stack, cause } = error;
  const fields: Record<string, unknown> = {
    name,
    location: codeLocation(stack),
    message,
    stack: devMode && typeof stack === 'string' ? stack.split('\n') : stack,
    // A cause chain that loops back stops where it would repeat.
    cause:
      cause instanceof Error
        ? seen.has(cause)
          ? undefined
          : errorFields(cause, devMode, seen)
        : cause,
  };
  for (const key of Object.keys(error))
    if (!ERROR_OWN_KEYS.has(key) && !UNSAFE_KEYS.has(key))
      fields[key] = (error as unknown as Record<string, unknown>)[key];
  return fields;
}

/** `file:line` of the first stack frame written as `at … (file:line:column)`, or ''. */
function codeLocation(stack: string | undefined): string {
  for (const frame of stack?.split('\n') ?? []) {
    const found = /\(([^()]*?):(\d+):\d+\)$/.exec(frame.trimEnd());
    if (found) return `${found[1]}:${Number(found[2])}`;
  }
  return '';
}
