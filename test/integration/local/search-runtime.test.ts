import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '#local/free-port.ts';

/**
 * `npm start` as a learner and an employer meet it: the real process on its own data folder,
 * seeded with the demo tenant. The embedded search index lives in the process, so it is
 * rebuilt from the table at every start; a withdrawal takes the learner out of the results
 * before it is answered, and stays taken out across a restart.
 */

const START = resolve(dirname(fileURLToPath(import.meta.url)), '../../../local/start.ts');
const DATA_SCIENTISTS = 'ONET:15-2051.00';

let dir: string;
let port: number;
let child: ChildProcess | undefined;
let output = '';

/** Starts the runtime and resolves with what it printed once it says it is running. */
async function start(): Promise<string> {
  output = '';
  const process_ = spawn(process.execPath, [START], {
    cwd: dir,
    env: { ...process.env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child = process_;
  return new Promise((done, fail) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ctrl-C stops everything')) done(output);
    };
    process_.stdout?.on('data', onData);
    process_.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    process_.once('exit', (code) => fail(new Error(`npm start exited (${code}):\n${output}`)));
  });
}

async function stop(): Promise<void> {
  const running = child;
  child = undefined;
  if (!running || running.exitCode !== null) return;
  await new Promise<void>((done) => {
    running.once('exit', () => done());
    running.kill('SIGINT');
  });
}

async function tokens(): Promise<Record<string, { token: string }>> {
  return JSON.parse(await readFile(join(dir, '.data', 'dev-tokens.json'), 'utf8'));
}

async function call(method: string, path: string, token: string, body?: unknown) {
  const response = await fetch(`http://127.0.0.1:${port}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return {
    status: response.status,
    body: (await response.json()) as {
      hits: { learnerId: string; matched: { mustHave: { badges: unknown[] }[] } }[];
    },
  };
}

const learners = (body: { hits: { learnerId: string }[] }) =>
  body.hits.map((hit) => hit.learnerId).sort();

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'credstack-start-'));
  port = await freePort();
}, 30_000);

afterAll(async () => {
  await stop();
  await rm(dir, { recursive: true, force: true });
}, 30_000);

describe('search in the local runtime', () => {
  it('lets the demo employer find consenting learners, drops a withdrawal at once, and rebuilds the index at the next start', async () => {
    const first = await start();
    const issued = await tokens();
    const employer = issued.employer?.token ?? '';
    const ada = issued['learner-ada']?.token ?? '';

    const found = await call('POST', '/candidates/search', employer, {
      mustHave: [DATA_SCIENTISTS],
    });
    const withdrawn = await call('DELETE', '/learners/ada/consent', ada);
    const afterWithdrawal = await call('POST', '/candidates/search', employer, {
      mustHave: [DATA_SCIENTISTS],
    });
    await stop();
    const second = await start();
    const afterRestart = await call('POST', '/candidates/search', employer, {
      mustHave: [DATA_SCIENTISTS],
    });

    expect(first).toContain('(demo tenant seeded)');
    expect(first).toContain('search index rebuilt: 2 candidate(s)');
    expect(found.status).toBe(200);
    expect(learners(found.body)).toEqual(['ada', 'katherine']);
    expect(found.body.hits[0]?.matched.mustHave[0]?.badges.length).toBeGreaterThan(0);
    expect(withdrawn.status).toBe(200);
    expect(learners(afterWithdrawal.body)).toEqual(['katherine']);
    expect(second).toContain('(data kept from the last start)');
    expect(second).toContain('search index rebuilt: 2 candidate(s)');
    expect(learners(afterRestart.body)).toEqual(['katherine']);
  }, 240_000);
});
