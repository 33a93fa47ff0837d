/**
 * `npm run test:fuzz`: fuzzes the API from its own description. The local runtime (`npm start`)
 * runs on a temporary data folder, seeded with the demo tenant; schemathesis reads its
 * /openapi.json and calls every operation with generated requests, valid and invalid, once
 * per role that may call it (with that role's demo token) and once without a token for the
 * public ones. The run fails on any server error, any response that does not match its
 * declared schema, status or media type, and on any run that could not complete.
 *
 * schemathesis is a Python tool: `npm run setup:fuzz` installs the pinned version into .venv
 * (CI does this in .ci/run). Without it the run fails and says how to install it; it never
 * passes by skipping.
 *
 * Environment: FUZZ_MAX_EXAMPLES (test cases per operation and phase, default 12),
 * FUZZ_SEED (default fixed, so a CI failure replays), FUZZ_ONLY (comma-separated operationIds
 * to fuzz alone, when chasing one failure), SCHEMATHESIS (the executable).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { constants, createWriteStream } from 'node:fs';
import { access, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '#local/free-port.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const START = join(ROOT, 'local/start.ts');
const SCHEMATHESIS = process.env.SCHEMATHESIS ?? join(ROOT, '.venv/bin/schemathesis');
const MAX_EXAMPLES = Number(process.env.FUZZ_MAX_EXAMPLES ?? 12);
const SEED = Number(process.env.FUZZ_SEED ?? 20_261_207);
const REPORTS = join(ROOT, '.data/fuzz');
const ONLY = new Set((process.env.FUZZ_ONLY ?? '').split(',').filter((id) => id !== ''));
/** What every response is checked for. */
const CHECKS = [
  'not_a_server_error',
  'response_schema_conformance',
  'status_code_conformance',
  'content_type_conformance',
];
/** The demo token that stands for each role (local/start.ts writes them). */
const ROLE_TOKENS: Readonly<Record<string, string>> = {
  'platform-admin': 'platform-admin',
  'issuer-admin': 'issuer-admin',
  learner: 'learner-ada',
  employer: 'employer',
};

interface Operation {
  readonly operationId: string;
  readonly roles: readonly string[] | 'public';
}

interface RunReport {
  readonly running_time: number;
  readonly exit_code: number;
  readonly test_cases: { readonly generated: number };
  readonly operations: { readonly tested: number; readonly errored: number };
  readonly failures: readonly {
    readonly type: string;
    readonly code: string;
    readonly title: string;
    readonly count: number;
    readonly operations: readonly string[];
  }[];
  readonly errors: readonly unknown[];
}

function fail(message: string): never {
  process.stderr.write(`test:fuzz: ${message}\n`);
  process.exit(1);
}

async function requireSchemathesis(): Promise<void> {
  try {
    await access(SCHEMATHESIS, constants.X_OK);
  } catch {
    fail(
      `schemathesis is not installed (looked for ${SCHEMATHESIS}).\n` +
        'Install the pinned version into .venv with `npm run setup:fuzz` ' +
        '(needs python3 with venv: `apt-get install python3-venv` on Debian), or point ' +
        'SCHEMATHESIS at an executable.',
    );
  }
}

/** Starts `npm start` in `dir` and resolves once it says it is running. */
function startRuntime(dir: string, port: number, log: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [START], {
    cwd: dir,
    env: { ...process.env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // The runtime's own log (a 500's stack trace, …) is kept beside the reports.
  const sink = createWriteStream(log);
  child.stdout?.pipe(sink);
  child.stderr?.pipe(sink);
  let output = '';
  return new Promise((done, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the local runtime did not start within 180 s:\n${output}`));
    }, 180_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ctrl-C stops everything')) {
        clearTimeout(timer);
        done(child);
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the local runtime exited (${code}):\n${output}`));
    });
  });
}

async function stopRuntime(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  await new Promise<void>((done) => {
    child.once('exit', () => done());
    child.kill('SIGINT');
  });
}

function operationsOf(document: {
  paths: Record<string, Record<string, { operationId: string; security?: unknown }>>;
}): Operation[] {
  return Object.values(document.paths).flatMap((item) =>
    Object.values(item).map((operation) => {
      const security = operation.security as Record<string, string[]>[] | undefined;
      const roles = security?.flatMap((requirement) => Object.values(requirement).flat());
      return { operationId: operation.operationId, roles: roles ?? 'public' };
    }),
  );
}

/** One schemathesis run per caller: anonymous for public operations, each role for its own. */
function plan(operations: readonly Operation[]): Map<string, string[]> {
  const runs = new Map<string, string[]>();
  const add = (caller: string, operationId: string) =>
    runs.set(caller, [...(runs.get(caller) ?? []), operationId]);
  for (const operation of operations) {
    if (ONLY.size > 0 && !ONLY.has(operation.operationId)) continue;
    if (operation.roles === 'public') add('anonymous', operation.operationId);
    else for (const role of operation.roles) add(role, operation.operationId);
  }
  return runs;
}

