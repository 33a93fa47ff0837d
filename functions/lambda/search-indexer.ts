import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { systemClock } from '#shared/core/clock.ts';
import { loadSearchConfig, serviceConfig } from '../config.ts';
import { dynamoServiceContext } from '../service-context.ts';
import { searchIndexerHandler } from '../streams/search-indexer.ts';
import { lambdaTable, NO_KEYS } from './api-runtime.ts';
import { openSearchIndex } from './search-runtime.ts';

/**
 * The search indexer's composition root: the table stream (filtered to credentials, consents,
 * imports and tenant search settings) into the OpenSearch candidate index. The event source
 * mapping reports batch item failures, so a failed batch is delivered again from its first
 * unfinished record; replays are harmless (docs/data-model.md, "Search: indexing").
 */

const config = serviceConfig();
const { documents } = lambdaTable();
const ctx = dynamoServiceContext({
  documents,
  tableName: config.tableName,
  // The indexer never signs.
  vault: NO_KEYS,
  baseUrl: config.baseUrl,
  clock: systemClock,
  searchIndex: openSearchIndex(loadSearchConfig()),
});

/** DynamoDB Streams entry point. */
export const handler: (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse> =
  searchIndexerHandler(ctx);
