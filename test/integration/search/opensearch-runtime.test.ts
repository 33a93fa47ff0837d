import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '#local/free-port.ts';

/**
 * The README's employer search walk-through on `SEARCH_ENGINE=opensearch npm start`: the real
 * process, its stream indexer feeding the tier's OpenSearch cluster (OPENSEARCH_URL, so the
 * node the tier started is reused) in an index of its own. The same walk-through on the embedded
 * engine is test/integration/local/search-runtime.test.ts.
 */

const START = resolve(dirname(fileURLToPath(import.meta.url)), '../../../local/start.ts');
const DATA_SCIENTISTS = 'ONET:15-2051.00';
const STATISTICIANS = 'ONET:15-2041.00';
const url = inject('opensearchUrl');
const index = `credstack-runtime-${randomUUID()}`;

let dir: string;
let port: number;
let child: ChildProcess | undefined;

async function start(): Promise<string> {
  let output = '';
  const running = spawn(process.execPath, [START], {
    cwd: dir,
    env: {
      ...process.env,
      PORT: String(port),
      SEARCH_ENGINE: 'opensearch',
      OPENSEARCH_URL: url,
      OPENSEARCH_INDEX: index,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child = running;
  return new Promise((done, fail) => {
    running.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ctrl-C stops everything')) done(output);
    });
    running.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    running.once('exit', (code) => fail(new Error(`npm start exited (${code}):\n${output}`)));
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

interface SearchBody {
  total: number;
  hits: { learnerId: string; matched: { mustHave: { badges: unknown[] }[] } }[];
  facets?: { skills: { key: string; count: number }[] };
}

async function search(token: string, body: unknown): Promise<{ status: number; body: SearchBody }> {
  const response = await fetch(`http://127.0.0.1:${port}/candidates/search`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as SearchBody };
}

const learners = (body: SearchBody) => body.hits.map((hit) => hit.learnerId).sort();

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'credstack-start-opensearch-'));
  port = await freePort();
}, 30_000);

afterAll(async () => {
  await stop();
  await fetch(`${url}/${index}`, { method: 'DELETE' });
  await rm(dir, { recursive: true, force: true });
}, 30_000);

describe('npm start on OpenSearch', () => {
  it('indexes the demo tenant through the stream and answers the README walk-through', async () => {
    const banner = await start();
    const tokens = JSON.parse(await readFile(join(dir, '.data', 'dev-tokens.json'), 'utf8'));
    const employer: string = tokens.employer.token;
    const ada: string = tokens['learner-ada'].token;

    const query = { mustHave: [DATA_SCIENTISTS], niceToHave: [STATISTICIANS], facets: true };
    const found = await search(employer, query);
    const withdrawn = await fetch(`http://127.0.0.1:${port}/learners/ada/consent`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${ada}` },
    });
    const afterWithdrawal = await search(employer, query);
    const stored = (await (await fetch(`${url}/${index}/_count`)).json()) as { count: number };

    expect(banner).toContain(`search engine: OpenSearch at ${url} (index ${index}`);
    expect(banner).toContain('search index rebuilt: 2 candidate(s)');
    expect(found.status).toBe(200);
    expect(learners(found.body)).toEqual(['ada', 'katherine']);
    expect(found.body.total).toBe(2);
    expect(found.body.hits[0]?.matched.mustHave[0]?.badges.length).toBeGreaterThan(0);
    expect(found.body.facets?.skills.find((s) => s.key === DATA_SCIENTISTS)?.count).toBe(2);
    expect(withdrawn.status).toBe(200);
    expect(learners(afterWithdrawal.body)).toEqual(['katherine']);
    expect(afterWithdrawal.body.facets?.skills.find((s) => s.key === DATA_SCIENTISTS)?.count).toBe(
      1,
    );
    // Ada's removal marker and Katherine: the documents went through the stream indexer.
    expect(stored.count).toBe(2);
  }, 240_000);
});
