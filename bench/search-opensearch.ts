import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { type OpenSearchNode, startOpenSearchNode } from '#local/opensearch-node.ts';
import {
  type OpenSearchTransport,
  openSearchTransport,
} from '#shared/adapters/opensearch/client.ts';
import {
  CANDIDATE_INDEX_MAPPINGS,
  CANDIDATE_INDEX_SETTINGS,
} from '#shared/adapters/opensearch/mapping.ts';
import {
  candidateDocumentId,
  candidateSource,
  OpenSearchIndex,
} from '#shared/adapters/opensearch/opensearch-index.ts';
import { buildSearchBody } from '#shared/adapters/opensearch/query.ts';
import { readSearchResponse } from '#shared/adapters/opensearch/results.ts';
import type {
  CandidateDocument,
  SearchQuery,
  SearchResult,
} from '#shared/domain/ports/search-index.ts';
import { validateSearchQuery } from '#shared/search/query-limits.ts';

/**
 * The search benchmark's real engine: an OpenSearch node (the local one from
 * local/opensearch-node, or OPENSEARCH_URL) holding the same candidates in the deploy-time
 * mapping, loaded with `_bulk` (refresh off while loading, as a reindex would), queried through
 * the adapter over HTTP.
 *
 * The mapping's choice is measured beside it: `nested` is the adapter's index (each badge a
 * nested document, so a skill and the badge filter are met by one badge); `flat` is the same
 * index plus `skillKeys`, every live skill of the candidate as a top-level keyword, with each
 * must-have also required there — a cheap filter on the parent documents before the nested
 * queries run. The flat field alone cannot answer the queries (it loses which badge carries
 * the skill), so both variants must give the same answers.
 */

type Json = Record<string, unknown>;

export type MappingVariant = 'nested' | 'flat';

export interface OpenSearchBenchIndex {
  readonly variant: MappingVariant;
  readonly buildMs: number;
  /** Primary store size after the load and a refresh. */
  readonly storeBytes: number;
  /** Lucene documents (candidates plus their nested badges). */
  readonly luceneDocs: number;
  search(query: SearchQuery): Promise<SearchResult>;
  /** Every matching learner id, paged through with the adapter's cursor. */
  matchAll(query: SearchQuery): Promise<string[]>;
}

export interface OpenSearchBench {
  readonly url: string;
  /** `local node 2.19.6 (heap 1g)` or `OPENSEARCH_URL`. */
  readonly description: string;
  /** Loads the candidates, given in chunks (generated between them, outside the timing). */
  build(
    variant: MappingVariant,
    chunks: Iterable<readonly CandidateDocument[]>,
  ): Promise<OpenSearchBenchIndex>;
  close(): Promise<void>;
}

const BULK_CANDIDATES = 500;

function flatSource(document: CandidateDocument, now: number): Json {
  const keys = new Set<string>();
  for (const badge of document.badges) {
    if (badge.validUntil !== undefined && Date.parse(badge.validUntil) < now) continue;
    for (const skill of badge.skills) keys.add(skill.key);
  }
  return { ...candidateSource(document), skillKeys: [...keys] };
}

