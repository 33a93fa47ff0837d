import { randomUUID } from 'node:crypto';
import {
  DeleteTableCommand,
  DynamoDBClient,
  type DynamoDBClientConfig,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocument, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, inject } from 'vitest';
import { ensureTable, localClientConfig } from '#local/dynamodb-local.ts';
import type { DynamoDocuments } from '#shared/adapters/dynamodb/documents.ts';
import { liteDynamoDb } from '#shared/adapters/dynamodb/lite/documents.ts';

/**
 * Which client the stores run on in this run: the SDK's document client (`sdk`, what the local
 * runtime uses) or the SDK-free one the deployed functions use (`lite`), chosen by
 * CREDSTACK_TEST_DYNAMODB_CLIENT. The `integration-lite` project (vitest.config.ts) runs the
 * store and API suites again with `lite`, so both clients pass the very same tests.
 */
export const STORE_CLIENT: 'sdk' | 'lite' =
  process.env.CREDSTACK_TEST_DYNAMODB_CLIENT === 'lite' ? 'lite' : 'sdk';

/**
 * The stores' document operations, plus the SDK's `send` for a test's own reads and writes of
 * raw items (always through the SDK, so they judge the client under test from outside).
 */
export type TestDocuments = DynamoDocuments & Pick<DynamoDBDocumentClient, 'send'>;

/**
 * The stores' client on DynamoDB Local at `endpoint` ({@link STORE_CLIENT} decides which). The
 * SDK client's `send` goes to `endpoint` too; the SDK-free one takes `raw.send` for the test's
 * own raw reads and writes.
 *
 * @example
 * const documents = storeDocuments(proxy.endpoint, db.documents);
 */
export function storeDocuments(
  endpoint: string,
  raw: Pick<DynamoDBDocumentClient, 'send'>,
): TestDocuments {
  const config = localClientConfig(endpoint);
  if (STORE_CLIENT === 'sdk') {
    return DynamoDBDocument.from(new DynamoDBClient(config), {
      marshallOptions: { removeUndefinedValues: true },
    });
  }
  const lite = liteDynamoDb({
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  return { ...lite, send: raw.send.bind(raw) as DynamoDBDocumentClient['send'] };
}

export interface TestTable {
  /** The raw client (for streams, table management). */
  readonly client: DynamoDBClient;
  /**
   * The document client the stores use ({@link STORE_CLIENT}); its `send` is the SDK's, for the
   * test's own raw reads and writes.
   */
  readonly documents: TestDocuments;
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
  let documents: TestDocuments | undefined;
  const tables: string[] = [];
  beforeAll(() => {
    endpoint = inject('dynamodbEndpoint');
    if (!endpoint)
      throw new Error(
        'no DynamoDB Local for this run: the test tier needs globalSetup ' +
          'test/support/dynamodb-global-setup.ts (vitest.config.ts)',
      );
    client = new DynamoDBClient(localClientConfig(endpoint));
    const sdk = DynamoDBDocument.from(client, {
      marshallOptions: { removeUndefinedValues: true },
    });
    documents = STORE_CLIENT === 'sdk' ? sdk : storeDocuments(endpoint, sdk);
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
    (documents as { destroy?: () => void } | undefined)?.destroy?.();
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
