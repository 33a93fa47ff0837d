import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleFunctions } from '../infra/bundling/lambda-build.ts';
import { httpEvent, type Probe, probeOf, runProbe } from '../infra/bundling/probe.ts';
import { functionEntries } from '../infra/function-catalog.ts';
import type { BenchRow } from './measure.ts';

/**
 * Cold start as a caller feels it: for each function, a fresh Node process imports the bundle
 * that is deployed (same esbuild options as the CDK construct) and serves one event, timed
 * from before the import to the handler's answer. The floor is measured in the same rounds:
 * an empty middy handler bundled the same way. No AWS is reachable, so each function gets the
 * probe event of infra/bundling/probe.ts: answered without AWS (or failing fast without
 * credentials) after the whole init path has run.
 *
 * `BENCH_COLD_START_RUNS` (default 15) processes per function; rounds alternate functions.
 */

const BASELINE = 'empty-middy';

export interface ColdStart {
  readonly name: string;
  readonly bytes: number;
  readonly outcome: string;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

export interface ColdStartResult {
  readonly runs: number;
  readonly baseline: ColdStart;
  readonly functions: readonly ColdStart[];
}

function percentile(sorted: readonly number[], p: number): number {
  return (
    sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN
  );
}

/**
 * Bundles every function and the baseline, then times `runs` cold starts of each.
 *
 * @example
 * const { baseline, functions } = await measureColdStarts({ runs: 15 });
 */
export async function measureColdStarts(options: { runs?: number } = {}): Promise<ColdStartResult> {
  const runs = options.runs ?? Number(process.env.BENCH_COLD_START_RUNS ?? 15);
  const dir = await mkdtemp(join(tmpdir(), 'credstack-cold-start-'));
  try {
    const catalog = functionEntries();
    const { bundles } = await bundleFunctions(
      {
        [BASELINE]: 'bench/cold-start-baseline.ts',
        ...Object.fromEntries(catalog.map(([name, spec]) => [name, spec.entry])),
      },
      join(dir, 'bundles'),
    );
    const probes = new Map<string, Probe>([
      [BASELINE, { event: httpEvent('GET', '/'), expect: 'status 204' }],
      ...catalog.map(([name, spec]) => [name, probeOf(spec)] as const),
    ]);
    const samples = new Map<string, number[]>([...probes.keys()].map((name) => [name, []]));
    // Round-robin: load on the machine hits every function alike.
    for (let round = 0; round < runs; round += 1) {
      for (const [name, probe] of probes) {
        const { elapsedMs, outcome } = await runProbe(bundles[name]!.file, probe);
        if (outcome !== probe.expect)
          throw new Error(`${name} answered "${outcome}", expected "${probe.expect}"`);
        samples.get(name)!.push(elapsedMs);
      }
    }
    const summary = (name: string): ColdStart => {
      const sorted = [...samples.get(name)!].sort((a, b) => a - b);
      return {
        name,
        bytes: bundles[name]!.bytes,
        outcome: probes.get(name)!.expect,
        p50Ms: percentile(sorted, 50),
        p99Ms: percentile(sorted, 99),
      };
    };
    return {
      runs,
      baseline: summary(BASELINE),
      functions: catalog.map(([name]) => summary(name)),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const kb = (bytes: number) => `${Math.round(bytes / 1024)} KB`;

/**
 * The benchmark's rows (bench/run.ts): each function's p50 next to the empty handler's p50.
 *
 * @example
 * rows.push(...(await coldStartRows()));
 */
export async function coldStartRows(): Promise<(BenchRow & { readonly unit: 'ms' })[]> {
  const { runs, baseline, functions } = await measureColdStarts();
  process.stdout.write(
    `cold start (import + first event, fresh Node ${process.version} process, ${runs} runs each):\n${[
      baseline,
      ...functions,
    ]
      .map(
        (f) =>
          `  ${f.name.padEnd(18)} ${kb(f.bytes).padStart(7)}  p50 ${f.p50Ms.toFixed(1).padStart(6)} ms  p99 ${f.p99Ms.toFixed(1).padStart(6)} ms  (${f.outcome})`,
      )
      .join('\n')}\n`,
  );
  return functions.map((f) => ({
    metric: `cold start, ${f.name} (${kb(f.bytes)}): import + first event, p50 (p99 ${f.p99Ms.toFixed(0)} ms)`,
    value: f.p50Ms,
    baselineName: `empty middy handler (${kb(baseline.bytes)}), p50`,
    baseline: baseline.p50Ms,
    unit: 'ms',
  }));
}

if (import.meta.main) await coldStartRows();
