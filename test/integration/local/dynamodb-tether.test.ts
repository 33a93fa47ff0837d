import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

/** Whether a process with this id still runs (signal 0 only asks). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The pids of the JVMs whose command line names this data folder. */
async function jvmsOn(dbPath: string): Promise<number[]> {
  const { readdir, readFile } = await import('node:fs/promises');
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.includes('DynamoDBLocal.jar') && cmdline.includes(dbPath)) pids.push(Number(entry));
  }
  return pids;
}

describe('DynamoDB Local tethered to its runtime', () => {
  it('stops when the process that started it is killed with SIGKILL', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'credstack-tether-'));
    dirs.push(dir);
    const dbPath = join(dir, 'dynamodb');
    // A runtime that starts DynamoDB Local on a data folder, says so, and waits to be killed.
    const script = `
      import { startDynamoDbLocal } from '#local/dynamodb-local.ts';
      await startDynamoDbLocal({ dbPath: ${JSON.stringify(dbPath)} });
      process.stdout.write('ready\\n');
      setInterval(() => {}, 1000);
    `;
    const runtime = spawn(process.execPath, ['--input-type=module', '-e', script], {
      cwd: process.cwd(),
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve, reject) => {
      runtime.stdout?.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('ready')) resolve();
      });
      runtime.once('exit', (code) => reject(new Error(`the runtime exited early (${code})`)));
    });
    const [jvm] = await jvmsOn(dbPath);
    expect(jvm).toBeTypeOf('number');

    runtime.kill('SIGKILL');
    const deadline = Date.now() + 20_000;
    while (jvm !== undefined && alive(jvm) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }

    expect(jvm !== undefined && alive(jvm)).toBe(false);
    expect(await jvmsOn(dbPath)).toEqual([]);
  }, 90_000);
});