function runSchemathesis(args: readonly string[], cwd: string, log: string): Promise<number> {
  return new Promise((done, reject) => {
    const child = spawn(SCHEMATHESIS, args, {
      cwd,
      env: { ...process.env, NO_COLOR: '1', PYTHONIOENCODING: 'utf-8' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const chunks: Buffer[] = [];
    child.stdout?.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.once('error', reject);
    child.once('exit', (code) => {
      writeFile(log, Buffer.concat(chunks)).then(() => done(code ?? 1), reject);
    });
  });
}

const started = Date.now();
await requireSchemathesis();
const dir = await mkdtemp(join(tmpdir(), 'credstack-fuzz-'));
await mkdir(REPORTS, { recursive: true });
const port = await freePort();
let runtime: ChildProcess | undefined;
let failed = false;
try {
  process.stdout.write('test:fuzz: starting the local runtime…\n');
  runtime = await startRuntime(dir, port, join(REPORTS, 'runtime.log'));
  const base = `http://127.0.0.1:${port}`;
  const tokens = JSON.parse(await readFile(join(dir, '.data/dev-tokens.json'), 'utf8')) as Record<
    string,
    { token: string }
  >;
  const document = (await (await fetch(`${base}/openapi.json`)).json()) as Parameters<
    typeof operationsOf
  >[0];
  const runs = plan(operationsOf(document));
  const totals = { cases: 0, serverErrors: 0, schemaMismatches: 0, otherFailures: 0, errors: 0 };
  // Operation × caller pairs: passed when schemathesis found nothing wrong with it.
  const verdicts = { passed: 0, failed: 0 };
  for (const [caller, operationIds] of runs) {
    const tokenName = ROLE_TOKENS[caller];
    const token = tokenName === undefined ? undefined : tokens[tokenName]?.token;
    if (caller !== 'anonymous' && token === undefined)
      throw new Error(`no demo token for the role ${caller}`);
    const report = join(REPORTS, `${caller}.json`);
    const log = join(REPORTS, `${caller}.txt`);
    const args = [
      'run',
      `${base}/openapi.json`,
      ...(token === undefined ? [] : ['-H', `Authorization: Bearer ${token}`]),
      ...operationIds.flatMap((id) => ['--include-operation-id', id]),
      '--checks',
      CHECKS.join(','),
      '--phases',
      'examples,coverage,fuzzing',
      '--max-examples',
      String(MAX_EXAMPLES),
      '--seed',
      String(SEED),
      // One thread: CPython 3.11 keeps the ast module's recursion count per interpreter, so
      // two generator threads that both parse lambda sources (hypothesis does, describing
      // strategies) can corrupt each other's count, and the run errors with "SystemError: AST
      // constructor recursion depth mismatch" (fixed in CPython 3.12, never in 3.11).
      '--workers',
      '1',
      '--request-timeout',
      '30',
      '--generation-database',
      'none',
      '--output-truncate',
      'true',
      // The tokens are the throwaway demo tokens of a temporary data folder; a failure's
      // request must show whole to be replayed.
      '--output-sanitize',
      'false',
      '--report',
      'json',
      '--report-json-path',
      report,
    ];
    const t0 = Date.now();
    const exit = await runSchemathesis(args, dir, log);
    const result = JSON.parse(await readFile(report, 'utf8')) as RunReport;
    const count = (type: string) =>
      result.failures.filter((f) => f.type === type).reduce((sum, f) => sum + f.count, 0);
    const serverErrors = count('ServerError');
    const schemaMismatches = count('JsonSchemaError');
    const all = result.failures.reduce((sum, f) => sum + f.count, 0);
    totals.cases += result.test_cases.generated;
    totals.serverErrors += serverErrors;
    totals.schemaMismatches += schemaMismatches;
    totals.otherFailures += all - serverErrors - schemaMismatches;
    totals.errors += result.errors.length;
    const failing = new Set(result.failures.flatMap((f) => f.operations)).size;
    verdicts.failed += failing + result.operations.errored;
    verdicts.passed += Math.max(0, result.operations.tested - failing - result.operations.errored);
    process.stdout.write(
      `test:fuzz: ${caller.padEnd(14)} ${String(operationIds.length).padStart(2)} operations, ` +
        `${String(result.test_cases.generated).padStart(5)} cases, ${all} failures, ` +
        `${result.errors.length} errors (${((Date.now() - t0) / 1000).toFixed(0)} s)\n`,
    );
    for (const failure of result.failures)
      process.stdout.write(
        `  ${failure.code} ${failure.title} ×${failure.count}: ${failure.operations.join(', ')}\n`,
      );
    if (exit !== 0 || all > 0 || result.errors.length > 0) {
      failed = true;
      process.stdout.write(`  details: ${log}\n`);
    }
  }
  process.stdout.write(
    `test:fuzz: ${totals.cases} cases; ${totals.serverErrors} server errors, ` +
      `${totals.schemaMismatches} schema mismatches, ${totals.otherFailures} other failures, ` +
      `${totals.errors} errors in ${((Date.now() - started) / 1000).toFixed(0)} s\n`,
  );
  if (verdicts.passed + verdicts.failed === 0) throw new Error('no operation was fuzzed');
  process.stdout.write(`fuzz: ${verdicts.passed} passed, ${verdicts.failed} failed\n`);
} catch (error) {
  failed = true;
  process.stderr.write(`test:fuzz: ${error instanceof Error ? error.message : String(error)}\n`);
} finally {
  if (runtime !== undefined) await stopRuntime(runtime);
  await rm(dir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
