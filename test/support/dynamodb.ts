import { randomUUID } from 'node:crypto';
import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll } from 'vitest';
import { type DynamoDbLocal, ensureTable, startDynamoDbLocal } from '#local/dynamodb-local.ts';

export interface TestTable {
  /** The raw client (for streams, table management). */
  readonly client: DynamoDBClient;
  /** The document client the stores use. */
  readonly documents: DynamoDBDocumentClient;
  readonly endpoint: string;
  /** Endpoint, region and credentials of DynamoDB Local, for clients a test builds itself. */
  readonly clientConfig: DynamoDBClientConfig;
  /** A new, empty single table, so tests never see each other's items. */
  newTable(): Promise<string>;
}

/**
 * Starts one real DynamoDB Local for the calling test file (in memory) and stops it after.
 * Call at the top of an integration test file; use `newTable()` per test or per suite.
 */
export function useDynamoDbLocal(): TestTable {
  let db: DynamoDbLocal | undefined;
  let client: DynamoDBClient | undefined;
  let documents: DynamoDBDocumentClient | undefined;
  beforeAll(async () => {
    db = await startDynamoDbLocal();
    client = new DynamoDBClient(db.clientConfig);
    documents = DynamoDBDocumentClient.from(client, {
      marshallOptions: { removeUndefinedValues: true },
    });
  }, 90_000);
  afterAll(async () => {
    client?.destroy();
    await db?.stop();
  });
  const started = () => {
    if (!db || !client || !documents)
      throw new Error(
        'DynamoDB Local is not started: call useDynamoDbLocal() at the top of the file',
      );
    return { db, client, documents };
  };
  return {
    get client() {
      return started().client;
    },
    get documents() {
      return started().documents;
    },
    get endpoint() {
      return started().db.endpoint;
    },
    get clientConfig() {
      return started().db.clientConfig;
    },
    async newTable() {
      const name = `credstack-test-${randomUUID()}`;
      await ensureTable(started().client, name);
      return name;
    },
  };
}
