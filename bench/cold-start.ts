import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  bundleFunctions,
  type FunctionBundle,
  REPO_ROOT,
  type SdkSource,
} from '../infra/bundling/lambda-build.ts';
import { httpEvent, probeOf } from '../infra/bundling/probe.ts';
import { type FunctionName, functionEntries, TARGET_BUDGET_KB } from '../infra/function-catalog.ts';
import { type ColdStartWorld, startColdStartWorld } from './cold-start-world.ts';
import type { BenchRow } from './measure.ts';

/**
 * Cold start as a caller feels it: for each function a new `node` process is spawned on the
 * bundle that is deployed (the CDK construct's esbuild options: an entry module and chunks
 * that a request loads on first need, whose load is part of the figure), and the clock runs from the
 * spawn until the handler's answer to its first event reaches this process: Node's own boot,
 * the bundle's parse and init, and the first request with everything it does on the way (its
 * token's JWKS fetched over HTTPS, its DynamoDB reads on DynamoDB Local, its schemas compiled).
 * The floor is an empty middy handler bundled, spawned and timed the same way, in the same
 * rounds.
 *
 * The events are real requests on the main path of each function (bench/cold-start-world.ts
 * seeds the demo tenant): a verification of one of the service's own VC-JWT credentials (the
 * verdict must be valid), an authenticated request for each other API function (the answer
 * must be 200). Stream, schedule and deploy functions get their probe event
 * (infra/bundling/probe.ts), which runs their init path but not their main work: their main
 * work needs KMS or OpenSearch, which are not here.
 *
 * Both ways of shipping the AWS SDK are measured: bundled (what is deployed) and left to the
 * Lambda runtime's SDK, which here resolves from the repository's node_modules (the lockfile's
 * version, CommonJS, from a warm page cache: the runtime's copy is on the same kind of disk).
 *
 * `BENCH_COLD_START_RUNS` (default 11) processes per function and SDK source; rounds
 * alternate functions so a burst of load elsewhere hits all alike. `BENCH_COLD_START_SDK`
 * (`bundled` or `runtime`) measures one SDK source only. `BENCH_COLD_START_PROFILE=<dir>` writes
 * a CPU profile of every process under `<dir>/<function>/` (figures taken so are not comparable).
 */

const BASELINE = 'empty-middy';
const API_FUNCTIONS: readonly FunctionName[] = [
  'api-issuer-admin',
  'api-issuance',
  'api-verification',
  'api-public-read',
  'api-learners',
  'api-system',
  'api-search',
];

export interface ColdStart {
  readonly name: string;
  /** Bytes loaded at start: the entry module and the chunks it imports statically. */
  readonly startBytes: number;
  /** Bytes shipped: the entry and every chunk (the rest loads on first need). */
  readonly totalBytes: number;
  /** What the first event was and what its answer had to be. */
  readonly event: string;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Median of the in-process part (import + first event), for the split of the figure. */
  readonly inProcessP50Ms: number;
  /** Median CPU time of the child up to its answer: less swayed by other load than the clock. */
  readonly cpuP50Ms: number;
}

export interface ColdStartSet {
  readonly sdk: SdkSource;
  readonly baseline: ColdStart;
  readonly functions: readonly ColdStart[];
}

export interface ColdStartResult {
  readonly runs: number;
  readonly sets: readonly ColdStartSet[];
}

interface Invocation {
  readonly event: object;
  readonly description: string;
  /** Throws unless the answer is the expected one. */
  check(answer: Answer): void;
}

interface Answer {
  readonly outcome: string;
  readonly body?: string;
}

function percentile(sorted: readonly number[], p: number): number {
  return (
    sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN
  );
}

const median = (values: readonly number[]) =>
  percentile(
    [...values].sort((a, b) => a - b),
    50,
  );

function request(
  method: string,
  path: string,
  options: { readonly token?: string; readonly body?: unknown } = {},
): object {
  const base = httpEvent(method, path) as { headers: Record<string, string> };
  return {
    ...base,
    headers: {
      ...base.headers,
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
    },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  };
}

function expectStatus(status: number, bodyCheck?: (body: unknown) => string | undefined) {
  return (answer: Answer) => {
    if (answer.outcome !== `status ${status}`)
      throw new Error(`answered ${answer.outcome}: ${answer.body?.slice(0, 400)}`);
    const problem = bodyCheck?.(JSON.parse(answer.body ?? 'null'));
    if (problem !== undefined) throw new Error(`${problem}: ${answer.body?.slice(0, 400)}`);
  };
}

