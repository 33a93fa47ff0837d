import { randomUUID } from 'node:crypto';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { inject } from 'vitest';
import { openSearchTransport } from '#shared/adapters/opensearch/client.ts';
import { ensureCandidateIndex } from '#shared/adapters/opensearch/ensure-index.ts';
import { OpenSearchIndex } from '#shared/adapters/opensearch/opensearch-index.ts';
import { searchIndexContract } from '#test/contract/search-index-contract.ts';

/**
 * The search contract against a real cluster: the local OpenSearch node the `opensearch` tier
 * starts (test/support/opensearch-global-setup.ts), or the cluster OPENSEARCH_URL names —
 * `http://localhost:9200` (user:password@ for basic auth), or an AWS endpoint with
 * OPENSEARCH_AWS_REGION (and OPENSEARCH_AWS_SERVICE=aoss for a Serverless collection) to sign
 * with the AWS credentials of the shell. Each run writes into an index of its own, created with
 * the deploy-time mapping and deleted at the end.
 */

const url = inject('opensearchUrl');
const local = inject('opensearchLocal');
const region = process.env.OPENSEARCH_AWS_REGION;
const service = process.env.OPENSEARCH_AWS_SERVICE === 'aoss' ? 'aoss' : 'es';

searchIndexContract(local ? 'OpenSearch (local node)' : 'OpenSearch (OPENSEARCH_URL)', async () => {
  const transport = openSearchTransport({
    url,
    ...(region && !local ? { aws: { region, service, credentials: defaultProvider() } } : {}),
  });
  const name = `credstack-contract-${randomUUID()}`;
  await ensureCandidateIndex(transport, name);
  return {
    // Each write waits until it is searchable: the contract searches right after writing.
    index: new OpenSearchIndex({ transport, index: name, refresh: 'wait_for' }),
    close: async () => {
      await transport.request({ method: 'DELETE', path: `/${name}` });
    },
  };
});
