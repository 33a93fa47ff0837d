import { CredstackError } from '#shared/core/errors.ts';

/**
 * The deployed service's configuration. This is the one module that reads `process.env`: the
 * Lambda composition roots call {@link serviceConfig} at module scope, so a missing or invalid
 * variable fails the cold start with a message naming it, not a request later on.
 */

/** The environment variables the Lambda functions read (infra sets exactly these). */
export const CONFIG_VARIABLES = [
  'TABLE_NAME',
  'BASE_URL',
  'OIDC_ISSUER',
  'OIDC_AUDIENCE',
  'OIDC_JWKS_URL',
  'KMS_ALIAS_PREFIX',
  'STAGE',
  'BATCH_CONCURRENCY',
  'IMAGE_BUCKET',
] as const;

export type ConfigVariable = (typeof CONFIG_VARIABLES)[number];

export interface ServiceConfig {
  /** The single DynamoDB table. */
  readonly tableName: string;
  /** Public https URL of the API, no trailing slash; issuer DIDs and credential URLs derive from it. */
  readonly baseUrl: string;
  /** Expected JWT `iss`, exactly as the identity provider writes it. */
  readonly oidcIssuer: string;
  /** Expected JWT `aud` (or Cognito `client_id`); several are comma-separated. */
  readonly oidcAudience: string;
  /** The identity provider's JWKS (default `<issuer>/.well-known/jwks.json`). */
  readonly oidcJwksUrl: string;
  /** KMS aliases read `alias/<prefix>/<issuerId>/…` (default `credstack`). */
  readonly kmsAliasPrefix: string;
  /** Deployment stage, tagged on every KMS key as `credstack:stage`. */
  readonly stage: string;
  /** Recipients a batch job signs at once (default 4, 1–32: KMS request quotas). */
  readonly batchConcurrency: number;
  /** The S3 bucket of uploaded badge images; unset, uploads answer 503 (functions without one). */
  readonly imageBucket?: string;
}

export type ConfigEnv = Readonly<Record<string, string | undefined>>;

export const DEFAULT_BATCH_CONCURRENCY = 4;
export const MAX_BATCH_CONCURRENCY = 32;
// The vault's own default (DEFAULT_KMS_ALIAS_PREFIX), repeated so config loads no AWS SDK code.
const DEFAULT_ALIAS_PREFIX = 'credstack';

// DynamoDB table names: 3–255 of A–Z a–z 0–9 _ - .
const TABLE_NAME = /^[A-Za-z0-9_.-]{3,255}$/;
// KMS alias names allow A–Z a–z 0–9 / _ -; the prefix is one or more path segments of them,
// and `alias/aws/` is reserved for AWS managed keys.
const ALIAS_PREFIX = /^(?!aws(\/|$))[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)*$/i;
// KMS tag values: up to 256 of letters, digits, spaces and _ . : / = + - @.
const TAG_VALUE = /^[\p{L}\p{N} _.:/=+@-]{1,256}$/u;
// S3 bucket names: 3–63 of a–z 0–9 . -, starting and ending with a letter or digit.
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** Collects every problem so one failed deploy names all of them, not only the first. */
class Problems {
  readonly list: string[] = [];

  add(variable: ConfigVariable, problem: string): undefined {
    this.list.push(`${variable} ${problem}`);
    return undefined;
  }
}

function read(env: ConfigEnv, variable: ConfigVariable): string | undefined {
  const value = env[variable]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

/** `value` when it is absent or matches `pattern`; undefined (and a problem) otherwise. */
function matching(
  variable: ConfigVariable,
  value: string | undefined,
  pattern: RegExp,
  problem: string,
  problems: Problems,
): string | undefined {
  if (value === undefined || pattern.test(value)) return value;
  return problems.add(variable, `${problem}: "${value}"`);
}

function required(
  env: ConfigEnv,
  variable: ConfigVariable,
  problems: Problems,
): string | undefined {
  return read(env, variable) ?? problems.add(variable, 'is not set');
}

/** An https URL with no credentials, query or fragment; undefined (and a problem) otherwise. */
function httpsUrl(value: string, variable: ConfigVariable, problems: Problems): URL | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return problems.add(variable, `is not a URL: "${value}"`);
  }
  if (url.protocol !== 'https:') return problems.add(variable, `must be an https URL: "${value}"`);
  if (url.username !== '' || url.password !== '')
    return problems.add(variable, 'must not carry credentials');
  if (url.search !== '' || url.hash !== '' || value.includes('?') || value.includes('#'))
    return problems.add(variable, `must have no query or fragment: "${value}"`);
  return url;
}