/** The first event of each function, with the answer it must give. */
async function invocations(world: ColdStartWorld): Promise<Map<string, Invocation>> {
  const issuerAdmin = await world.token({
    'credstack:roles': ['issuer-admin'],
    'credstack:issuer_id': world.issuerId,
  });
  const learner = await world.token({
    'credstack:roles': ['learner'],
    'credstack:learner_id': world.learnerId,
  });
  const http: Record<string, Invocation> = {
    'api-issuer-admin': {
      event: request('GET', `/issuers/${world.issuerId}`, { token: issuerAdmin }),
      description: 'GET /issuers/{id} as its issuer admin → 200',
      check: expectStatus(200, (body) =>
        (body as { id?: string }).id === world.issuerId ? undefined : 'another issuer',
      ),
    },
    'api-issuance': {
      event: request('POST', `/issuers/${world.issuerId}/batches/check`, {
        token: issuerAdmin,
        body: {
          achievementId: world.achievementId,
          file: Buffer.from('email\ncold.start@mail.example\n').toString('base64'),
        },
      }),
      description: 'POST /issuers/{id}/batches/check (a one-row CSV) as its admin → 200 valid',
      check: expectStatus(200, (body) =>
        (body as { valid?: boolean }).valid === true ? undefined : 'the batch is not valid',
      ),
    },
    'api-verification': {
      event: request('POST', '/credentials/verify', {
        body: { verifiableCredential: world.didJwkCredential },
      }),
      description:
        'POST /credentials/verify of a did:jwk ES256 VC-JWT (2.3 KB, OB 3.0 schema checked) → verified',
      check: expectStatus(200, (body) =>
        (body as { verified?: boolean; warnings?: unknown[] }).verified === true &&
        (body as { warnings?: unknown[] }).warnings?.length === 0
          ? undefined
          : 'not verified without warnings',
      ),
    },
    'api-public-read': {
      event: request('GET', `/issuers/${world.issuerId}/achievements`),
      description: 'GET /issuers/{id}/achievements → 200 with the catalogue',
      check: expectStatus(200, (body) =>
        JSON.stringify(body).includes(world.achievementId) ? undefined : 'catalogue incomplete',
      ),
    },
    'api-learners': {
      event: request('GET', `/learners/${world.learnerId}/credentials`, { token: learner }),
      description: 'GET /learners/{id}/credentials as that learner → 200 with their badges',
      check: expectStatus(200, (body) =>
        JSON.stringify(body).includes('urn:uuid:') ? undefined : 'no credentials listed',
      ),
    },
    'api-system': {
      event: request('GET', '/health'),
      description: 'GET /health (DescribeTable) → 200',
      check: expectStatus(200),
    },
    'pathway-events': {
      event: world.credentialInsert,
      description:
        "a credential's INSERT record: the learner's pathways evaluated over the table, nothing due → batchItemFailures 0",
      check: (answer) => {
        if (answer.outcome !== 'batchItemFailures 0')
          throw new Error(`answered ${answer.outcome}: ${answer.body}`);
      },
    },
    'api-search': {
      event: request('GET', `/learners/${world.learnerId}/consent`, { token: learner }),
      description: 'GET /learners/{id}/consent as that learner → 200',
      check: expectStatus(200),
    },
  };
  const all = new Map<string, Invocation>([
    [
      BASELINE,
      {
        event: httpEvent('GET', '/'),
        description: 'any event → 204',
        check: (answer) => {
          if (answer.outcome !== 'status 204') throw new Error(`answered ${answer.outcome}`);
        },
      },
    ],
  ]);
  for (const [name, spec] of functionEntries()) {
    const invocation = http[name];
    if (invocation !== undefined) {
      all.set(name, invocation);
      continue;
    }
    if (API_FUNCTIONS.includes(name)) throw new Error(`no first request for ${name}`);
    const probe = probeOf(spec);
    // With DynamoDB reachable a scheduled job does its real run over the seeded table.
    const expect = spec.trigger.kind === 'schedule' ? 'answered' : probe.expect;
    all.set(name, {
      event: probe.event,
      description:
        spec.trigger.kind === 'schedule'
          ? 'its schedule event: a real run over the seeded table → answered'
          : `probe event (${spec.trigger.kind}, not its main work: that needs KMS or OpenSearch) → ${expect}`,
      check: (answer) => {
        if (answer.outcome !== expect)
          throw new Error(`answered ${answer.outcome}, expected ${expect}: ${answer.body}`);
      },
    });
  }
  return all;
}

const MARKER = 'COLD-START-RESULT ';

