import { setTimeout as sleep } from 'node:timers/promises';
import { ServiceError } from '#shared/domain/errors.ts';
import type { DynamoDocuments, WriteRequest } from './documents.ts';

/**
 * BatchWriteItem and BatchGetItem to the end: requests in chunks of the API's limits, and what
 * DynamoDB leaves unprocessed (throttling, a busy partition) sent again with full-jitter
 * backoff. What is still unprocessed after the attempts is UNAVAILABLE, never dropped.
 */

const WRITE_CHUNK = 25;
const GET_CHUNK = 100;
const ATTEMPTS = 8;
const BASE_DELAY_MS = 20;

/**
 * Writes every request (puts and deletes) to `table`.
 *
 * @example
 * await batchWriteAll(documents, 'credstack', items.map((Item) => ({ PutRequest: { Item } })));
 */
export async function batchWriteAll(
  documents: DynamoDocuments,
  table: string,
  requests: readonly WriteRequest[],
): Promise<void> {
  for (let start = 0; start < requests.length; start += WRITE_CHUNK) {
    let pending = requests.slice(start, start + WRITE_CHUNK);
    for (let attempt = 1; pending.length > 0; attempt += 1) {
      if (attempt > ATTEMPTS) throw new ServiceError('UNAVAILABLE', 'the table is busy; try again');
      if (attempt > 1) await sleep(Math.random() * BASE_DELAY_MS * 2 ** attempt);
      const { UnprocessedItems } = await documents.batchWrite({
        RequestItems: { [table]: pending },
      });
      pending = (UnprocessedItems?.[table] ?? []) as WriteRequest[];
    }
  }
}

/**
 * Reads every key from `table` (absent items are simply not returned).
 *
 * @example
 * const items = await batchGetAll(documents, 'credstack', [{ PK: 'TENANT#t', SK: 'SKILL#ONET:15-2051.00' }]);
 */
export async function batchGetAll(
  documents: DynamoDocuments,
  table: string,
  keys: readonly Record<string, string>[],
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  for (let start = 0; start < keys.length; start += GET_CHUNK) {
    let pending: Record<string, unknown>[] = keys.slice(start, start + GET_CHUNK);
    for (let attempt = 1; pending.length > 0; attempt += 1) {
      if (attempt > ATTEMPTS) throw new ServiceError('UNAVAILABLE', 'the table is busy; try again');
      if (attempt > 1) await sleep(Math.random() * BASE_DELAY_MS * 2 ** attempt);
      const { Responses, UnprocessedKeys } = await documents.batchGet({
        RequestItems: { [table]: { Keys: pending } },
      });
      items.push(...(Responses?.[table] ?? []));
      pending = UnprocessedKeys?.[table]?.Keys ?? [];
    }
  }
  return items;
}
