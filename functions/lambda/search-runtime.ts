import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { openSearchTransport } from '#shared/adapters/opensearch/client.ts';
import { OpenSearchIndex } from '#shared/adapters/opensearch/opensearch-index.ts';
import type { SearchConfig } from '../config.ts';

/**
 * The candidate index of a Lambda function: the OpenSearch adapter over a SigV4-signed
 * transport, credentials from the function's role through the SDK's default chain. Every
 * function that reaches the index (the stream indexer, the search API) builds it here, once per
 * cold start. The API passes `refresh: 'wait_for'`: a withdrawal or removal it re-indexes in the
 * request is then searchable before the answer leaves; the stream indexer keeps the index's
 * own refresh interval, which batches its writes.
 *
 * @example
 * const searchIndex = openSearchIndex(loadSearchConfig(), { refresh: 'wait_for' });
 */
export function openSearchIndex(
  config: SearchConfig,
  options: { readonly refresh?: 'wait_for' } = {},
): OpenSearchIndex {
  return new OpenSearchIndex({
    ...(options.refresh === undefined ? {} : { refresh: options.refresh }),
    transport: openSearchTransport({
      url: config.endpoint,
      aws: { region: config.region, service: config.service, credentials: defaultProvider() },
    }),
    index: config.index,
  });
}
