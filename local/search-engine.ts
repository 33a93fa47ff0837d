import { join } from 'node:path';
import { openSearchTransport } from '#shared/adapters/opensearch/client.ts';
import { ensureCandidateIndex } from '#shared/adapters/opensearch/ensure-index.ts';
import { OpenSearchIndex } from '#shared/adapters/opensearch/opensearch-index.ts';
import type { SearchIndex } from '#shared/domain/ports/search-index.ts';
import { EmbeddedSearchIndex } from '#shared/search/embedded/embedded-search-index.ts';
import { startOpenSearchNode } from './opensearch-node.ts';

/**
 * The search engine of `npm start`, chosen by SEARCH_ENGINE:
 * - `embedded` (default): the in-process engine, rebuilt from the table at each start;
 * - `opensearch`: a real OpenSearch node on loopback with its data in `<data>/opensearch`
 *   (started and stopped with the service), or the cluster OPENSEARCH_URL names (an
 *   unauthenticated or basic-auth URL; AWS endpoints are for the deployed service), in the
 *   index OPENSEARCH_INDEX (default `credstack-candidates`).
 * The same stream indexer feeds either; the candidate index is created with the deploy-time
 * mapping when absent.
 */

export interface LocalSearchEngine {
  readonly searchIndex: SearchIndex;
  /** One line for the start banner. */
  readonly description: string;
  stop(): Promise<void>;
}

/** The candidate index of the local runtime on OpenSearch (OPENSEARCH_INDEX overrides it). */
export const LOCAL_CANDIDATE_INDEX = 'credstack-candidates';

export async function openLocalSearchEngine(
  dataRoot: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<LocalSearchEngine> {
  const engine = env.SEARCH_ENGINE ?? 'embedded';
  if (engine === 'embedded')
    return {
      searchIndex: new EmbeddedSearchIndex(),
      description: 'embedded (in this process)',
      stop: async () => {},
    };
  if (engine !== 'opensearch')
    throw new Error(`SEARCH_ENGINE must be "embedded" or "opensearch", not "${engine}"`);
  const given = env.OPENSEARCH_URL;
  const node = given
    ? undefined
    : await startOpenSearchNode({
        home: join(dataRoot, 'opensearch', 'home'),
        data: join(dataRoot, 'opensearch', 'data'),
      });
  const url = given ?? (node as { url: string }).url;
  const index = env.OPENSEARCH_INDEX ?? LOCAL_CANDIDATE_INDEX;
  try {
    const transport = openSearchTransport({ url });
    await ensureCandidateIndex(transport, index);
    return {
      // Read-your-writes, as the embedded engine gives: a search right after an award sees it.
      searchIndex: new OpenSearchIndex({
        transport,
        index,
        refresh: 'wait_for',
      }),
      description: `OpenSearch at ${url} (index ${index}${node ? `, local node pid ${node.pid}` : ''})`,
      stop: async () => node?.stop(),
    };
  } catch (error) {
    await node?.stop();
    throw error;
  }
}
