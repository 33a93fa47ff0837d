import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '#local/free-port.ts';
import { RUNTIME_RECORD_FILE } from '#local/runtime-guard.ts';

/**
 * `npm start` as a newcomer meets it, run for real (`node local/start.ts` in a temporary
 * folder): a busy port gives one line and starts and writes nothing; a start on another port
 * than the data folder's refuses, saying how to keep the old one, and leaves no DynamoDB Local
 * behind — also for a data folder from before the address was recorded.
 */

const START = resolve(import.meta.dirname, '../../../local/start.ts');

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `npm start` in `cwd` on `port`. Without `untilRunning` it waits for the process to end
 * by itself; with it, it waits until the service says it is running, checks `/health`, then
 * stops it with SIGTERM as Ctrl-C would.
 */
function runStart(
  cwd: string,
  port: number,
  untilRunning = false,
): Promise<Run & { health?: number; databases?: number }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [START], {
      cwd,
      env: { ...process.env, PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let health: number | undefined;
    let databases: number | undefined;
    let asked = false;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(new Error(`npm start did not finish in time:\n${stdout}\n${stderr}`));
    }, 170_000);
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (untilRunning && !asked && stdout.includes('credstack is running')) {
        asked = true;
        fetch(`http://127.0.0.1:${port}/health`)
          .then(async (response) => {
            health = response.status;
            databases = (await dynamoDbLocalsIn(cwd)).length;
          })
          .finally(() => child.kill('SIGTERM'));
      }
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', fail);
    child.on('exit', (code) => {
      clearTimeout(timer);
      done({
        code,
        stdout,
        stderr,
        ...(health === undefined ? {} : { health }),
        ...(databases === undefined ? {} : { databases }),
      });
    });
  });
}

/** DynamoDB Local processes whose database lives under `dir`. */
async function dynamoDbLocalsIn(dir: string): Promise<string[]> {
  const { stdout } = await promisify(execFile)('ps', ['-eo', 'args']);
  // The JVMs themselves: DynamoDB Local runs under a shell tether whose lines name the jar too.
  return stdout
    .split('\n')
    .filter(
      (line) =>
        /^\S*java\s/.test(line.trim()) && line.includes('DynamoDBLocal') && line.includes(dir),
    );
}

async function hold(port: number): Promise<Server> {
  const server = createServer();
  await new Promise<void>((ready) => server.listen(port, '127.0.0.1', ready));
  return server;
}

async function fileState(path: string): Promise<{ text: string; mtimeMs: number }> {
  return { text: await readFile(path, 'utf8'), mtimeMs: (await stat(path)).mtimeMs };
}

let dir: string;
let port: number;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'credstack-start-'));
  port = await freePort();
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('npm start', () => {
  it('on a busy port says so in one line, and starts and writes nothing', async () => {
    const busy = await hold(port);
    let run: Run;
    try {
      run = await runStart(dir, port);
    } finally {
      await new Promise<void>((closed) => busy.close(() => closed()));
    }

    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      `port ${port} on 127.0.0.1 is already in use (another npm start?); stop what listens there (e.g. lsof -i :${port}) and start again. Nothing was started or written.\n`,
    );
    expect(run.stdout).toBe('');
    await expect(stat(join(dir, '.data'))).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await dynamoDbLocalsIn(dir)).toEqual([]);
  }, 180_000);

  it('starts, records its address, and stops on SIGTERM', async () => {
    const run = await runStart(dir, port, true);

    expect(run.health).toBe(200);
    // The probe for leftover DynamoDB Locals sees the running one (so it can see an orphan).
    expect(run.databases).toBe(1);
    expect(run.code).toBe(0);
    expect(JSON.parse(await readFile(join(dir, '.data', RUNTIME_RECORD_FILE), 'utf8'))).toEqual({
      baseUrl: `http://127.0.0.1:${port}`,
    });
    expect(await dynamoDbLocalsIn(dir)).toEqual([]);
  }, 180_000);

  it('with its data on a busy port: one line, dev tokens untouched, no DynamoDB Local left', async () => {
    const tokens = await fileState(join(dir, '.data', 'dev-tokens.json'));
    const busy = await hold(port);
    let run: Run;
    try {
      run = await runStart(dir, port);
    } finally {
      await new Promise<void>((closed) => busy.close(() => closed()));
    }

    expect(run.code).toBe(1);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain(`port ${port} on 127.0.0.1 is already in use`);
    expect(await fileState(join(dir, '.data', 'dev-tokens.json'))).toEqual(tokens);
    expect(await dynamoDbLocalsIn(dir)).toEqual([]);
  }, 180_000);

  it('refuses another port, saying how to keep the old one, and changes nothing', async () => {
    const other = await freePort();
    const tokens = await fileState(join(dir, '.data', 'dev-tokens.json'));

    const run = await runStart(dir, other);

    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      `.data belongs to http://127.0.0.1:${port}: its issuers' DIDs and credentials carry that address, so on port ${other} none of them would verify. Start with PORT=${port} to keep it, or move .data aside to start afresh on port ${other}.\n`,
    );
    expect(await fileState(join(dir, '.data', 'dev-tokens.json'))).toEqual(tokens);
    expect(await dynamoDbLocalsIn(dir)).toEqual([]);
  }, 180_000);

  it('refuses another port for data from before the address was recorded, by its issuer DID', async () => {
    const other = await freePort();
    await rm(join(dir, '.data', RUNTIME_RECORD_FILE));
    const tokens = await fileState(join(dir, '.data', 'dev-tokens.json'));

    const run = await runStart(dir, other);

    expect(run.code).toBe(1);
    expect(run.stderr.trim().split('\n')).toEqual([
      `.data belongs to http://127.0.0.1:${port}: its issuers' DIDs and credentials carry that address, so on port ${other} none of them would verify. Start with PORT=${port} to keep it, or move .data aside to start afresh on port ${other}.`,
    ]);
    expect(await fileState(join(dir, '.data', 'dev-tokens.json'))).toEqual(tokens);
    await expect(stat(join(dir, '.data', RUNTIME_RECORD_FILE))).rejects.toMatchObject({
      code: 'ENOENT',
    });
    // DynamoDB Local was started to read the issuer, and stopped before the process left.
    expect(await dynamoDbLocalsIn(dir)).toEqual([]);
  }, 180_000);
});
