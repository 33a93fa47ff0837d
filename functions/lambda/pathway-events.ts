import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { serviceConfig } from '../config.ts';
import { pathwayEventsHandler } from '../streams/pathway-events.ts';
import { awsServiceRuntime } from './aws-context.ts';

/**
 * The pathway stream consumer's composition root, built once per cold start. Its event source
 * mapping filters the table's stream to credential items and reports
 * batch item failures, so only failed learners' records are delivered again.
 */

const { ctx } = awsServiceRuntime(serviceConfig());

/** DynamoDB Streams entry point: awards and lapses pathway credentials. */
export const handler: (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse> =
  pathwayEventsHandler(ctx);
