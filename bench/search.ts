import { performance } from 'node:perf_hooks';
import { isDeepStrictEqual } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { OpenSearchNodeError } from '#local/opensearch-node.ts';
import type { SearchQuery, SearchResult } from '#shared/domain/ports/search-index.ts';
import { EmbeddedSearchIndex } from '#shared/search/embedded/embedded-search-index.ts';
import type { BenchRow } from './measure.ts';
import {
  FULL_SCALE,
  generateSearchData,
  type SearchBenchData,
  type SearchBenchScale,
  TENANT,
} from './search-data.ts';
import { type OpenSearchBenchIndex, openSearchBench } from './search-opensearch.ts';
import {
  addToOrama,
  createOramaIndex,
  type OramaAnswer,
  type OramaIndex,
  searchOrama,
  searchOramaSkillsFirst,
} from './search-orama.ts';

/**
 * Employer search on generated data, at 100k and 300k candidates (`BENCH_SEARCH_SCALES`,
 * default `1,3`; `BENCH_SEARCH_SCALE` alone, e.g. 0.1, for a quick look): the embedded engine
 * against Orama holding the same candidates and answering the same queries in the same
 * process, in two setups: Orama applying every condition itself (visibility included), and the
 * fastest setup found, Orama applying the must-have skills and this code the visibility, page
 * and facets over its hits. Every engine is timed per query, in blocks that alternate, after a
 * warm-up; every query's total, full hit set and facets are compared between them, and so are
 * the answers of the timed runs.
 *
 * Memory: the candidates are generated anew, chunk by chunk, for each engine's build and
 * dropped after it, so the heap and buffers an engine holds after its build (after a full
 * collection) are everything it keeps, documents included.
 *
 * Then a real OpenSearch node (bench/search-opensearch.ts) loads the same candidates and
 * answers the same queries over HTTP, in the adapter's nested mapping and with a flattened
 * skill prefilter, compared the same way. It runs at the first scale (`BENCH_OPENSEARCH_ALL=1`:
 * at every scale); `BENCH_OPENSEARCH=0` leaves it out, and a node that cannot start is a row
 * of the table saying why, not a silent gap.
 */

const WARM_UP = 30;
const ROUNDS = 3;
const MB = 1024 * 1024;

// The runner starts node without --expose-gc; the flag set at run time exposes `gc` to a fresh
// context, which is enough to settle the heap before each memory reading.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/**
 * A forced full collection leaves sweeping and freeing to background work that would otherwise
 * land in the first queries timed after it, whichever engine runs them: let it finish first.
 */
const SETTLE_MS = 250;
const settle = () => new Promise((resolve) => setTimeout(resolve, SETTLE_MS));

