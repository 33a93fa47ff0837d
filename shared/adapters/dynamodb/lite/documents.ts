import { randomUUID } from 'node:crypto';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { marshall, type NativeAttributeValue, unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDocuments, WriteRequest } from '../documents.ts';
import {
  type DynamoDbTransport,
  dynamoDbTransport,
  type LiteDynamoDbOptions,
} from './transport.ts';

/**
 * The stores' document operations (../documents.ts) over the SDK-free transport: items are
 * converted to and from DynamoDB's attribute values exactly where the SDK's document client
 * converts them (keys, items, expression values, and the items of answers), with the SDK's
 * own converter (`@aws-sdk/util-dynamodb`, about 5 KB), undefined members dropped as the
 * service's clients are configured to. Attribute values a failure carries (the `Item` of a
 * failed condition, of a cancellation reason) stay in wire form, as the SDK leaves them.
 */

type Item = Record<string, NativeAttributeValue>;
type Wire = Record<string, AttributeValue>;
type Json = Record<string, unknown>;

const toWire = (item: Item | undefined): Wire | undefined =>
  item === undefined ? undefined : marshall(item, { removeUndefinedValues: true });
const fromWire = (item: unknown): Item | undefined =>
  item === undefined ? undefined : unmarshall(item as Wire);
const itemsFromWire = (items: unknown): Item[] | undefined =>
  items === undefined ? undefined : (items as Wire[]).map((item) => unmarshall(item));

/** The input with each named member converted to attribute values, when present. */
function withWire<T extends object>(input: T, members: readonly string[]): Json {
  const out: Json = { ...(input as Json) };
  for (const member of members) {
    const value = out[member];
    if (value !== undefined) out[member] = toWire(value as Item);
  }
  return out;
}

const KEYED = ['Key', 'ExpressionAttributeValues'] as const;

function writeRequestToWire(request: WriteRequest): Json {
  return {
    ...(request.PutRequest ? { PutRequest: { Item: toWire(request.PutRequest.Item) } } : {}),
    ...(request.DeleteRequest ? { DeleteRequest: { Key: toWire(request.DeleteRequest.Key) } } : {}),
  };
}

function writeRequestFromWire(request: Json): WriteRequest {
  const put = request.PutRequest as { Item?: unknown } | undefined;
  const del = request.DeleteRequest as { Key?: unknown } | undefined;
  return {
    ...(put ? { PutRequest: { Item: fromWire(put.Item) ?? {} } } : {}),
    ...(del ? { DeleteRequest: { Key: fromWire(del.Key) ?? {} } } : {}),
  };
}

function mapTables<In, Out>(
  tables: Readonly<Record<string, In>> | undefined,
  convert: (value: In) => Out,
): Record<string, Out> | undefined {
  if (tables === undefined) return undefined;
  const out: Record<string, Out> = {};
  for (const [table, value] of Object.entries(tables)) out[table] = convert(value);
  return out;
}

/** What the lite client answers besides the stores' operations. */
export interface LiteDynamoDb extends DynamoDocuments {
  /** DescribeTable, for the health check. */
  describeTable(input: {
    readonly TableName: string;
  }): Promise<{ readonly Table?: { readonly TableStatus?: string } }>;
  /** Closes the kept-alive connections. */
  destroy(): void;
}

/**
 * The SDK-free DynamoDB document client; by default region, endpoint and credentials come
 * from the Lambda environment.
 *
 * @example
 * const documents = liteDynamoDb();
 * const { Item } = await documents.get({ TableName: 'credstack', Key: { PK: 'ISSUER#x', SK: 'PROFILE' } });
 */
export function liteDynamoDb(
  options: LiteDynamoDbOptions & { readonly transport?: DynamoDbTransport } = {},
): LiteDynamoDb {
  const transport = options.transport ?? dynamoDbTransport(options);
  const call = (operation: string, input: object) => transport.call(operation, input);
  return {
    async get(input) {
      const out = await call('GetItem', withWire(input, ['Key']));
      return { ...out, Item: fromWire(out.Item) };
    },
    async put(input) {
      const out = await call('PutItem', withWire(input, ['Item', 'ExpressionAttributeValues']));
      return { ...out, Attributes: fromWire(out.Attributes) };
    },
    async update(input) {
      const out = await call('UpdateItem', withWire(input, KEYED));
      return { ...out, Attributes: fromWire(out.Attributes) };
    },
    async delete(input) {
      const out = await call('DeleteItem', withWire(input, KEYED));
      return { ...out, Attributes: fromWire(out.Attributes) };
    },
    async query(input) {
      const out = await call(
        'Query',
        withWire(input, ['ExpressionAttributeValues', 'ExclusiveStartKey']),
      );
      return {
        ...out,
        Items: itemsFromWire(out.Items),
        LastEvaluatedKey: fromWire(out.LastEvaluatedKey),
      };
    },
    async batchGet(input) {
      const out = await call('BatchGetItem', {
        ...input,
        RequestItems: mapTables(input.RequestItems, (request) => ({
          ...request,
          Keys: request.Keys?.map((key) => toWire(key)),
        })),
      });
      return {
        ...out,
        Responses: mapTables(out.Responses as Record<string, unknown> | undefined, (items) =>
          itemsFromWire(items),
        ) as Record<string, Item[]> | undefined,
        UnprocessedKeys: mapTables(
          out.UnprocessedKeys as Record<string, Json> | undefined,
          (request) => ({ ...request, Keys: itemsFromWire(request.Keys) }),
        ),
      };
    },
    async batchWrite(input) {
      const out = await call('BatchWriteItem', {
        ...input,
        RequestItems: mapTables(input.RequestItems, (requests) => requests.map(writeRequestToWire)),
      });
      return {
        ...out,
        UnprocessedItems: mapTables(
          out.UnprocessedItems as Record<string, Json[]> | undefined,
          (requests) => requests.map(writeRequestFromWire),
        ),
      };
    },
    async transactWrite(input) {
      await call('TransactWriteItems', {
        ...input,
        // As the SDK does: one token per call, so an attempt retried after a dropped
        // connection is not applied twice (DynamoDB remembers the token for 10 minutes).
        ClientRequestToken: input.ClientRequestToken ?? randomUUID(),
        TransactItems: input.TransactItems?.map((item) => ({
          ...(item.ConditionCheck ? { ConditionCheck: withWire(item.ConditionCheck, KEYED) } : {}),
          ...(item.Put ? { Put: withWire(item.Put, ['Item', 'ExpressionAttributeValues']) } : {}),
          ...(item.Delete ? { Delete: withWire(item.Delete, KEYED) } : {}),
          ...(item.Update ? { Update: withWire(item.Update, KEYED) } : {}),
        })),
      });
      return {};
    },
    async describeTable(input) {
      return (await call('DescribeTable', input)) as { Table?: { TableStatus?: string } };
    },
    destroy() {
      transport.destroy();
    },
  };
}