async function call(url: string, method: string, path: string, body?: unknown): Promise<Json> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const answer = (await response.json()) as Json;
  if (!response.ok)
    throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(answer)}`);
  return answer;
}

/** Loads one chunk of candidates; returns the milliseconds it took. */
async function bulkLoad(
  url: string,
  index: string,
  documents: readonly CandidateDocument[],
  source: (document: CandidateDocument) => Json,
): Promise<number> {
  const started = performance.now();
  const send = async (from: number) => {
    const lines: string[] = [];
    for (const document of documents.slice(from, from + BULK_CANDIDATES)) {
      lines.push(
        JSON.stringify({
          index: {
            _index: index,
            _id: candidateDocumentId(document.tenantId, document.learnerId),
            version: document.version,
            version_type: 'external',
          },
        }),
        JSON.stringify(source(document)),
      );
    }
    const response = await fetch(`${url}/_bulk`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson' },
      body: `${lines.join('\n')}\n`,
    });
    const answer = (await response.json()) as { errors?: boolean; items?: unknown[] };
    if (!response.ok || answer.errors)
      throw new Error(`bulk load refused: ${JSON.stringify(answer).slice(0, 500)}`);
  };
  // Two requests in flight: one being parsed by the node while the next is serialized here.
  let next = 0;
  const worker = async () => {
    while (next < documents.length) {
      const from = next;
      next += BULK_CANDIDATES;
      await send(from);
    }
  };
  await Promise.all([worker(), worker()]);
  return performance.now() - started;
}

function prefiltered(body: Json, mustHave: readonly string[]): Json {
  if (mustHave.length === 0) return body;
  return {
    ...body,
    query: {
      bool: {
        filter: mustHave.map((key) => ({ term: { skillKeys: key } })),
        must: [body.query],
      },
    },
  };
}

async function searchWith(
  transport: OpenSearchTransport,
  index: string,
  variant: MappingVariant,
  adapter: OpenSearchIndex,
  query: SearchQuery,
): Promise<SearchResult> {
  if (variant === 'nested') return adapter.search(query);
  const checked = validateSearchQuery(query);
  const response = await transport.request({
    method: 'POST',
    path: `/${index}/_search`,
    body: prefiltered(buildSearchBody(checked), checked.mustHave),
  });
  return readSearchResponse(checked, response.body);
}

/**
 * Starts (or connects to) the engine for the benchmark.
 *
 * @example
 * const bench = await openSearchBench(); const nested = await bench.build('nested', documents);
 */
export async function openSearchBench(now: string): Promise<OpenSearchBench> {
  const given = process.env.OPENSEARCH_URL;
  const heap = process.env.BENCH_OPENSEARCH_HEAP ?? '1g';
  let node: OpenSearchNode | undefined;
  let root: string | undefined;
  if (!given) {
    root = await mkdtemp(join(tmpdir(), 'credstack-bench-opensearch-'));
    node = await startOpenSearchNode({
      home: join(root, 'home'),
      data: join(root, 'data'),
      heap: { min: heap, max: heap },
    });
  }
  const url = given ?? (node as OpenSearchNode).url;
  const version = ((await call(url, 'GET', '/')) as { version?: { number?: string } }).version
    ?.number;
  const transport = openSearchTransport({ url, requestTimeoutMs: 60_000 });
  const nowMs = Date.parse(now);
  const created: string[] = [];
  return {
    url,
    description: given
      ? `OpenSearch ${version} at OPENSEARCH_URL`
      : `OpenSearch ${version}, one local node (heap ${heap})`,
    async build(variant, chunks) {
      const index = `bench-candidates-${variant}-${process.pid}`;
      created.push(index);
      await fetch(`${url}/${index}`, { method: 'DELETE' });
      const mappings =
        variant === 'nested'
          ? CANDIDATE_INDEX_MAPPINGS
          : {
              ...CANDIDATE_INDEX_MAPPINGS,
              properties: {
                ...CANDIDATE_INDEX_MAPPINGS.properties,
                skillKeys: { type: 'keyword' },
              },
            };
      let started = performance.now();
      await call(url, 'PUT', `/${index}`, {
        settings: {
          ...CANDIDATE_INDEX_SETTINGS,
          index: {
            ...CANDIDATE_INDEX_SETTINGS.index,
            number_of_shards: 1,
            number_of_replicas: 0,
            refresh_interval: '-1',
          },
        },
        mappings,
      });
      let buildMs = performance.now() - started;
      for (const documents of chunks)
        buildMs += await bulkLoad(url, index, documents, (document) =>
          variant === 'nested' ? candidateSource(document) : flatSource(document, nowMs),
        );
      started = performance.now();
      await call(url, 'PUT', `/${index}/_settings`, { index: { refresh_interval: '1s' } });
      await call(url, 'POST', `/${index}/_refresh`);
      buildMs += performance.now() - started;
      const stats = (await call(url, 'GET', `/${index}/_stats/store,docs`)) as {
        _all: { primaries: { store: { size_in_bytes: number }; docs: { count: number } } };
      };
      const adapter = new OpenSearchIndex({ transport, index });
      const search = (query: SearchQuery) => searchWith(transport, index, variant, adapter, query);
      return {
        variant,
        buildMs,
        storeBytes: stats._all.primaries.store.size_in_bytes,
        luceneDocs: stats._all.primaries.docs.count,
        search,
        async matchAll(query) {
          const ids: string[] = [];
          let after: string | undefined;
          for (;;) {
            const page = await search({
              ...query,
              size: 100,
              facets: false,
              ...(after ? { after } : {}),
            });
            for (const hit of page.hits) ids.push(hit.learnerId);
            if (!page.next) return ids;
            after = page.next;
          }
        },
      };
    },
    async close() {
      for (const index of created) await fetch(`${url}/${index}`, { method: 'DELETE' });
      await node?.stop();
      if (root) await rm(root, { recursive: true, force: true });
    },
  };
}