/** Heap in use plus typed-array backing stores, after a full collection. */
function settledBytes(): number {
  gc();
  gc();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function scaled(factor: number): SearchBenchScale {
  if (factor === 1) return FULL_SCALE;
  return {
    ...FULL_SCALE,
    candidates: Math.round(FULL_SCALE.candidates * factor),
    badges: Math.round(FULL_SCALE.badges * factor),
  };
}

const median = (samples: readonly number[]) =>
  [...samples].sort((a, b) => a - b)[samples.length >> 1]!;
const ascending = (samples: number[]) => samples.sort((a, b) => a - b);

/** p50 and p99 over the per-query medians, and the tail of every sample. */
function figures(medians: number[], samples: number[]): string {
  return `p50 ${percentile(medians, 50).toFixed(2)} ms, p99 ${percentile(medians, 99).toFixed(2)} ms (every sample: p99 ${percentile(samples, 99).toFixed(2)} ms, max ${samples.at(-1)!.toFixed(2)} ms)`;
}

/** What every engine must answer for a query: the embedded engine's total, hit set, facets. */
interface Expected {
  readonly total: number;
  readonly ids: readonly string[];
  readonly facets: SearchResult['facets'];
}

/** Why an Orama answer differs from the expected one, or undefined when it agrees. */
function oramaDiffers(expected: Expected, answer: OramaAnswer, page: number | 'all') {
  if (answer.total !== expected.total) return `total ${answer.total} vs ${expected.total}`;
  if (!isDeepStrictEqual(answer.facets, expected.facets)) return 'facets differ';
  if (page === 'all') {
    if (!isDeepStrictEqual([...answer.ids].sort(), expected.ids)) return 'hit sets differ';
  } else {
    const all = new Set(expected.ids);
    if (answer.ids.some((id) => !all.has(id))) return 'a page holds an id outside the hit set';
    if (answer.ids.length !== Math.min(page, expected.total)) return 'page size';
  }
  return undefined;
}

interface EngineRun {
  readonly index: OpenSearchBenchIndex;
  readonly medians: number[];
  readonly samples: number[];
  readonly agreeing: number;
  readonly sameFirstPage: number;
  readonly firstDisagreement?: string;
}

/**
 * OpenSearch on the same documents and queries: a build per mapping variant, then blocks of
 * queries alternating between the variants, then every answer compared with the embedded one.
 */
async function openSearchRuns(
  data: SearchBenchData,
  embedded: EmbeddedSearchIndex,
  embeddedResults: readonly SearchResult[],
): Promise<{ description: string; runs: EngineRun[] }> {
  const { queries } = data;
  const bench = await openSearchBench(queries[0]!.now);
  try {
    const indexes: OpenSearchBenchIndex[] = [];
    for (const variant of ['nested', 'flat'] as const)
      indexes.push(await bench.build(variant, data.documents(5000)));
    const times = indexes.map(() => queries.map((): number[] => []));
    const timed = indexes.map((): SearchResult[] => []);
    for (let round = 0; round < ROUNDS; round += 1)
      for (const [v, index] of indexes.entries()) {
        for (const query of queries.slice(0, WARM_UP)) await index.search(query);
        for (const [i, query] of queries.entries()) {
          const at = performance.now();
          timed[v]![i] = await index.search(query);
          times[v]![i]!.push(performance.now() - at);
        }
      }
    const runs: EngineRun[] = [];
    for (const [v, index] of indexes.entries()) {
      let agreeing = 0;
      let sameFirstPage = 0;
      let firstDisagreement: string | undefined;
      for (const [i, query] of queries.entries()) {
        const ours = embeddedResults[i]!;
        const theirs = timed[v]![i]!;
        const all = (await index.matchAll(query)).sort();
        const expected = embedded.matchAll(query).sort();
        const same =
          theirs.total === ours.total &&
          isDeepStrictEqual(all, expected) &&
          isDeepStrictEqual(theirs.facets, ours.facets);
        if (same) agreeing += 1;
        else
          firstDisagreement ??= `query ${i}: total ${theirs.total} vs ${ours.total}, hit sets ${isDeepStrictEqual(all, expected) ? 'equal' : 'differ'}, facets ${isDeepStrictEqual(theirs.facets, ours.facets) ? 'equal' : 'differ'}`;
        if (
          isDeepStrictEqual(
            theirs.hits.map((hit) => hit.learnerId),
            ours.hits.map((hit) => hit.learnerId),
          )
        )
          sameFirstPage += 1;
      }
      runs.push({
        index,
        medians: ascending(times[v]!.map(median)),
        samples: ascending(times[v]!.flat()),
        agreeing,
        sameFirstPage,
        ...(firstDisagreement ? { firstDisagreement } : {}),
      });
    }
    return { description: bench.description, runs };
  } finally {
    await bench.close();
  }
}

/** One scale's measurements, kept for the rows comparing scales. */
interface ScaleRun {
  readonly label: string;
  readonly candidates: number;
  readonly embeddedBuildMs: number;
  readonly oramaBuildMs: number;
}

/**
 * Runs the search benchmark and returns its table rows (after printing summary lines).
 *
 * @example
 * rows.push(...(await searchRows()));
 */
export async function searchRows(): Promise<BenchRow[]> {
  const factors = (process.env.BENCH_SEARCH_SCALE ?? process.env.BENCH_SEARCH_SCALES ?? '1,3')
    .split(',')
    .map(Number);
  if (factors.some((factor) => !(factor > 0)))
    throw new Error('BENCH_SEARCH_SCALES must list positive scale factors, e.g. 1,3');
  const rows: BenchRow[] = [];
  const runs: ScaleRun[] = [];
  for (const [n, factor] of factors.entries()) {
    const withOpenSearch =
      process.env.BENCH_OPENSEARCH !== '0' && (n === 0 || process.env.BENCH_OPENSEARCH_ALL === '1');
    runs.push(await scaleRows(scaled(factor), withOpenSearch, rows));
  }
  const base = runs[0]!;
  for (const run of runs.slice(1)) {
    const times = run.candidates / base.candidates;
    const allowance = times * 1.1;
    rows.push(
      {
        metric: `search index build, embedded engine, ${run.label} (${times.toFixed(0)}× the data)`,
        value: run.embeddedBuildMs,
        baselineName: `embedded engine, ${base.label}, same run`,
        baseline: base.embeddedBuildMs,
        target: `≥ ${(100 / allowance).toFixed(1)}% (≤ ${allowance.toFixed(1)}× the ${base.label} build)`,
        unit: 'ms',
      },
      {
        metric: `search index build, Orama, ${run.label} (${times.toFixed(0)}× the data; reference)`,
        value: run.oramaBuildMs,
        baselineName: `Orama, ${base.label}, same run`,
        baseline: base.oramaBuildMs,
        unit: 'ms',
      },
    );
  }
  return rows;
}

async function scaleRows(
  scale: SearchBenchScale,
  withOpenSearch: boolean,
  rows: BenchRow[],
): Promise<ScaleRun> {
  let started = performance.now();
  const data = generateSearchData(scale);
  const generateMs = performance.now() - started;
  const label = `${(data.candidates / 1000).toFixed(0)}k candidates`;

  // Each build reads freshly generated chunks; only the feeding of a chunk is timed.
  const before = settledBytes();
  const embedded = new EmbeddedSearchIndex();
  let embeddedBuildMs = 0;
  for (const chunk of data.documents()) {
    started = performance.now();
    for (const document of chunk) await embedded.upsert(document);
    embeddedBuildMs += performance.now() - started;
  }
  const embeddedBytes = settledBytes() - before;
  const embeddedRss = process.memoryUsage().rss;

  const beforeOrama = settledBytes();
  const orama: OramaIndex = createOramaIndex(data.queries[0]!.now);
  let oramaBuildMs = 0;
  for (const chunk of data.documents(5000)) {
    started = performance.now();
    await addToOrama(orama, chunk);
    oramaBuildMs += performance.now() - started;
  }
  const oramaBytes = settledBytes() - beforeOrama;
  const oramaRss = process.memoryUsage().rss;

  // What every engine must answer, from the embedded engine's full hit sets.
  const expected: Expected[] = data.queries.map((query) => {
    const ids = embedded.matchAll(query).sort();
    return { total: ids.length, ids, facets: undefined };
  });

  // Each engine runs its own block of queries on a settled heap, so the collections its own
  // garbage causes land in its own timings. The blocks alternate ROUNDS times; a query's
  // latency is the median of its rounds, which keeps a stall caused by another process on this
  // shared machine out of the figure while an engine's own recurring costs stay in it. The
  // answers of the last round are checked below.
  const engines: {
    name: string;
    run: (query: SearchQuery) => Promise<SearchResult | OramaAnswer>;
  }[] = [
    { name: 'embedded', run: (query) => embedded.search(query) },
    { name: 'Orama', run: (query) => searchOrama(orama, query, query.size) },
    {
      name: 'Orama, skills first',
      run: (query) => searchOramaSkillsFirst(orama, query, query.size),
    },
  ];
  const times = engines.map(() => data.queries.map((): number[] => []));
  const cpuTimes = engines.map(() => data.queries.map((): number[] => []));
  const answers = engines.map((): (SearchResult | OramaAnswer)[] => []);
  for (let round = 0; round < ROUNDS; round += 1)
    for (const [e, engine] of engines.entries()) {
      settledBytes();
      await settle();
      for (const query of data.queries.slice(0, WARM_UP)) await engine.run(query);
      for (const [i, query] of data.queries.entries()) {
        const cpu = process.cpuUsage();
        const at = performance.now();
        const answer = await engine.run(query);
        times[e]![i]!.push(performance.now() - at);
        const used = process.cpuUsage(cpu);
        cpuTimes[e]![i]!.push((used.user + used.system) / 1000);
        answers[e]![i] = answer;
      }
    }

  // The timed answers: the embedded page within its hit set, in size, with the facets; then
  // both Orama setups' totals, facets and pages, and their complete hit sets.
  let hits = 0;
  let none = 0;
  const results = answers[0] as SearchResult[];
  for (const [i, query] of data.queries.entries()) {
    const result = results[i]!;
    const want = expected[i]!;
    const all = new Set(want.ids);
    if (
      result.total !== want.total ||
      result.hits.length !== Math.min(query.size, want.total) ||
      result.hits.some((hit) => !all.has(hit.learnerId)) ||
      !result.facets
    )
      throw new Error(`embedded search, query ${i}: the timed answer is not the expected one`);
    expected[i] = { ...want, facets: result.facets };
    hits += want.total;
    if (want.total === 0) none += 1;
  }
  for (const e of [1, 2]) {
    for (const [i, query] of data.queries.entries()) {
      const timed = oramaDiffers(expected[i]!, answers[e]![i] as OramaAnswer, query.size);
      const full = await (e === 1 ? searchOrama : searchOramaSkillsFirst)(
        orama,
        query,
        Math.max(1, expected[i]!.total),
      );
      const complete = oramaDiffers(expected[i]!, full, 'all');
      if (timed || complete)
        throw new Error(
          `${engines[e]!.name} disagrees with the embedded engine on query ${i}: ${timed ?? complete}`,
        );
    }
  }

  const medians = times.map((samples) => ascending(samples.map(median)));
  const samples = times.map((samples) => ascending(samples.flat()));
  const cpuMedians = cpuTimes.map((samples) => ascending(samples.map(median)));
  const stats = embedded.stats(TENANT);
  process.stdout.write(
    `search, ${label}: ${data.badgeCount.toLocaleString('en')} badges, ${stats.skills} skills, ${scale.issuers} issuers (queries drawn in ${(generateMs / 1000).toFixed(1)} s); ${data.queries.length} queries (2–3 must-haves, issuer or date filter, facets), mean ${Math.round(hits / data.queries.length)} matches, ${none} empty; totals, full hit sets, facets and timed pages agree across the three on ${data.queries.length}/${data.queries.length}\n` +
      `search build, ${label} (candidates generated between chunks, untimed): embedded ${(embeddedBuildMs / 1000).toFixed(1)} s, keeps ${(embeddedBytes / MB).toFixed(0)} MB heap + buffers, documents included (RSS ${(embeddedRss / MB).toFixed(0)} MB); Orama ${(oramaBuildMs / 1000).toFixed(1)} s, keeps ${(oramaBytes / MB).toFixed(0)} MB (RSS ${(oramaRss / MB).toFixed(0)} MB)\n` +
      `search latency, ${label}, median of ${ROUNDS} warm rounds per query: ${engines.map((engine, e) => `${engine.name} ${figures(medians[e]!, samples[e]!)}`).join('; ')}\n` +
      `search CPU time per query (process user + system, all threads), ${label}: ${engines.map((engine, e) => `${engine.name} p50 ${percentile(cpuMedians[e]!, 50).toFixed(2)} ms, p99 ${percentile(cpuMedians[e]!, 99).toFixed(2)} ms`).join('; ')}\n`,
  );
  const [ours, current, best] = medians as [number[], number[], number[]];
  const orama3 = 'Orama 3.1.18, same documents and queries';
  const bestName = `${orama3}, skill tokens in Orama, visibility and facets after`;
  rows.push(
    {
      metric: `employer search p50 (median of ${ROUNDS} warm runs per query), embedded engine (${label}, ${(data.badgeCount / 1e6).toFixed(1)}M badges)`,
      value: percentile(ours, 50),
      baselineName: `${bestName}, p50`,
      baseline: percentile(best, 50),
      unit: 'ms',
    },
    {
      metric: `employer search p99, embedded engine (${label})`,
      value: percentile(ours, 99),
      baselineName: `${bestName}, p99`,
      baseline: percentile(best, 99),
      target: '≥ 1000% (p99 10× lower)',
      unit: 'ms',
    },
    {
      // On this shared 2-core machine a query also waits for a core; CPU time leaves that out.
      metric: `employer search p99 in CPU time (process, all threads; no wait for a core), embedded engine (${label})`,
      value: percentile(cpuMedians[0]!, 99),
      baselineName: `${bestName}, p99 CPU time`,
      baseline: percentile(cpuMedians[2]!, 99),
      target: '≥ 1000% (p99 10× lower)',
      unit: 'ms',
    },
    {
      metric: `employer search p99, embedded engine (${label})`,
      value: percentile(ours, 99),
      baselineName: `${orama3}, every condition in Orama, p99`,
      baseline: percentile(current, 99),
      unit: 'ms',
    },
    {
      metric: `search index build, embedded engine (${label})`,
      value: embeddedBuildMs,
      baselineName: 'Orama index build',
      baseline: oramaBuildMs,
      target: '≥ 100% (no slower)',
      unit: 'ms',
    },
    {
      metric: `search index memory, embedded engine, all it keeps incl. documents (${label})`,
      value: embeddedBytes / MB,
      baselineName: 'Orama, all it keeps (heap + buffers)',
      baseline: oramaBytes / MB,
      target: '≥ 200% (≤ 0.5×)',
      unit: 'MB',
    },
  );
  if (!withOpenSearch) {
    process.stdout.write(
      `search on OpenSearch, ${label}: not measured (${process.env.BENCH_OPENSEARCH === '0' ? 'BENCH_OPENSEARCH=0' : 'runs at the first scale; BENCH_OPENSEARCH_ALL=1 for every scale'})\n`,
    );
    if (process.env.BENCH_OPENSEARCH === '0')
      rows.push(notMeasured(`OpenSearch (${label}) left out: BENCH_OPENSEARCH=0`));
    return {
      label,
      candidates: data.candidates,
      embeddedBuildMs,
      oramaBuildMs,
    };
  }
  let measured: Awaited<ReturnType<typeof openSearchRuns>>;
  try {
    measured = await openSearchRuns(data, embedded, results);
  } catch (error) {
    if (!(error instanceof OpenSearchNodeError)) throw error;
    process.stdout.write(`search on OpenSearch, ${label}: NOT MEASURED, ${error.message}\n`);
    rows.push(notMeasured(`OpenSearch (${label}) NOT MEASURED: ${error.message}`));
    return { label, candidates: data.candidates, embeddedBuildMs, oramaBuildMs };
  }
  const { description, runs } = measured;
  for (const run of runs)
    process.stdout.write(
      `search on ${description}, ${label}, ${run.index.variant} mapping: build (bulk, candidates generated between chunks) ${(run.index.buildMs / 1000).toFixed(1)} s, ${(run.index.storeBytes / MB).toFixed(0)} MB on disk, ${run.index.luceneDocs.toLocaleString('en')} Lucene documents; ${figures(run.medians, run.samples)}; same totals, hit sets and facets as the embedded engine on ${run.agreeing}/${data.queries.length}, same first page on ${run.sameFirstPage}/${data.queries.length}${run.firstDisagreement ? ` (first difference: ${run.firstDisagreement})` : ''}\n`,
    );
  const [nested, flat] = runs as [EngineRun, EngineRun];
  const os = `${description}, nested mapping (the adapter's), same documents and queries over HTTP`;
  rows.push(
    {
      metric: `employer search p50, embedded engine (${label}; answers agree with OpenSearch on ${nested.agreeing}/${data.queries.length})`,
      value: percentile(ours, 50),
      baselineName: `${os}, p50`,
      baseline: percentile(nested.medians, 50),
      unit: 'ms',
    },
    {
      metric: `employer search p99, embedded engine (${label})`,
      value: percentile(ours, 99),
      baselineName: `${os}, p99`,
      baseline: percentile(nested.medians, 99),
      unit: 'ms',
    },
    {
      metric: `search index build, embedded engine (${label})`,
      value: embeddedBuildMs,
      baselineName: 'OpenSearch bulk load + refresh, nested mapping',
      baseline: nested.index.buildMs,
      unit: 'ms',
    },
    {
      metric: `OpenSearch p50, nested + flattened skill prefilter (${label}; agree ${flat.agreeing}/${data.queries.length})`,
      value: percentile(flat.medians, 50),
      baselineName: 'OpenSearch p50, nested only',
      baseline: percentile(nested.medians, 50),
      unit: 'ms',
    },
    {
      metric: 'OpenSearch p99, nested + flattened skill prefilter',
      value: percentile(flat.medians, 99),
      baselineName: 'OpenSearch p99, nested only',
      baseline: percentile(nested.medians, 99),
      unit: 'ms',
    },
    {
      metric: 'OpenSearch bulk load + refresh, nested + flattened skill keys',
      value: flat.index.buildMs,
      baselineName: 'nested only',
      baseline: nested.index.buildMs,
      unit: 'ms',
    },
    {
      metric: 'OpenSearch index on disk, nested + flattened skill keys',
      value: flat.index.storeBytes / MB,
      baselineName: 'nested only',
      baseline: nested.index.storeBytes / MB,
      unit: 'MB',
    },
  );
  return { label, candidates: data.candidates, embeddedBuildMs, oramaBuildMs };
}

/** A row that says a measurement is missing and why (its figures print as NaN). */
function notMeasured(metric: string): BenchRow {
  return { metric, value: Number.NaN, baselineName: '—', baseline: Number.NaN, unit: 'ms' };
}