function baseUrlOf(env: ConfigEnv, problems: Problems): string | undefined {
  const value = required(env, 'BASE_URL', problems);
  if (value === undefined) return undefined;
  const url = httpsUrl(value, 'BASE_URL', problems);
  if (url === undefined) return undefined;
  if (value.endsWith('/')) return problems.add('BASE_URL', `must not end with "/": "${value}"`);
  // Issuer DIDs are derived from this string and signed into credentials: it must already be
  // the URL's canonical spelling (lower-case host, no default port), or two spellings of one
  // deployment would name different issuers.
  const canonical = `${url.origin}${url.pathname === '/' ? '' : url.pathname}`;
  if (canonical !== value)
    return problems.add('BASE_URL', `must be written canonically as "${canonical}"`);
  return value;
}

function jwksUrlOf(env: ConfigEnv, issuer: string | undefined, problems: Problems) {
  const value = read(env, 'OIDC_JWKS_URL');
  if (value !== undefined) return httpsUrl(value, 'OIDC_JWKS_URL', problems)?.href;
  if (issuer === undefined) return undefined;
  // Some providers (Auth0) end `iss` with "/"; the JWKS path is appended to the bare URL.
  return `${issuer.replace(/\/+$/, '')}/.well-known/jwks.json`;
}

function concurrencyOf(env: ConfigEnv, problems: Problems): number | undefined {
  const value = read(env, 'BATCH_CONCURRENCY');
  if (value === undefined) return DEFAULT_BATCH_CONCURRENCY;
  const n = /^\d{1,3}$/.test(value) ? Number(value) : Number.NaN;
  if (!(n >= 1 && n <= MAX_BATCH_CONCURRENCY))
    return problems.add(
      'BATCH_CONCURRENCY',
      `must be an integer from 1 to ${MAX_BATCH_CONCURRENCY}: "${value}"`,
    );
  return n;
}

/**
 * Reads and checks the configuration from `env`. Pure apart from its default argument; throws
 * CredstackError('CONFIG_INVALID') naming every missing or invalid variable.
 *
 * @example
 * const config = loadConfig({ TABLE_NAME: 'credstack', BASE_URL: 'https://api.example.org', … });
 * config.batchConcurrency; // 4 unless BATCH_CONCURRENCY says otherwise
 */
export function loadConfig(env: ConfigEnv = process.env): ServiceConfig {
  const problems = new Problems();
  const tableName = matching(
    'TABLE_NAME',
    required(env, 'TABLE_NAME', problems),
    TABLE_NAME,
    'is not a DynamoDB table name (3–255 of A–Z a–z 0–9 _ - .)',
    problems,
  );
  const baseUrl = baseUrlOf(env, problems);
  let oidcIssuer = required(env, 'OIDC_ISSUER', problems);
  if (oidcIssuer !== undefined && httpsUrl(oidcIssuer, 'OIDC_ISSUER', problems) === undefined)
    oidcIssuer = undefined;
  const oidcAudience = required(env, 'OIDC_AUDIENCE', problems);
  const oidcJwksUrl = jwksUrlOf(env, oidcIssuer, problems);
  const kmsAliasPrefix = matching(
    'KMS_ALIAS_PREFIX',
    read(env, 'KMS_ALIAS_PREFIX') ?? DEFAULT_ALIAS_PREFIX,
    ALIAS_PREFIX,
    'must be "/"-separated segments of A–Z a–z 0–9 _ - and not start with aws',
    problems,
  );
  const stage = matching(
    'STAGE',
    required(env, 'STAGE', problems),
    TAG_VALUE,
    'is not a valid KMS tag value',
    problems,
  );
  const batchConcurrency = concurrencyOf(env, problems);
  const imageBucket = matching(
    'IMAGE_BUCKET',
    read(env, 'IMAGE_BUCKET'),
    BUCKET_NAME,
    'is not an S3 bucket name (3–63 of a–z 0–9 . -)',
    problems,
  );

  if (
    problems.list.length > 0 ||
    tableName === undefined ||
    baseUrl === undefined ||
    oidcIssuer === undefined ||
    oidcAudience === undefined ||
    oidcJwksUrl === undefined ||
    kmsAliasPrefix === undefined ||
    stage === undefined ||
    batchConcurrency === undefined
  ) {
    throw new CredstackError(
      'CONFIG_INVALID',
      `invalid configuration: ${problems.list.join('; ')}`,
    );
  }
  return {
    tableName,
    baseUrl,
    oidcIssuer,
    oidcAudience,
    oidcJwksUrl,
    kmsAliasPrefix,
    stage,
    batchConcurrency,
    ...(imageBucket === undefined ? {} : { imageBucket }),
  };
}