// The child: imports the bundle, answers one event, prints the answer. Its own clock only
// splits the figure; the figure itself is taken by the parent from the spawn.
const RUNNER = `
import { readFileSync } from 'node:fs';
const [bundle, eventFile] = process.argv.slice(2);
const context = { functionName: 'cold-start', awsRequestId: 'cold-start', callbackWaitsForEmptyEventLoop: true, getRemainingTimeInMillis: () => 30000 };
const start = performance.now();
let answer;
try {
  const { handler } = await import(bundle);
  const result = await handler(JSON.parse(readFileSync(eventFile, 'utf8')), context);
  answer = result?.statusCode !== undefined ? { outcome: 'status ' + result.statusCode, body: typeof result.body === 'string' ? result.body : undefined }
    : result?.batchItemFailures !== undefined ? { outcome: 'batchItemFailures ' + result.batchItemFailures.length }
    : { outcome: 'answered' };
} catch (error) {
  answer = { outcome: 'error ' + (error?.name ?? 'Error'), body: String(error?.message) };
}
const cpu = process.cpuUsage();
process.stdout.write('\\n${MARKER}' + JSON.stringify({ ...answer, inProcessMs: performance.now() - start, cpuMs: (cpu.user + cpu.system) / 1000 }) + '\\n');
process.exit(0);
`;

interface Timed extends Answer {
  readonly elapsedMs: number;
  readonly inProcessMs: number;
  /** CPU time of the child, all threads, from its start to the answer. */
  readonly cpuMs: number;
}

/** Spawns `node runner bundle event` and times it until the answer's line arrives. */
function timeOne(
  runner: string,
  bundle: string,
  eventFile: string,
  env: Readonly<Record<string, string>>,
): Promise<Timed> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    // BENCH_COLD_START_PROFILE=<dir>: a CPU profile of each process, to see what a cold start
    // spends (it slows the process: figures taken so are not comparable).
    const profile = process.env.BENCH_COLD_START_PROFILE;
    const flags = profile
      ? ['--cpu-prof', `--cpu-prof-dir=${join(profile, basename(dirname(bundle)))}`]
      : [];
    const child = spawn(
      process.execPath,
      [...flags, runner, pathToFileURL(bundle).href, eventFile],
      {
        env: { ...env, PATH: process.env.PATH ?? '' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    let result: Timed | undefined;
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      if (result !== undefined) return;
      const at = stdout.indexOf(MARKER);
      const end = at < 0 ? -1 : stdout.indexOf('\n', at);
      if (end < 0) return;
      const elapsedMs = performance.now() - start;
      result = { ...JSON.parse(stdout.slice(at + MARKER.length, end)), elapsedMs };
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.once('error', reject);
    child.once('close', () => {
      clearTimeout(timer);
      if (result === undefined)
        reject(new Error(`${bundle} gave no answer:\n${stdout}\n${stderr}`.slice(0, 4000)));
      else resolve(result);
    });
  });
}

async function measureSet(
  sdk: SdkSource,
  dir: string,
  runs: number,
  world: ColdStartWorld,
  calls: ReadonlyMap<string, Invocation>,
): Promise<ColdStartSet> {
  const entries = {
    [BASELINE]: 'bench/cold-start-baseline.ts',
    ...Object.fromEntries(functionEntries().map(([name, spec]) => [name, spec.entry])),
  };
  const { bundles } = await bundleFunctions(entries, join(dir, sdk), { sdk });
  const runner = join(dir, 'runner.mjs');
  await writeFile(runner, RUNNER);
  const eventFiles = new Map<string, string>();
  for (const [name, call] of calls) {
    const file = join(dir, `${name}.event.json`);
    await writeFile(file, JSON.stringify(call.event));
    eventFiles.set(name, file);
  }
  const samples = new Map<string, Timed[]>([...calls.keys()].map((name) => [name, []]));
  for (let round = 0; round < runs; round += 1) {
    for (const [name, call] of calls) {
      const timed = await timeOne(runner, bundles[name]!.file, eventFiles.get(name)!, world.env);
      try {
        call.check(timed);
      } catch (error) {
        throw new Error(`${name} (${sdk} SDK): ${(error as Error).message}`);
      }
      samples.get(name)!.push(timed);
    }
  }
  const summary = (name: string, bundle: FunctionBundle): ColdStart => {
    const timed = samples.get(name)!;
    const sorted = timed.map((t) => t.elapsedMs).sort((a, b) => a - b);
    return {
      name,
      startBytes: bundle.startBytes,
      totalBytes: bundle.totalBytes,
      event: calls.get(name)!.description,
      p50Ms: percentile(sorted, 50),
      p99Ms: percentile(sorted, 99),
      inProcessP50Ms: median(timed.map((t) => t.inProcessMs)),
      cpuP50Ms: median(timed.map((t) => t.cpuMs)),
    };
  };
  return {
    sdk,
    baseline: summary(BASELINE, bundles[BASELINE]!),
    functions: functionEntries().map(([name]) => summary(name, bundles[name]!)),
  };
}

/**
 * Starts the world, bundles every function both ways, and times `runs` cold starts of each.
 *
 * @example
 * const { sets } = await measureColdStarts({ runs: 11 });
 */
