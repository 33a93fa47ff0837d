import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';

/**
 * `npm run size:web`: the JavaScript a first visit loads — the entry script and the modules it
 * preloads, as web/dist/index.html names them; lazily loaded pages are not counted — gzipped,
 * against the 200 KB budget. Exits 1 above the budget. Run after `npm run build:web`.
 */

export const BUDGET_BYTES = 200 * 1024;
const DIST = join(dirname(fileURLToPath(import.meta.url)), '../web/dist');

/** The script files index.html loads at once: module scripts and module preloads. */
export function initialScripts(html: string): string[] {
  const found = new Set<string>();
  for (const match of html.matchAll(/<script[^>]+src="([^"]+)"/g))
    if (match[1]) found.add(match[1]);
  for (const match of html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="([^"]+)"/g))
    if (match[1]) found.add(match[1]);
  return [...found];
}

async function main(): Promise<void> {
  const html = await readFile(join(DIST, 'index.html'), 'utf8').catch(() => {
    throw new Error('web/dist/index.html is missing: run `npm run build:web` first');
  });
  const scripts = initialScripts(html);
  if (scripts.length === 0) throw new Error('index.html loads no script: the build is broken');
  let total = 0;
  for (const src of scripts) {
    const size = gzipSync(await readFile(join(DIST, src))).length;
    total += size;
    process.stdout.write(`${src}  ${(size / 1024).toFixed(1)} KB gzipped\n`);
  }
  const verdict = total <= BUDGET_BYTES ? 'within' : 'OVER';
  process.stdout.write(
    `initial JavaScript: ${(total / 1024).toFixed(1)} KB gzipped, ${verdict} the ${BUDGET_BYTES / 1024} KB budget\n`,
  );
  if (total > BUDGET_BYTES) process.exitCode = 1;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