let loaded: ServiceConfig | undefined;

/**
 * The process's configuration, read from `process.env` on the first call and kept: the
 * composition roots call it at module scope. Importing this module reads nothing, so tests and
 * tools can use {@link loadConfig} without a full environment.
 *
 * @example
 * const config = serviceConfig(); // at module scope of a Lambda entry
 */
export function serviceConfig(): ServiceConfig {
  loaded ??= loadConfig();
  return loaded;
}

/** The variables of the functions that reach the candidate index (the index setup step). */
export const SEARCH_CONFIG_VARIABLES = [
  'SEARCH_ENDPOINT',
  'SEARCH_INDEX',
  'SEARCH_SERVICE',
  'AWS_REGION',
] as const;

export interface SearchConfig {
  /** https URL of the OpenSearch Service domain or Serverless collection. */
  readonly endpoint: string;
  /** The candidate index (default `candidates`). */
  readonly index: string;
  /** The SigV4 signing name: `es` for a domain (default), `aoss` for a Serverless collection. */
  readonly service: 'es' | 'aoss';
  /** The region requests are signed for (the Lambda runtime sets AWS_REGION). */
  readonly region: string;
}

export const DEFAULT_SEARCH_INDEX = 'candidates';
// OpenSearch index names: lower case letters, digits, . _ -, not starting with . _ -.
const INDEX_NAME = /^[a-z0-9][a-z0-9._-]{0,254}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;

/**
 * Reads and checks the candidate index's configuration from `env`; throws
 * CredstackError('CONFIG_INVALID') naming every missing or invalid variable.
 *
 * @example
 * loadSearchConfig({ SEARCH_ENDPOINT: 'https://search-x.eu-west-1.es.amazonaws.com', AWS_REGION: 'eu-west-1' });
 * // { endpoint: 'https://search-x…', index: 'candidates', service: 'es', region: 'eu-west-1' }
 */
export function loadSearchConfig(env: ConfigEnv = process.env): SearchConfig {
  const problems: string[] = [];
  const value = (name: (typeof SEARCH_CONFIG_VARIABLES)[number]) => {
    const v = env[name]?.trim();
    return v === undefined || v === '' ? undefined : v;
  };
  const endpoint = value('SEARCH_ENDPOINT');
  if (endpoint === undefined) problems.push('SEARCH_ENDPOINT is not set');
  else {
    const url = URL.canParse(endpoint) ? new URL(endpoint) : undefined;
    if (url?.protocol !== 'https:' || url.username !== '' || url.password !== '')
      problems.push(`SEARCH_ENDPOINT must be an https URL without credentials: "${endpoint}"`);
  }
  const index = value('SEARCH_INDEX') ?? DEFAULT_SEARCH_INDEX;
  if (!INDEX_NAME.test(index))
    problems.push(`SEARCH_INDEX is not an OpenSearch index name: "${index}"`);
  const service = value('SEARCH_SERVICE') ?? 'es';
  if (service !== 'es' && service !== 'aoss')
    problems.push(`SEARCH_SERVICE must be es or aoss: "${service}"`);
  const region = value('AWS_REGION');
  if (region === undefined) problems.push('AWS_REGION is not set');
  else if (!REGION.test(region)) problems.push(`AWS_REGION is not a region: "${region}"`);
  if (problems.length > 0 || endpoint === undefined || region === undefined)
    throw new CredstackError('CONFIG_INVALID', `invalid configuration: ${problems.join('; ')}`);
  return { endpoint, index, service: service as SearchConfig['service'], region };
}

