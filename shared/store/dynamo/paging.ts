import {
  type DynamoDBDocumentClient,
  QueryCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { ServiceError } from '#shared/service/errors.ts';
import type { Page } from '#shared/service/ports.ts';
import { recordOf } from './keys.ts';

/**
 * Opaque page cursors: the query's LastEvaluatedKey as base64url JSON. A cursor is checked
 * against the partition being queried, so one issued for another issuer's partition (or
 * edited by hand) is refused as a VALIDATION error instead of reaching DynamoDB.
 */

/** Default number of items per page. */
export const DEFAULT_PAGE_SIZE = 50;

/** What every DynamoDB store is built with. */
export interface DynamoStoreOptions {
  /** Injected: the caller owns endpoint, credentials and marshalling options. */
  readonly documents: DynamoDBDocumentClient;
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
 * Decodes a cursor into an ExclusiveStartKey. Every attribute must be a string, and the
 * attributes named in `expected` must have exactly those values.
 *
 * @example
 * decodeCursor(cursor, { PK: 'ISSUER#northfield' });
 */
export function decodeCursor(
  cursor: string | undefined,
  expected: Readonly<Record<string, string>>,
): Record<string, string> | undefined {
  if (cursor === undefined) return undefined;
  const refuse = (cause?: unknown): never => {
    throw new ServiceError('VALIDATION', 'the cursor is not one this listing issued', {
      cause,
      fields: [{ pointer: '/cursor', detail: 'not a cursor of this listing' }],
    });
  };
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch (error) {
    return refuse(error);
  }
  if (key === null || typeof key !== 'object' || Array.isArray(key)) return refuse();
  const entries = Object.entries(key);
  if (entries.length === 0 || entries.length > 4) return refuse();
  if (!entries.every(([, value]) => typeof value === 'string')) return refuse();
  const start = key as Record<string, string>;
  for (const [name, value] of Object.entries(expected)) {
    if (start[name] !== value) return refuse();
  }
  return start;
}

/**
 * Runs one page of a query and maps its items to records.
 *
 * @example
 * const page = await queryPage<AchievementRecord>(documents, input, cursor, { PK: pk });
 */
export async function queryPage<T>(
  documents: DynamoDBDocumentClient,
  input: QueryCommandInput,
  cursor: string | undefined,
  expected: Readonly<Record<string, string>>,
): Promise<Page<T>> {
  const start = decodeCursor(cursor, expected);
  const result = await documents.send(
    new QueryCommand(start === undefined ? input : { ...input, ExclusiveStartKey: start }),
  );
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
  documents: DynamoDBDocumentClient,
  input: QueryCommandInput,
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const result = await documents.send(
      new QueryCommand(start === undefined ? input : { ...input, ExclusiveStartKey: start }),
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
  protected readonly documents: DynamoDBDocumentClient;
  protected readonly table: string;
  protected readonly pageSize: number;

  constructor(options: DynamoStoreOptions) {
    this.documents = options.documents;
    this.table = options.tableName;
    this.pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
  }
}
