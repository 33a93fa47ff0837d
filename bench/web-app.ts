import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { chromium, type Page } from 'playwright-core';
import { freePort } from '#local/free-port.ts';
import { initialScripts } from '../scripts/web-size.ts';
import type { BenchRow } from './measure.ts';

/**
 * The web app as a person's browser feels it: Debian's chromium (driven by playwright-core,
 * a fresh profile, nothing downloaded) against `npm start` on its own data folder. Ada signs
 * in through the development OpenID provider once; then, with the browser cache off (every
 * load a first visit), alternate loads of
 *
 *  - the learner page (`/app/badges`): the app's HTML, its initial JavaScript, the lazily
 *    loaded learner chunk, `/app-config.json` and the API's answer, until her badge cards are
 *    on screen;
 *  - the baseline, the plain verification page of one of her badges (`/credentials/{id}/verify`,
 *    HTML the service renders, no script), until its heading is on screen;
 *
 * are timed the same way: from navigation start until the element is in the document and the
 * document is parsed (read in the page at each animation frame, so both carry the same
 * frame-sized grain). Also reported: the initial JavaScript, gzipped, as `npm run size:web`
 * counts it.
 *
 * `BENCH_WEB_RUNS` (default 9) loads of each page.
 */

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CHROMIUM = '/usr/bin/chromium';
const BROWSER_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface WebAppTimings {
  readonly runs: number;
  readonly initialJsBytes: number;
  readonly learner: readonly number[];
  readonly verification: readonly number[];
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

async function buildApp(): Promise<number> {
  const { build } = await import('vite');
  await build({ configFile: join(ROOT, 'web/vite.config.ts'), logLevel: 'warn' });
  const dist = join(ROOT, 'web/dist');
  let total = 0;
  for (const src of initialScripts(await readFile(join(dist, 'index.html'), 'utf8')))
    total += gzipSync(await readFile(join(dist, src))).length;
  return total;
}

async function startRuntime(dir: string, port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, [join(ROOT, 'local/start.ts')], {
    cwd: dir,
    env: { ...process.env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
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

/** Milliseconds from navigation start until `selector` is in the parsed document. */
async function timeToInteractive(page: Page, url: string, selector: string): Promise<number> {
  await page.goto(url, { waitUntil: 'commit' });
  // A function, not a string: the app's CSP forbids eval, and a function runs without it.
  // (This project is type-checked without the DOM: the page's document is read loosely.)
  const handle = await page.waitForFunction(
    (wanted: string) => {
      const doc = (
        globalThis as { document?: { readyState: string; querySelector(s: string): unknown } }
      ).document;
      return doc && doc.readyState !== 'loading' && doc.querySelector(wanted)
        ? performance.now()
        : 0;
    },
    selector,
    { polling: 'raf', timeout: 60_000 },
  );
  return Number(await handle.jsonValue());
}

/**
 * @example
 * const { learner, verification, initialJsBytes } = await measureWebApp({ runs: 9 });
 */
export async function measureWebApp(options: { runs?: number } = {}): Promise<WebAppTimings> {
  const runs = options.runs ?? Number(process.env.BENCH_WEB_RUNS ?? 9);
  const initialJsBytes = await buildApp();
  const dir = await mkdtemp(join(tmpdir(), 'credstack-bench-web-'));
  const profile = await mkdtemp(join(tmpdir(), 'credstack-bench-chromium-'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  const browser = await chromium
    .launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1280, height: 900 },
      args: BROWSER_ARGS,
    })
    .catch((error: unknown) => {
      throw new Error(`${CHROMIUM} did not start (install Debian's chromium): ${String(error)}`);
    });
  try {
    child = await startRuntime(dir, port);
    const page = browser.pages()[0] ?? (await browser.newPage());

    // Ada signs in as a person does: through the provider's page.
    await page.goto(`${base}/app/sign-in`);
    await page.getByRole('button', { name: 'Sign in with your account' }).click();
    await page.getByRole('button', { name: 'learner-ada', exact: true }).click();
    await page.waitForURL((url) => url.pathname === '/app/badges');
    const verifyLink = await page
      .getByRole('list', { name: 'Badges' })
      .getByRole('link')
      .first()
      .getAttribute('href');
    await page.goto(`${base}${verifyLink}`);
    const verifyUrl = await page
      .getByRole('link', { name: 'Public verification page' })
      .getAttribute('href');
    if (!verifyUrl) throw new Error("Ada's badge page has no public verification link");

    // Every load below is a first visit as far as the cache goes.
    const cdp = await browser.newCDPSession(page);
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    const learner: number[] = [];
    const verification: number[] = [];
    // One untimed load of each first: the runtime's own first-request work is not the app's.
    await timeToInteractive(page, `${base}/app/badges`, 'ul[aria-label="Badges"] li');
    await timeToInteractive(page, new URL(verifyUrl, base).href, 'h1');
    for (let run = 0; run < runs; run += 1) {
      learner.push(
        await timeToInteractive(page, `${base}/app/badges`, 'ul[aria-label="Badges"] li'),
      );
      verification.push(await timeToInteractive(page, new URL(verifyUrl, base).href, 'h1'));
    }
    return { runs, initialJsBytes, learner, verification };
  } finally {
    await browser.close();
    if (child && child.exitCode === null) {
      const exited = new Promise((done) => child?.once('exit', done));
      child.kill('SIGINT');
      await exited;
    }
    await rm(dir, { recursive: true, force: true });
    await rm(profile, { recursive: true, force: true });
  }
}

/** The bench rows: the learner page against the plain verification page, p50 and p90. */
export async function webAppRows(): Promise<BenchRow[]> {
  const timings = await measureWebApp();
  const kb = (timings.initialJsBytes / 1024).toFixed(1);
  process.stdout.write(
    `web app: initial JavaScript ${kb} KB gzipped (budget 200 KB); learner page TTI runs (ms): ${timings.learner.map((v) => v.toFixed(0)).join(', ')}; verification page: ${timings.verification.map((v) => v.toFixed(0)).join(', ')}\n`,
  );
  return [50, 90].map((p) => ({
    metric: `web app, learner page (My badges) time to interactive in Chromium, cold cache, p${p} of ${timings.runs} (initial JS ${kb} KB gzipped)`,
    value: percentile(timings.learner, p),
    baselineName: `plain verification page (server HTML), same measure, p${p}`,
    baseline: percentile(timings.verification, p),
    unit: 'ms' as const,
  }));
}