/** The variables of the scheduled re-verification of imported credentials. */
export const REVERIFY_CONFIG_VARIABLES = ['REVERIFY_AFTER_HOURS', 'REVERIFY_BATCH'] as const;

export interface ReverifyConfig {
  /** Re-verify imports whose last verification is older than this (default 24, 1–720). */
  readonly afterHours: number;
  /** Most imports one scheduled run verifies (default 200, 1–2000: the function's time budget). */
  readonly batch: number;
}

function integerIn(
  env: ConfigEnv,
  name: (typeof REVERIFY_CONFIG_VARIABLES)[number],
  fallback: number,
  [min, max]: readonly [number, number],
  problems: string[],
): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < min || value > max) {
    problems.push(`${name} must be an integer from ${min} to ${max}: "${raw}"`);
    return fallback;
  }
  return value;
}

/**
 * Reads the re-verification schedule's settings; throws CredstackError('CONFIG_INVALID') naming
 * every invalid variable.
 *
 * @example
 * loadReverifyConfig({ REVERIFY_BATCH: '500' }); // { afterHours: 24, batch: 500 }
 */
export function loadReverifyConfig(env: ConfigEnv = process.env): ReverifyConfig {
  const problems: string[] = [];
  const afterHours = integerIn(env, 'REVERIFY_AFTER_HOURS', 24, [1, 720], problems);
  const batch = integerIn(env, 'REVERIFY_BATCH', 200, [1, 2000], problems);
  if (problems.length > 0)
    throw new CredstackError('CONFIG_INVALID', `invalid configuration: ${problems.join('; ')}`);
  return { afterHours, batch };
}

/**
 * The variables of logging and metrics (named as AWS Lambda Powertools named them, which the
 * service used before). The logger and the metrics publisher also read POWERTOOLS_LOG_LEVEL,
 * POWERTOOLS_METRICS_DISABLED (tests set it) and the others functions/json-logger.ts and
 * functions/emf-metrics.ts list themselves; these two name what is emitted.
 */
export const OBSERVABILITY_CONFIG_VARIABLES = [
  'POWERTOOLS_SERVICE_NAME',
  'POWERTOOLS_METRICS_NAMESPACE',
] as const;

/** The service name every log entry and metric carries, unless the environment names one. */
export const DEFAULT_SERVICE_NAME = 'credstack';

export interface ObservabilityConfig {
  /** The `service` of every log entry and the `service` dimension of every metric. */
  readonly serviceName: string;
  /** The CloudWatch namespace of the metrics. */
  readonly metricsNamespace: string;
}

/**
 * Reads the service name and metrics namespace (both default `credstack`).
 *
 * @example
 * loadObservabilityConfig({ POWERTOOLS_METRICS_NAMESPACE: 'credstack-dev' });
 * // { serviceName: 'credstack', metricsNamespace: 'credstack-dev' }
 */
export function loadObservabilityConfig(env: ConfigEnv = process.env): ObservabilityConfig {
  const value = (name: (typeof OBSERVABILITY_CONFIG_VARIABLES)[number]) => {
    const raw = env[name]?.trim();
    return raw === undefined || raw === '' ? DEFAULT_SERVICE_NAME : raw;
  };
  return {
    serviceName: value('POWERTOOLS_SERVICE_NAME'),
    metricsNamespace: value('POWERTOOLS_METRICS_NAMESPACE'),
  };
}
