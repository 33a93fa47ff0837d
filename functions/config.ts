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
] as const;

export type ConfigVariable = (typeof CONFIG_VARIABLES)[number];

export interface ServiceConfig {
  /** The single DynamoDB table. */
  readonly tableName: string;
  /** Public https URL of the API, no trailing slash; issuer DIDs and credential URLs derive from it. */
  readonly baseUrl: string;
  /** Expected JWT `iss`, exactly as the identity provider writes it. */
  readonly oidcIssuer: string;
  /** Expected JWT `aud` (or Cognito `client_id`). */
  readonly oidcAudience: string;
  /** The identity provider's JWKS (default `<issuer>/.well-known/jwks.json`). */
  readonly oidcJwksUrl: string;
  /** KMS aliases read `alias/<prefix>/<issuerId>/…` (default `credstack`). */
  readonly kmsAliasPrefix: string;
  /** Deployment stage, tagged on every KMS key as `credstack:stage`. */
  readonly stage: string;
  /** Recipients a batch job signs at once (default 4, 1–32: KMS request quotas). */
  readonly batchConcurrency: number;
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
