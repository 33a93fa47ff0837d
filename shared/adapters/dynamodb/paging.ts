import type { QueryCommandInput, QueryCommandOutput } from '@aws-sdk/lib-dynamodb';
import { ServiceError } from '#shared/domain/errors.ts';
import type { Page } from '#shared/domain/ports/repositories.ts';
import type { Answer, DynamoDocuments } from './documents.ts';
import { recordOf } from './keys.ts';
import { GSI1, GSI2, KEY } from './table.ts';

/**
 * Opaque page cursors: the query's LastEvaluatedKey as base64url JSON. A cursor is checked
 * strictly before it reaches DynamoDB: exactly the key attributes of the table or index being
 * queried (a cursor missing its sort key, or carrying an extra attribute, is refused), each a
 * string within DynamoDB's key limits, and the partition the query reads. One issued for
 * another issuer's partition, or edited by hand, is a VALIDATION error (400 naming `cursor`).
 */

/** Longest cursor accepted: four key attributes at DynamoDB's limits, as base64url JSON. */
export const MAX_CURSOR_LENGTH = 2000;

// DynamoDB's key size limits, in bytes: partition keys 2,048, sort keys 1,024.
const MAX_PARTITION_KEY_BYTES = 2048;
const MAX_SORT_KEY_BYTES = 1024;

/** The key attributes of a query's LastEvaluatedKey: the table's, plus the index's if any. */
const CURSOR_KEYS: Readonly<Record<string, readonly (readonly [string, number])[]>> = {
  '': [
    [KEY.pk, MAX_PARTITION_KEY_BYTES],
    [KEY.sk, MAX_SORT_KEY_BYTES],
  ],
  [GSI1]: [
    [KEY.pk, MAX_PARTITION_KEY_BYTES],
    [KEY.sk, MAX_SORT_KEY_BYTES],
    [KEY.gsi1pk, MAX_PARTITION_KEY_BYTES],
    [KEY.gsi1sk, MAX_SORT_KEY_BYTES],
  ],
  [GSI2]: [
    [KEY.pk, MAX_PARTITION_KEY_BYTES],
    [KEY.sk, MAX_SORT_KEY_BYTES],
    [KEY.gsi2pk, MAX_PARTITION_KEY_BYTES],
    [KEY.gsi2sk, MAX_SORT_KEY_BYTES],
  ],
};

/** Default number of items per page. */
export const DEFAULT_PAGE_SIZE = 50;

/** What every DynamoDB store is built with. */
export interface DynamoStoreOptions {
  /** Injected: the caller owns endpoint, credentials and marshalling options. */
  readonly documents: DynamoDocuments;
  readonly tableName: string;
  /** Items per listed page (default 50). */
  readonly pageSize?: number;
}

/**
 * Encodes a LastEvaluatedKey as a cursor; undefined when there is no next page.
 *
 * @example
 * encodeCursor({ PK: 'ISSUER#a', SK: 'ACH#1' }); // 'eyJQSyI6…'
 */
export function encodeCursor(key: Record<string, unknown> | undefined): string | undefined {
  return key === undefined ? undefined : Buffer.from(JSON.stringify(key)).toString('base64url');
}

/**
 * Decodes a cursor into an ExclusiveStartKey. It must hold exactly the key attributes of the
 * table (or of `indexName` and the table), each a non-empty string within DynamoDB's key size,
 * and the attributes named in `expected` must have exactly those values.
 *
 * @example
 * decodeCursor(cursor, { PK: 'ISSUER#northfield' });
 * decodeCursor(cursor, { GSI1PK: 'LEARNER#ada' }, 'GSI1');
 */
export function decodeCursor(
  cursor: string | undefined,
  expected: Readonly<Record<string, string>>,
  indexName?: string,
): Record<string, string> | undefined {
  if (cursor === undefined) return undefined;
  const refuse = (cause?: unknown): never => {
    throw new ServiceError('VALIDATION', 'the cursor is not one this listing issued', {
      cause,
      fields: [{ pointer: '/cursor', detail: 'not a cursor of this listing' }],
    });
  };
  const keys = CURSOR_KEYS[indexName ?? ''];
  if (keys === undefined) throw new TypeError(`no cursor keys known for index ${indexName}`);
  if (cursor.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(cursor)) return refuse();
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch (error) {
    return refuse(error);
  }
  if (key === null || typeof key !== 'object' || Array.isArray(key)) return refuse();
  const start = key as Record<string, unknown>;
  if (Object.keys(start).length !== keys.length) return refuse();
  for (const [name, maxBytes] of keys) {
    const value = Object.hasOwn(start, name) ? start[name] : undefined;
    if (typeof value !== 'string' || value === '' || Buffer.byteLength(value) > maxBytes)
      return refuse();
  }
  for (const [name, value] of Object.entries(expected)) {
    if (start[name] !== value) return refuse();
  }
  return start as Record<string, string>;
}

/**
 * Runs one page of a query and maps its items to records.
 *
 * @example
 * const page = await queryPage<AchievementRecord>(documents, input, cursor, { PK: pk });
 */
export async function queryPage<T>(
  documents: DynamoDocuments,
  input: QueryCommandInput,
  cursor: string | undefined,
  expected: Readonly<Record<string, string>>,
): Promise<Page<T>> {
  const start = decodeCursor(cursor, expected, input.IndexName);
  let result: Answer<QueryCommandOutput>;
  try {
    result = await documents.query(
      start === undefined ? input : { ...input, ExclusiveStartKey: start },
    );
  } catch (error) {
    // A well-formed cursor can still name a position outside the query's key condition (a sort
    // key of another item type): DynamoDB refuses such a starting key, and it is the cursor's
    // fault, not the service's.
    if (start !== undefined && error instanceof Error && error.name === 'ValidationException')
      throw new ServiceError('VALIDATION', 'the cursor is not one this listing issued', {
        cause: error,
        fields: [{ pointer: '/cursor', detail: 'not a cursor of this listing' }],
      });
    throw error;
  }
  const items = (result.Items ?? []).map((item) => recordOf<T>(item));
  const next = encodeCursor(result.LastEvaluatedKey);
  return next === undefined ? { items } : { items, cursor: next };
}

/**
 * Runs a query to its end and returns every item (for small partitions: an issuer's keys, a
 * status list's bits chunks).
 *
 * @example
 * const items = await queryAll(documents, input);
 */
export async function queryAll(
  documents: DynamoDocuments,
  input: QueryCommandInput,
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const result = await documents.query(
      start === undefined ? input : { ...input, ExclusiveStartKey: start },
    );
    items.push(...(result.Items ?? []));
    start = result.LastEvaluatedKey;
  } while (start !== undefined);
  return items;
}

/**
 * What every store on the single table holds: the injected document client, the table name
 * and the listing page size.
 */
export abstract class DynamoStore {
  protected readonly documents: DynamoDocuments;
  protected readonly table: string;
  protected readonly pageSize: number;

  constructor(options: DynamoStoreOptions) {
    this.documents = options.documents;
    this.table = options.tableName;
    this.pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
  }
}
