import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { openSearchTransport } from '#shared/search/opensearch/client.ts';
import { OpenSearchIndex } from '#shared/search/opensearch/opensearch-index.ts';
import type { SearchConfig } from '../config.ts';

/**
 * The candidate index of a Lambda function: the OpenSearch adapter over a SigV4-signed
 * transport, credentials from the function's role through the SDK's default chain. Every
 * function that reaches the index (the stream indexer, the search API) builds it here, once per
 * cold start.
 *
 * @example
 * const searchIndex = openSearchIndex(loadSearchConfig());
 */
export function openSearchIndex(config: SearchConfig): OpenSearchIndex {
  return new OpenSearchIndex({
    transport: openSearchTransport({
      url: config.endpoint,
      aws: { region: config.region, service: config.service, credentials: defaultProvider() },
    }),
    index: config.index,
  });
}
