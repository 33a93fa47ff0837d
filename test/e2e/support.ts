import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AxeBuilder } from '@axe-core/playwright';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { freePort } from '#local/free-port.ts';

/**
 * A browser journey's setting: the real `npm start` on its own data folder and Debian's
 * chromium (playwright-core, no browser download, a fresh profile), with the checks every
 * page gets — axe (no serious or critical violation), nothing scrolling sideways, and a
 * photograph at 390 px and 1280 px into test-results/e2e/.
 */

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const SHOTS = join(ROOT, 'test-results/e2e');
const START = join(ROOT, 'local/start.ts');
const CHROMIUM = '/usr/bin/chromium';

// biome-ignore lint/suspicious/noExplicitAny: API answers are read loosely in a journey test
type Loose = any;

export interface Journey {
  readonly base: string;
  readonly page: Page;
  /** The token of a demo user of `.data/dev-tokens.json`. */
  token(name: string): Promise<string>;
  /** A JSON call to the API as a demo user. */
  api(
    method: string,
    path: string,
    as: string,
    body?: unknown,
  ): Promise<{ status: number; body: Loose }>;
  /** Checks the page as it stands (axe, no sideways scroll) and photographs it at both widths. */
  shoot(name: string): Promise<void>;
  signInAs(user: string): Promise<void>;
  close(): Promise<void>;
}

async function startRuntime(dir: string, port: number): Promise<ChildProcess> {
  let output = '';
  const child = spawn(process.execPath, [START], {
    cwd: dir,
    env: { ...process.env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  await new Promise<void>((done, fail) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ctrl-C stops everything')) done();
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('exit', (code) => fail(new Error(`npm start exited (${code}):\n${output}`)));
  });
  return child;
}

/**
 * Starts the runtime and the browser for one journey.
 *
 * @example
 * const journey = await startJourney();
 * await journey.signInAs('issuer-admin');
 */
export async function startJourney(): Promise<Journey> {
  const dir = await mkdtemp(join(tmpdir(), 'credstack-e2e-'));
  const profile = await mkdtemp(join(tmpdir(), 'credstack-chromium-'));
  await mkdir(SHOTS, { recursive: true });
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const child = await startRuntime(dir, port);
  const browser: BrowserContext = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 900 },
    acceptDownloads: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const page = browser.pages()[0] ?? (await browser.newPage());

  const token = async (name: string): Promise<string> => {
    const tokens = JSON.parse(await readFile(join(dir, '.data/dev-tokens.json'), 'utf8'));
    return tokens[name].token as string;
  };

  return {
    base,
    page,
    token,
    async api(method, path, as, body) {
      const response = await fetch(`${base}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${await token(as)}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: response.status, body: await response.json() };
    },
    async shoot(name) {
      for (const width of [390, 1280]) {
        await page.setViewportSize({ width, height: 900 });
        // (Expressions run in the page, as strings: this project is type-checked without the DOM.)
        const overflow = Number(
          await page.evaluate(
            'document.documentElement.scrollWidth - document.documentElement.clientWidth',
          ),
        );
        expect(overflow, `${name} at ${width}px scrolls sideways`).toBeLessThanOrEqual(0);
        await page.screenshot({ path: join(SHOTS, `${name}-${width}.png`), fullPage: true });
      }
      const results = await new AxeBuilder({ page }).analyze();
      const bad = results.violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
      expect(bad, `${name}: accessibility`).toEqual([]);
    },
    async signInAs(user) {
      await page.goto(`${base}/app/sign-in`);
      await page.getByRole('button', { name: user, exact: true }).click();
      await page.waitForURL((url) => !url.pathname.startsWith('/app/sign-in'));
    },
    async close() {
      await browser.close();
      if (child.exitCode === null) {
        const exited = new Promise((done) => child.once('exit', done));
        child.kill('SIGINT');
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
      await rm(profile, { recursive: true, force: true });
    },
  };
}
