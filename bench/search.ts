import { performance } from 'node:perf_hooks';
import { isDeepStrictEqual } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { SearchQuery, SearchResult } from '#shared/domain/ports/search-index.ts';
import { EmbeddedSearchIndex } from '#shared/search/embedded/embedded-search-index.ts';
import type { BenchRow } from './measure.ts';
import { FULL_SCALE, generateSearchData, type SearchBenchScale, TENANT } from './search-data.ts';
import { type OpenSearchBenchIndex, openSearchBench } from './search-opensearch.ts';
import { buildOramaIndex, type OramaAnswer, searchOrama } from './search-orama.ts';

/**
 * Employer search on generated data: the embedded engine against Orama holding the same
 * candidates and answering the same queries in the same process. Both are timed per query,
 * interleaved, after a warm-up; every query's total, full hit set and facets are compared.
 * Then a real OpenSearch node (bench/search-opensearch.ts; `BENCH_OPENSEARCH=0` leaves it out)
 * loads the same candidates and answers the same queries over HTTP, in the adapter's nested
 * mapping and with a flattened skill prefilter, compared the same way.
 * `BENCH_SEARCH_SCALE` (e.g. 0.1) shrinks the data for a quick look.
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

function agrees(query: SearchQuery, embedded: SearchResult, all: string[], orama: OramaAnswer) {
  const ours = [...all].sort();
  const theirs = [...orama.ids].sort();
  return (
    embedded.total === orama.total &&
    isDeepStrictEqual(ours, theirs) &&
    isDeepStrictEqual(embedded.facets, orama.facets) &&
    query.size >= embedded.hits.length
  );
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
  documents: Parameters<typeof buildOramaIndex>[0],
  queries: readonly SearchQuery[],
  embedded: EmbeddedSearchIndex,
  embeddedResults: readonly SearchResult[],
): Promise<{ description: string; runs: EngineRun[] }> {
  const bench = await openSearchBench(queries[0]!.now);
  try {
    const indexes: OpenSearchBenchIndex[] = [];
    for (const variant of ['nested', 'flat'] as const)
      indexes.push(await bench.build(variant, documents));
    const times = indexes.map(() => queries.map((): number[] => []));
    for (let round = 0; round < ROUNDS; round += 1)
      for (const [v, index] of indexes.entries()) {
        for (const query of queries.slice(0, WARM_UP)) await index.search(query);
        for (const [i, query] of queries.entries()) {
          const at = performance.now();
          await index.search(query);
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
        const theirs = await index.search(query);
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
      const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;
      runs.push({
        index,
        medians: times[v]!.map(median).sort((a, b) => a - b),
        samples: times[v]!.flat().sort((a, b) => a - b),
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

/**
 * Runs the search benchmark and returns its table rows (after printing a summary line).
 *
 * @example
 * rows.push(...(await searchRows()));
 */
