import { randomUUID } from 'node:crypto';
import {
  DeleteTableCommand,
  DynamoDBClient,
  type DynamoDBClientConfig,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, inject } from 'vitest';
import { ensureTable, localClientConfig } from '#local/dynamodb-local.ts';

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
 * The run's DynamoDB Local (started once by the tier's global setup,
 * test/support/dynamodb-global-setup.ts) for the calling test file: every table the file makes
 * with `newTable()` has a name of its own, and is deleted after the file's tests. Call at the
 * top of an integration test file; use `newTable()` per test or per suite.
 */
export function useDynamoDbLocal(): TestTable {
  let endpoint: string | undefined;
  let client: DynamoDBClient | undefined;
  let documents: DynamoDBDocumentClient | undefined;
  const tables: string[] = [];
  beforeAll(() => {
    endpoint = inject('dynamodbEndpoint');
    if (!endpoint)
      throw new Error(
        'no DynamoDB Local for this run: the test tier needs globalSetup ' +
          'test/support/dynamodb-global-setup.ts (vitest.config.ts)',
      );
    client = new DynamoDBClient(localClientConfig(endpoint));
    documents = DynamoDBDocumentClient.from(client, {
      marshallOptions: { removeUndefinedValues: true },
    });
  });
  afterAll(async () => {
    const made = client;
    if (!made) return;
    // The database outlives the file: leave it as the file found it.
    await Promise.all(
      tables.map((name) =>
        made.send(new DeleteTableCommand({ TableName: name })).catch((error: unknown) => {
          if (!(error instanceof ResourceNotFoundException)) throw error;
        }),
      ),
    );
    made.destroy();
  });
  const started = () => {
    if (!endpoint || !client || !documents)
      throw new Error(
        'DynamoDB Local is not reached yet: call useDynamoDbLocal() at the top of the file',
      );
    return { endpoint, client, documents };
  };
  return {
    get client() {
      return started().client;
    },
    get documents() {
      return started().documents;
    },
    get endpoint() {
      return started().endpoint;
    },
    get clientConfig() {
      return localClientConfig(started().endpoint);
    },
    async newTable() {
      const name = `credstack-test-${randomUUID()}`;
      tables.push(name);
      await ensureTable(started().client, name);
      return name;
    },
  };
}
