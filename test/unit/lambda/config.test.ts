import { afterEach, describe, expect, it, vi } from 'vitest';
import { type ConfigEnv, loadConfig } from '#functions/config.ts';
import { isCredstackError } from '#shared/core/errors.ts';

const GOOD: ConfigEnv = {
  TABLE_NAME: 'credstack-prod',
  BASE_URL: 'https://api.example.org',
  OIDC_ISSUER: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc',
  OIDC_AUDIENCE: 'client-123',
  STAGE: 'prod',
};

/** The message of the CONFIG_INVALID error loadConfig throws for `env`. */
function problemsOf(env: ConfigEnv): string {
  let thrown: unknown;
  try {
    loadConfig(env);
  } catch (error) {
    thrown = error;
  }
  expect(isCredstackError(thrown, 'CONFIG_INVALID')).toBe(true);
  return (thrown as Error).message;
}

describe('loadConfig', () => {
  it('reads a complete environment and applies the defaults', () => {
    expect(loadConfig(GOOD)).toEqual({
      tableName: 'credstack-prod',
      baseUrl: 'https://api.example.org',
      oidcIssuer: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc',
      oidcAudience: 'client-123',
      oidcJwksUrl:
        'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc/.well-known/jwks.json',
      kmsAliasPrefix: 'credstack',
      stage: 'prod',
      batchConcurrency: 4,
    });
  });

  it('takes the optional variables when they are set', () => {
    const config = loadConfig({
      ...GOOD,
      BASE_URL: 'https://example.org/badges',
      OIDC_JWKS_URL: 'https://id.example.org/keys',
      KMS_ALIAS_PREFIX: 'acme/credstack',
      BATCH_CONCURRENCY: '32',
      IMAGE_BUCKET: 'credstack-prod-images-0a1b2c',
    });
    expect(config.baseUrl).toBe('https://example.org/badges');
    expect(config.imageBucket).toBe('credstack-prod-images-0a1b2c');
    expect(config.oidcJwksUrl).toBe('https://id.example.org/keys');
    expect(config.kmsAliasPrefix).toBe('acme/credstack');
    expect(config.batchConcurrency).toBe(32);
  });

  it.each(['Credstack-Images', 'ab', '-images', 'images_bucket'])(
    'refuses IMAGE_BUCKET %j, which is not an S3 bucket name',
    (bucket) => {
      expect(problemsOf({ ...GOOD, IMAGE_BUCKET: bucket })).toBe(
        `invalid configuration: IMAGE_BUCKET is not an S3 bucket name (3–63 of a–z 0–9 . -): "${bucket}"`,
      );
    },
  );

  it('keeps an issuer with a trailing slash as written but derives the JWKS URL without it', () => {
    const config = loadConfig({ ...GOOD, OIDC_ISSUER: 'https://tenant.auth0.example/' });
    expect(config.oidcIssuer).toBe('https://tenant.auth0.example/');
    expect(config.oidcJwksUrl).toBe('https://tenant.auth0.example/.well-known/jwks.json');
  });

  it.each(['TABLE_NAME', 'BASE_URL', 'OIDC_ISSUER', 'OIDC_AUDIENCE', 'STAGE'])(
    'names %s when it is missing or blank',
    (variable) => {
      const { [variable]: _removed, ...missing } = GOOD;
      expect(problemsOf(missing)).toBe(`invalid configuration: ${variable} is not set`);
      expect(problemsOf({ ...GOOD, [variable]: '  ' })).toBe(
        `invalid configuration: ${variable} is not set`,
      );
    },
  );

  it('names every missing variable at once', () => {
    expect(problemsOf({})).toBe(
      'invalid configuration: TABLE_NAME is not set; BASE_URL is not set; ' +
        'OIDC_ISSUER is not set; OIDC_AUDIENCE is not set; STAGE is not set',
    );
  });

  it.each([
    ['api.example.org', 'BASE_URL is not a URL: "api.example.org"'],
    ['http://api.example.org', 'BASE_URL must be an https URL: "http://api.example.org"'],
    ['https://api.example.org/', 'BASE_URL must not end with "/": "https://api.example.org/"'],
    [
      'https://api.example.org/v1/',
      'BASE_URL must not end with "/": "https://api.example.org/v1/"',
    ],
    [
      'https://API.example.org',
      'BASE_URL must be written canonically as "https://api.example.org"',
    ],
    [
      'https://api.example.org:443',
      'BASE_URL must be written canonically as "https://api.example.org"',
    ],
    ['https://user:pw@api.example.org', 'BASE_URL must not carry credentials'],
    [
      'https://api.example.org?stage=1',
      'BASE_URL must have no query or fragment: "https://api.example.org?stage=1"',
    ],
    [
      'https://api.example.org#x',
      'BASE_URL must have no query or fragment: "https://api.example.org#x"',
    ],
  ])('refuses the BASE_URL %s', (value, problem) => {
    expect(problemsOf({ ...GOOD, BASE_URL: value })).toBe(`invalid configuration: ${problem}`);
  });

  it.each(['1', '4', '32'])('accepts BATCH_CONCURRENCY %s', (value) => {
    expect(loadConfig({ ...GOOD, BATCH_CONCURRENCY: value }).batchConcurrency).toBe(Number(value));
  });

  it.each(['0', '33', '100', '-1', '4.5', '1e1', 'four'])(
    'refuses BATCH_CONCURRENCY %s',
    (value) => {
      expect(problemsOf({ ...GOOD, BATCH_CONCURRENCY: value })).toBe(
        `invalid configuration: BATCH_CONCURRENCY must be an integer from 1 to 32: "${value}"`,
      );
    },
  );

  it.each([
    [{ TABLE_NAME: 'ab' }, 'TABLE_NAME is not a DynamoDB table name'],
    [{ TABLE_NAME: 'my table' }, 'TABLE_NAME is not a DynamoDB table name'],
    [{ OIDC_ISSUER: 'issuer' }, 'OIDC_ISSUER is not a URL: "issuer"'],
    [{ OIDC_ISSUER: 'http://id.example.org' }, 'OIDC_ISSUER must be an https URL'],
    [{ OIDC_JWKS_URL: 'http://id.example.org/jwks' }, 'OIDC_JWKS_URL must be an https URL'],
    [{ KMS_ALIAS_PREFIX: 'aws/credstack' }, 'KMS_ALIAS_PREFIX must be "/"-separated segments'],
    [{ KMS_ALIAS_PREFIX: 'a//b' }, 'KMS_ALIAS_PREFIX must be "/"-separated segments'],
    [{ STAGE: 'prod!' }, 'STAGE is not a valid KMS tag value: "prod!"'],
  ])('refuses %o', (override, problem) => {
    expect(problemsOf({ ...GOOD, ...override })).toContain(`invalid configuration: ${problem}`);
  });

  it('reports an invalid issuer once, not again as a missing JWKS URL', () => {
    expect(problemsOf({ ...GOOD, OIDC_ISSUER: 'http://id.example.org' })).toBe(
      'invalid configuration: OIDC_ISSUER must be an https URL: "http://id.example.org"',
    );
  });
});

describe('serviceConfig', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('reads process.env on first use and keeps that configuration', async () => {
    for (const [name, value] of Object.entries(GOOD)) vi.stubEnv(name, value);
    vi.resetModules();
    const { serviceConfig } = await import('#functions/config.ts');

    const first = serviceConfig();
    vi.stubEnv('TABLE_NAME', 'changed-later');

    expect(first.tableName).toBe('credstack-prod');
    expect(serviceConfig()).toBe(first);
  });

  it('fails naming the missing variable', async () => {
    for (const [name, value] of Object.entries(GOOD)) vi.stubEnv(name, value);
    vi.stubEnv('OIDC_AUDIENCE', undefined);
    vi.resetModules();
    const { serviceConfig } = await import('#functions/config.ts');

    expect(() => serviceConfig()).toThrow('invalid configuration: OIDC_AUDIENCE is not set');
  });
});
