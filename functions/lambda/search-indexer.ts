import { loadSearchConfig, serviceConfig } from '../config.ts';
import { observed } from '../observability.ts';
import { searchIndexerHandler } from '../streams/search-indexer.ts';
import type { StreamConsumer } from '../streams/stream-consumer.ts';
import { lambdaServiceContext } from './api-runtime.ts';
import { openSearchIndex } from './search-runtime.ts';

/**
 * The search indexer's composition root: the table stream (filtered to credentials, consents,
 * imports and tenant search settings) into the OpenSearch candidate index. The event source
 * mapping reports batch item failures, so a failed batch is delivered again from its first
 * unfinished record; replays are harmless (docs/data-model.md, "Search: indexing").
 */

// The indexer never signs: no KMS vault.
const ctx = lambdaServiceContext(serviceConfig(), {
  searchIndex: openSearchIndex(loadSearchConfig()),
});

/** DynamoDB Streams entry point. */
export const handler: StreamConsumer = observed(searchIndexerHandler(ctx));
