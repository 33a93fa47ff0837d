import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { isBuiltin } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { type BuildOptions, build, type Metafile } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Bundles the two Lambda entries as the deployment will (one self-contained ESM file each)
 * and runs them in a fresh Node process, so a dependency that cannot be bundled, or a module
 * that needs something at load time the Lambda will not have, fails here rather than in AWS.
 */

const ENTRIES = { api: 'functions/lambda/api.ts', 'batch-jobs': 'functions/lambda/batch-jobs.ts' };

/** The Lambda build: everything bundled; only Node's own modules stay imports. */
const LAMBDA_BUILD: BuildOptions = {
  entryPoints: ENTRIES,
  bundle: true,
  minify: true,
  platform: 'node',
  format: 'esm',
  target: 'node24',
  outExtension: { '.js': '.mjs' },
  external: [],
  metafile: true,
  logLevel: 'silent',
  // CommonJS dependencies `require` Node built-ins, which an ES module has no `require` for.
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
};

const ENV = {
  TABLE_NAME: 'credstack-test',
  BASE_URL: 'https://api.example.org',
  OIDC_ISSUER: 'https://id.example.org',
  OIDC_AUDIENCE: 'credstack-api',
  STAGE: 'test',
  AWS_REGION: 'eu-west-1',
};

const MARKER = 'HANDLER-RESULT ';

const run = promisify(execFile);

/** Imports `bundle` in a new Node process with only the stub environment and calls its handler. */
async function invoke(bundle: string, event: object): Promise<Record<string, unknown>> {
  const script = [
    `const { handler } = await import(${JSON.stringify(pathToFileURL(bundle).href)});`,
    `const result = await handler(${JSON.stringify(event)});`,
    `process.stdout.write(${JSON.stringify(`\n${MARKER}`)} + JSON.stringify(result) + '\\n');`,
  ].join('\n');
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
    env: { ...ENV, PATH: process.env.PATH ?? '' },
    timeout: 30_000,
  });
  const line = stdout.split('\n').find((text) => text.startsWith(MARKER));
  if (line === undefined) throw new Error(`the handler printed no result:\n${stdout}`);
  return JSON.parse(line.slice(MARKER.length)) as Record<string, unknown>;
}

function openApiEvent(): object {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: '/openapi.json',
    rawQueryString: '',
    headers: { accept: 'application/json' },
    requestContext: {
      accountId: '123456789012',
      apiId: 'api',
      domainName: 'api.example.org',
      domainPrefix: 'api',
      http: {
        method: 'GET',
        path: '/openapi.json',
        protocol: 'HTTP/1.1',
        sourceIp: '192.0.2.1',
        userAgent: 'test',
      },
      requestId: 'bundle-smoke',
      routeKey: '$default',
      stage: '$default',
      time: '01/Jan/2026:00:00:00 +0000',
      timeEpoch: 1767225600000,
    },
    isBase64Encoded: false,
  };
}

describe('the Lambda bundles', { timeout: 120_000 }, () => {
  let outdir = '';
  let metafile: Metafile;

  beforeAll(async () => {
    outdir = await mkdtemp(join(tmpdir(), 'credstack-lambda-'));
    const result = await build({ ...LAMBDA_BUILD, outdir });
    if (result.metafile === undefined) throw new Error('esbuild returned no metafile');
    metafile = result.metafile;
  }, 120_000);

  afterAll(async () => {
    if (outdir !== '') await rm(outdir, { recursive: true, force: true });
  });

  it('import nothing but Node built-ins', () => {
    const outputs = Object.entries(metafile.outputs).filter(([file]) => file.endsWith('.mjs'));
    expect(outputs.map(([file]) => file.split('/').pop()).sort()).toEqual([
      'api.mjs',
      'batch-jobs.mjs',
    ]);
    for (const [, output] of outputs) {
      const foreign = output.imports.filter((entry) => !isBuiltin(entry.path));
      expect(foreign).toEqual([]);
    }
  });

  it('serve GET /openapi.json from the bundled API handler', async () => {
    const result = await invoke(join(outdir, 'api.mjs'), openApiEvent());

    expect(result.statusCode).toBe(200);
    const document = JSON.parse(String(result.body)) as { openapi?: string; servers?: unknown };
    expect(document.openapi).toMatch(/^3\.1\./);
    expect(document.servers).toEqual([{ url: 'https://api.example.org' }]);
  });

  it('run the bundled batch jobs handler on an empty stream batch', async () => {
    const result = await invoke(join(outdir, 'batch-jobs.mjs'), { Records: [] });

    expect(result).toEqual({ batchItemFailures: [] });
  });
});
