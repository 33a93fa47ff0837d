import { ensureCandidateIndex } from '#shared/search/opensearch/ensure-index.ts';
import { OpenSearchIndex } from '#shared/search/opensearch/opensearch-index.ts';
import { searchIndexContract } from '#test/contract/search-index-contract.ts';
import { FakeOpenSearchCluster } from './fake-opensearch-cluster.ts';

// The shared contract through the adapter's real requests, answered by the in-memory cluster:
// every query of the contract passes through the query builder and the response reader here,
// on every run; the same suite runs against a real cluster when OPENSEARCH_URL is set
// (test/integration/search/opensearch-contract.test.ts).
searchIndexContract('OpenSearch adapter (in-memory cluster)', async () => {
  const cluster = new FakeOpenSearchCluster();
  await ensureCandidateIndex(cluster, 'candidates');
  const index = new OpenSearchIndex({
    transport: cluster,
    index: 'candidates',
    refresh: 'wait_for',
  });
  return { index, close: async () => {} };
});
