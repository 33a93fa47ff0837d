/**
 * Throughput measurement that holds up on a shared, noisy machine: the candidate and its
 * baseline run in alternating rounds in the same process, and each reports the median of its
 * rounds, so a burst of load elsewhere hits both sides rather than one.
 */

/** A row of the benchmark table: a figure next to its baseline measured in the same run. */
export interface BenchRow {
  readonly metric: string;
  readonly value: number;
  readonly baselineName: string;
  readonly baseline: number;
  readonly target?: string;
  /**
   * The state the measured path meets its caches in, and how its results were checked, printed
   * under the table: a figure means little without saying whether it is warm or cold.
   */
  readonly note?: string;
  /** Rates compare as value/baseline; latencies and sizes (lower is better) as baseline/value. */
  readonly unit?: 'rate' | 'ms' | 'MB' | 'KB';
  /** The ratio column as the row's target reads it (e.g. `2.41× baseline`), instead of a %. */
  readonly ratio?: string;
}

export interface Rate {
  readonly perSecond: number;
  readonly rounds: readonly number[];
}

async function timeRound(op: (i: number) => unknown, minMs: number): Promise<number> {
  let count = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < minMs) {
    for (let batch = 0; batch < 50; batch += 1) {
      const result = op(count);
      if (result instanceof Promise) await result;
      count += 1;
    }
    elapsed = performance.now() - start;
  }
  return (count / elapsed) * 1000;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/**
 * Runs each operation in `ops` for `rounds` alternating rounds of `roundMs` and returns their
 * median rates, after one untimed warm-up round each.
 *
 * @example
 * const [full, raw] = await compareRates([() => verify(x), () => rawVerify(x)]);
 */
export async function compareRates(
  ops: readonly ((i: number) => unknown)[],
  options: { rounds?: number; roundMs?: number } = {},
): Promise<Rate[]> {
  const rounds = options.rounds ?? 5;
  const roundMs = options.roundMs ?? 1000;
  for (const op of ops) await timeRound(op, Math.min(500, roundMs));
  const samples: number[][] = ops.map(() => []);
  for (let round = 0; round < rounds; round += 1) {
    for (const [index, op] of ops.entries()) samples[index]!.push(await timeRound(op, roundMs));
  }
  return samples.map((values) => ({ perSecond: median(values), rounds: values }));
}

/** A rate as a person reads it. */
export function formatRate(perSecond: number): string {
  return `${Math.round(perSecond).toLocaleString('en-US')}/s`;
}

/**
 * `yes`/`no` for a row's target, blank where it sets none the table can check: `≥ N%` reads the
 * ratio column, `≤ N× baseline` the figure over its baseline (times), `< N KB` the figure.
 */
export function targetMet(row: Pick<BenchRow, 'value' | 'baseline' | 'unit' | 'target'>): string {
  const lowerIsBetter = row.unit === 'ms' || row.unit === 'MB' || row.unit === 'KB';
  const ratio = lowerIsBetter ? row.baseline / row.value : row.value / row.baseline;
  const verdict = (met: boolean) => (met ? 'yes' : 'no');
  const percent = row.target?.match(/^≥ ([\d.]+)%/);
  if (percent) return verdict(ratio * 100 >= Number(percent[1]));
  const times = row.target?.match(/^≤ ([\d.]+)×/);
  if (times) return verdict(row.value / row.baseline <= Number(times[1]));
  const size = row.target?.match(/^< ([\d.]+) KB$/);
  if (size && row.unit === 'KB') return verdict(row.value < Number(size[1]));
  return '';
}