export async function searchRows(): Promise<BenchRow[]> {
  const scale = scaled(Number(process.env.BENCH_SEARCH_SCALE ?? 1));
  const empty = settledBytes();
  let started = performance.now();
  const data = generateSearchData(scale);
  const generateMs = performance.now() - started;
  const documentBytes = settledBytes() - empty;

  const before = settledBytes();
  started = performance.now();
  const embedded = new EmbeddedSearchIndex();
  for (const document of data.documents) await embedded.upsert(document);
  const embeddedBuildMs = performance.now() - started;
  const embeddedBytes = settledBytes() - before;
  const embeddedRss = process.memoryUsage().rss;

  const beforeOrama = settledBytes();
  started = performance.now();
  const orama = await buildOramaIndex(data.documents, data.queries[0]!.now);
  const oramaBuildMs = performance.now() - started;
  const oramaBytes = settledBytes() - beforeOrama;
  const oramaRss = process.memoryUsage().rss;

  // Each engine runs its own block of queries on a settled heap, so the collections its own
  // garbage causes land in its own timings. The blocks alternate ROUNDS times; a query's
  // latency is the median of its rounds, which keeps a stall caused by another process on this
  // shared machine out of the figure while an engine's own recurring costs stay in it.
  const ours: number[][] = data.queries.map(() => []);
  const theirs: number[][] = data.queries.map(() => []);
  const results: SearchResult[] = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    settledBytes();
    await settle();
    for (const query of data.queries.slice(0, WARM_UP)) await embedded.search(query);
    for (const [i, query] of data.queries.entries()) {
      const at = performance.now();
      results[i] = await embedded.search(query);
      ours[i]!.push(performance.now() - at);
    }
    settledBytes();
    await settle();
    for (const query of data.queries.slice(0, WARM_UP)) await searchOrama(orama, query, query.size);
    for (const [i, query] of data.queries.entries()) {
      const at = performance.now();
      await searchOrama(orama, query, query.size);
      theirs[i]!.push(performance.now() - at);
    }
  }

  let agreeing = 0;
  let hits = 0;
  let none = 0;
  for (const [i, query] of data.queries.entries()) {
    const result = results[i]!;
    const all = embedded.matchAll(query);
    const answer = await searchOrama(orama, query, Math.max(1, result.total));
    if (agrees(query, result, all, answer)) agreeing += 1;
    hits += result.total;
    if (result.total === 0) none += 1;
  }
  if (agreeing !== data.queries.length)
    throw new Error(`search engines disagree on ${data.queries.length - agreeing} queries`);

  const median = (samples: number[]) => [...samples].sort((a, b) => a - b)[samples.length >> 1]!;
  const sorted = (samples: number[]) => samples.sort((a, b) => a - b);
  const ourMedians = sorted(ours.map(median));
  const theirMedians = sorted(theirs.map(median));
  const ourSamples = sorted(ours.flat());
  const theirSamples = sorted(theirs.flat());
  const figures = (medians: number[], samples: number[]) =>
    `p50 ${percentile(medians, 50).toFixed(2)} ms, p99 ${percentile(medians, 99).toFixed(2)} ms (every sample: p99 ${percentile(samples, 99).toFixed(2)} ms, max ${samples.at(-1)!.toFixed(2)} ms)`;
  const stats = embedded.stats(TENANT);
  process.stdout.write(
    `search: ${data.documents.length.toLocaleString('en')} candidates, ${data.badgeCount.toLocaleString('en')} badges, ${stats.skills} skills, ${scale.issuers} issuers (generated in ${(generateMs / 1000).toFixed(1)} s, ${(documentBytes / MB).toFixed(0)} MB as objects); ${data.queries.length} queries (2–3 must-haves, issuer or date filter, facets), mean ${Math.round(hits / data.queries.length)} matches, ${none} empty; same totals, hit sets and facets on ${agreeing}/${data.queries.length}\n` +
      `search build: embedded ${(embeddedBuildMs / 1000).toFixed(1)} s, ${(embeddedBytes / MB).toFixed(0)} MB heap + buffers (RSS ${(embeddedRss / MB).toFixed(0)} MB); Orama ${(oramaBuildMs / 1000).toFixed(1)} s, ${(oramaBytes / MB).toFixed(0)} MB (RSS ${(oramaRss / MB).toFixed(0)} MB)\n` +
      `search latency, median of ${ROUNDS} rounds per query: embedded ${figures(ourMedians, ourSamples)}; Orama ${figures(theirMedians, theirSamples)}\n`,
  );
  const orama3 = 'Orama 3.1.18, same documents and queries';
  const rows: BenchRow[] = [
    {
      metric: `employer search p50 (median of ${ROUNDS} runs per query), embedded engine (${(data.documents.length / 1000).toFixed(0)}k candidates, ${(data.badgeCount / 1e6).toFixed(1)}M badges)`,
      value: percentile(ourMedians, 50),
      baselineName: `${orama3}, p50`,
      baseline: percentile(theirMedians, 50),
      unit: 'ms',
    },
    {
      metric: `employer search p99 (median of ${ROUNDS} runs per query), embedded engine`,
      value: percentile(ourMedians, 99),
      baselineName: `${orama3}, p99`,
      baseline: percentile(theirMedians, 99),
      target: '≥ 1000% (p99 10× lower)',
      unit: 'ms',
    },
    {
      metric: 'search index build, embedded engine',
      value: embeddedBuildMs,
      baselineName: 'Orama index build',
      baseline: oramaBuildMs,
      unit: 'ms',
    },
    {
      metric: 'search index memory after build, embedded engine (heap + buffers)',
      value: embeddedBytes / MB,
      baselineName: 'Orama, same documents (heap + buffers)',
      baseline: oramaBytes / MB,
      unit: 'MB',
    },
  ];
  if (process.env.BENCH_OPENSEARCH === '0') return rows;

  const { description, runs } = await openSearchRuns(
    data.documents,
    data.queries,
    embedded,
    results,
  );
  for (const run of runs)
    process.stdout.write(
      `search on ${description}, ${run.index.variant} mapping: build (bulk) ${(run.index.buildMs / 1000).toFixed(1)} s, ${(run.index.storeBytes / MB).toFixed(0)} MB on disk, ${run.index.luceneDocs.toLocaleString('en')} Lucene documents; ${figures(run.medians, run.samples)}; same totals, hit sets and facets as the embedded engine on ${run.agreeing}/${data.queries.length}, same first page on ${run.sameFirstPage}/${data.queries.length}${run.firstDisagreement ? ` (first difference: ${run.firstDisagreement})` : ''}\n`,
    );
  const [nested, flat] = runs as [EngineRun, EngineRun];
  const os = `${description}, nested mapping (the adapter's), same documents and queries over HTTP`;
  rows.push(
    {
      metric: `employer search p50, embedded engine (answers agree with OpenSearch on ${nested.agreeing}/${data.queries.length})`,
      value: percentile(ourMedians, 50),
      baselineName: `${os}, p50`,
      baseline: percentile(nested.medians, 50),
      unit: 'ms',
    },
    {
      metric: 'employer search p99, embedded engine',
      value: percentile(ourMedians, 99),
      baselineName: `${os}, p99`,
      baseline: percentile(nested.medians, 99),
      unit: 'ms',
    },
    {
      metric: 'search index build, embedded engine',
      value: embeddedBuildMs,
      baselineName: 'OpenSearch bulk load + refresh, nested mapping',
      baseline: nested.index.buildMs,
      unit: 'ms',
    },
    {
      metric: `OpenSearch p50, nested + flattened skill prefilter (agree ${flat.agreeing}/${data.queries.length})`,
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
  return rows;
}
