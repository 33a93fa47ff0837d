import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

/**
 * The single table. Every entity lives in one table keyed by generic `PK`/`SK` strings, with
 * two generic global secondary indexes; docs/data-model.md lists the access patterns each
 * key serves. The same definition creates the table in DynamoDB Local (tests, `npm start`)
 * and is mirrored by the CDK construct, so the two cannot drift.
 */
export const KEY = {
  pk: 'PK',
  sk: 'SK',
  gsi1pk: 'GSI1PK',
  gsi1sk: 'GSI1SK',
  gsi2pk: 'GSI2PK',
  gsi2sk: 'GSI2SK',
  /** Epoch seconds after which DynamoDB's TTL may delete the item (idempotency records). */
  ttl: 'expiresAt',
} as const;

export const GSI1 = 'GSI1';
export const GSI2 = 'GSI2';

/**
 * The CreateTable input for the single table: on-demand billing, streams with new and old
 * images (the stream handlers need both to see what changed).
 *
 * @example
 * await client.send(new CreateTableCommand(tableDefinition('credstack')));
 */
export function tableDefinition(tableName: string): CreateTableCommandInput {
  const index = (name: string, pk: string, sk: string) => ({
    IndexName: name,
    KeySchema: [
      { AttributeName: pk, KeyType: 'HASH' as const },
      { AttributeName: sk, KeyType: 'RANGE' as const },
    ],
    Projection: { ProjectionType: 'ALL' as const },
  });
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [KEY.pk, KEY.sk, KEY.gsi1pk, KEY.gsi1sk, KEY.gsi2pk, KEY.gsi2sk].map(
      (name) => ({
        AttributeName: name,
        AttributeType: 'S' as const,
      }),
    ),
    KeySchema: [
      { AttributeName: KEY.pk, KeyType: 'HASH' },
      { AttributeName: KEY.sk, KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: [
      index(GSI1, KEY.gsi1pk, KEY.gsi1sk),
      index(GSI2, KEY.gsi2pk, KEY.gsi2sk),
    ],
    StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
  };
}
