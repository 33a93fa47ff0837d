import { bundleBudgetViolations } from '../function-catalog.ts';
import { bundleFunctions } from './lambda-build.ts';

/**
 * `node infra/bundling/bundle-command.ts <outdir> <name>=<entry>…`: bundles the given entries
 * with the shared options and prints their sizes as JSON (bytes loaded at start and in all), or
 * fails when a bundle of the catalog outgrew a budget. The CDK app runs it as a child
 * process because asset bundling is synchronous and esbuild plugins only run asynchronously.
 */

const [outdir, ...pairs] = process.argv.slice(2);
if (outdir === undefined || pairs.length === 0) {
  process.stderr.write('usage: bundle-command.ts <outdir> <name>=<entry>…\n');
  process.exit(2);
}
const entries = Object.fromEntries(
  pairs.map((pair) => {
    const at = pair.indexOf('=');
    if (at <= 0) throw new Error(`not <name>=<entry>: ${pair}`);
    return [pair.slice(0, at), pair.slice(at + 1)];
  }),
);
const { bundles } = await bundleFunctions(entries, outdir);
const sizes = Object.fromEntries(
  Object.values(bundles).map((b) => [
    b.name,
    { startBytes: b.startBytes, totalBytes: b.totalBytes },
  ]),
);
// A build gate: a function whose bundle outgrew its budget is not shipped.
const over = bundleBudgetViolations(sizes);
if (over.length > 0) {
  process.stderr.write(
    `bundles over their budget (infra/function-catalog.ts):\n  ${over.join('\n  ')}\n`,
  );
  process.exit(1);
}
process.stdout.write(`${JSON.stringify(sizes)}\n`);
