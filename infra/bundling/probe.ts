import { execFile } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import type { RouteGroup } from '#functions/api/app.ts';
import { routesOfGroup } from '../api-routes.ts';
import type { FunctionSpec } from '../function-catalog.ts';
import { LAMBDA_NODE_OPTIONS } from './lambda-build.ts';

/**
 * One invocation of a bundled function in a fresh Node process, with an event it can answer
 * without AWS (none is reachable here) that still runs its whole init path:
 *
 * - API functions: a request without a token to one of their protected routes (401), or, for
 *   groups with only public routes, a path no route matches (404) — both after the route table
 *   is built and its schemas compiled, as for any first request;
 * - stream consumers: an empty batch;
 * - scheduled jobs: their schedule event (the first table call fails at once, as the Lambda
 *   credential stub finds no credentials);
 * - the deploy step: a Delete event, which it answers without calling the cluster.
 *
 * The bundle-budget test checks the answers. The cold-start benchmark (bench/cold-start.ts)
 * sends real first requests instead, and these probes only to the functions whose main work
 * needs KMS or OpenSearch.
 */

export interface Probe {
  readonly event: object;
  /** The outcome a correct bundle reports (`status 401`, `batchItemFailures 0`, …). */
  readonly expect: string;
}

export interface ProbeResult {
  /** From before the bundle's import to the handler's answer. */
  readonly elapsedMs: number;
  readonly outcome: string;
}

/** What a function's configuration needs to load; nothing here points at a real service. */
export const PROBE_ENV: Readonly<Record<string, string>> = {
  TABLE_NAME: 'credstack-probe',
  BASE_URL: 'https://api.example.org',
  OIDC_ISSUER: 'https://id.example.org',
  OIDC_AUDIENCE: 'credstack-api',
  STAGE: 'probe',
  AWS_REGION: 'eu-west-1',
  SEARCH_ENDPOINT: 'https://search.example.invalid',
  // The image functions then build their S3 client at load, through the event-stream stub.
  IMAGE_BUCKET: 'credstack-probe-images',
  NODE_OPTIONS: LAMBDA_NODE_OPTIONS,
};

/**
 * An API Gateway HTTP API (payload 2.0) request event.
 *
 * @example
 * httpEvent('GET', '/health');
 */
export function httpEvent(method: string, path: string): object {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: '',
    headers: { accept: 'application/json', 'content-type': 'application/json' },
    requestContext: {
      accountId: '123456789012',
      apiId: 'probe',
      domainName: 'api.example.org',
      domainPrefix: 'api',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '192.0.2.1', userAgent: 'probe' },
      requestId: 'probe',
      routeKey: '$default',
      stage: '$default',
      time: '01/Jan/2026:00:00:00 +0000',
      timeEpoch: 1_767_225_600_000,
    },
    isBase64Encoded: false,
  };
}

const SCHEDULED_EVENT = {
  version: '0',
  id: 'probe',
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  account: '123456789012',
  time: '2026-01-01T00:00:00Z',
  region: 'eu-west-1',
  resources: [],
  detail: {},
};

const DELETE_EVENT = {
  RequestType: 'Delete',
  PhysicalResourceId: 'candidates',
  LogicalResourceId: 'SearchSetup',
  RequestId: 'probe',
  ResourceType: 'Custom::SearchSetup',
  ResponseURL: 'https://example.invalid/',
  ServiceToken: 'arn:aws:lambda:eu-west-1:123456789012:function:provider',
  StackId: 'arn:aws:cloudformation:eu-west-1:123456789012:stack/probe/1',
  ResourceProperties: { ServiceToken: 'provider' },
};

/**
 * The probe of a function, from its trigger.
 *
 * @example
 * probeOf(FUNCTIONS['batch-jobs']).expect; // 'batchItemFailures 0'
 */
export function probeOf(spec: FunctionSpec): Probe {
  const { trigger } = spec;
  if (trigger.kind === 'http') {
    const guarded = routesOfGroup(trigger.group as RouteGroup).find((route) => !route.isPublic);
    if (guarded)
      return {
        event: httpEvent(guarded.method, guarded.path.replace(/\{[^}]+\}/g, 'probe')),
        expect: 'status 401',
      };
    return { event: httpEvent('GET', '/probe/no-such-route'), expect: 'status 404' };
  }
  if (trigger.kind === 'table-stream')
    return { event: { Records: [] }, expect: 'batchItemFailures 0' };
  if (trigger.kind === 'schedule')
    return { event: SCHEDULED_EVENT, expect: 'error CredentialsProviderError' };
  return { event: DELETE_EVENT, expect: 'answered' };
}

const MARKER = 'PROBE-RESULT ';

// Runs in the child process: argv holds the bundle's URL and the event.
const RUNNER = `
const [bundle, eventJson] = process.argv.slice(1);
const context = { functionName: 'probe', awsRequestId: 'probe', callbackWaitsForEmptyEventLoop: true, getRemainingTimeInMillis: () => 30000 };
const start = performance.now();
let outcome;
try {
  const { handler } = await import(bundle);
  const result = await handler(JSON.parse(eventJson), context);
  outcome = result?.statusCode !== undefined ? 'status ' + result.statusCode
    : result?.batchItemFailures !== undefined ? 'batchItemFailures ' + result.batchItemFailures.length
    : 'answered';
} catch (error) {
  outcome = 'error ' + (error?.name ?? 'Error');
}
const elapsedMs = performance.now() - start;
process.stdout.write('\\n${MARKER}' + JSON.stringify({ elapsedMs, outcome }) + '\\n');
process.exit(0);
`;

const run = promisify(execFile);

/**
 * Imports `bundle` in a new Node process (the one running this code, so Node 24 under npm
 * scripts) with only {@link PROBE_ENV} and `PATH`, and invokes its handler once with the
 * probe's event.
 *
 * @example
 * const { outcome, elapsedMs } = await runProbe(bundles['api-learners'].file, probeOf(spec));
 */
export async function runProbe(bundle: string, probe: Probe): Promise<ProbeResult> {
  const { stdout } = await run(
    process.execPath,
    ['--input-type=module', '-e', RUNNER, pathToFileURL(bundle).href, JSON.stringify(probe.event)],
    { env: { ...PROBE_ENV, PATH: process.env.PATH ?? '' }, timeout: 60_000 },
  );
  const line = stdout.split('\n').find((text) => text.startsWith(MARKER));
  if (line === undefined) throw new Error(`${bundle} printed no result:\n${stdout}`);
  return JSON.parse(line.slice(MARKER.length)) as ProbeResult;
}