export async function measureColdStarts(
  options: { runs?: number; sdks?: readonly SdkSource[] } = {},
): Promise<ColdStartResult> {
  const runs = options.runs ?? Number(process.env.BENCH_COLD_START_RUNS ?? 11);
  // Under the repository, so a bundle that leaves the SDK to the runtime finds it in
  // node_modules; .data/ is ignored by git.
  await mkdir(join(REPO_ROOT, '.data'), { recursive: true });
  const dir = await mkdtemp(join(REPO_ROOT, '.data', 'cold-start-'));
  const world = await startColdStartWorld(dir);
  try {
    const calls = await invocations(world);
    const sets: ColdStartSet[] = [];
    const sdks =
      options.sdks ??
      (process.env.BENCH_COLD_START_SDK === undefined
        ? (['bundled', 'runtime'] as const)
        : [process.env.BENCH_COLD_START_SDK as SdkSource]);
    for (const sdk of sdks) sets.push(await measureSet(sdk, dir, runs, world, calls));
    return { runs, sets };
  } finally {
    await world.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`;
const times = (value: number, baseline: number) => `${(value / baseline).toFixed(2)}× baseline`;

/**
 * The benchmark's rows (bench/run.ts): per API function, its cold-start p50 against the empty
 * handler's (target ≤ 3×), with the bundled SDK and with the runtime's; per function, its
 * bundle size against the 300 KB target twice: what loads at start (the entry and its static
 * chunks) and everything shipped (with the chunks loaded on first need).
 *
 * @example
 * rows.push(...(await coldStartRows()));
 */
export async function coldStartRows(): Promise<BenchRow[]> {
  const { runs, sets } = await measureColdStarts();
  const rows: BenchRow[] = [];
  for (const { sdk, baseline, functions } of sets) {
    process.stdout.write(
      `cold start, SDK ${sdk} (spawn of node → first answer received; ${runs} processes each; p99 is the slowest of ${runs}):\n${[
        baseline,
        ...functions,
      ]
        .map(
          (f) =>
            `  ${f.name.padEnd(18)} ${kb(f.startBytes).padStart(7)} at start, ${kb(f.totalBytes).padStart(7)} in all  p50 ${f.p50Ms.toFixed(1).padStart(6)} ms  p99 ${f.p99Ms.toFixed(1).padStart(6)} ms  in-process p50 ${f.inProcessP50Ms.toFixed(1).padStart(6)} ms  CPU p50 ${f.cpuP50Ms.toFixed(0).padStart(4)} ms (${times(f.cpuP50Ms, baseline.cpuP50Ms)})  ${times(f.p50Ms, baseline.p50Ms).padStart(15)}  ${f.event}`,
        )
        .join('\n')}\n`,
    );
    const sdkText =
      sdk === 'bundled'
        ? 'SDK bundled (as deployed)'
        : "SDK from the runtime (here: the repository's node_modules)";
    for (const f of functions) {
      const api = API_FUNCTIONS.includes(f.name as FunctionName);
      rows.push({
        metric: `cold start from spawn, ${f.name}, ${sdkText}: ${f.event}; p50 (p99 ${f.p99Ms.toFixed(0)} ms; CPU p50 ${f.cpuP50Ms.toFixed(0)} ms, ${times(f.cpuP50Ms, baseline.cpuP50Ms)})`,
        value: f.p50Ms,
        baselineName: `empty middy handler, same SDK setting, spawned alike, p50 (p99 ${baseline.p99Ms.toFixed(0)} ms; CPU p50 ${baseline.cpuP50Ms.toFixed(0)} ms)`,
        baseline: baseline.p50Ms,
        unit: 'ms',
        ratio: times(f.p50Ms, baseline.p50Ms),
        ...(api ? { target: '≤ 3× baseline' } : {}),
      });
    }
    for (const f of functions)
      rows.push(
        sizeRow(
          `bundle size loaded at start, ${f.name}, ${sdkText}: the entry module and the chunks it imports statically (minified, source maps excluded; the target applied to what loads at start, the rest loads on first need)`,
          f.startBytes,
        ),
        sizeRow(
          `bundle size shipped in all, ${f.name}, ${sdkText}: the entry and every chunk (minified, source maps excluded)`,
          f.totalBytes,
        ),
      );
  }
  return rows;
}

if (import.meta.main) await coldStartRows();

/** A bundle size next to the 300 KB target. */
function sizeRow(metric: string, bytes: number): BenchRow {
  return {
    metric,
    value: bytes / 1024,
    baselineName: 'size target',
    baseline: TARGET_BUDGET_KB,
    unit: 'KB',
    ratio: `${((bytes / 1024 / TARGET_BUDGET_KB) * 100).toFixed(0)}% of target`,
    target: `< ${TARGET_BUDGET_KB} KB`,
  };
}
