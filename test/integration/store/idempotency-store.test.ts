import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { DynamoIdempotencyStore } from '#shared/adapters/dynamodb/idempotency-store.ts';
import { type Clock, fixedClock } from '#shared/core/clock.ts';
import { idempotencyRepositoryContract } from '#test/contract/idempotency-repository-contract.ts';
import { dynamoStoreTable } from '#test/support/dynamo-store-table.ts';
import { useDynamoDbLocal } from '#test/support/dynamodb.ts';

const db = useDynamoDbLocal();

idempotencyRepositoryContract('DynamoDB', () => dynamoStoreTable(db));

const NOW = '2026-01-01T00:00:00Z';
const NOW_SECONDS = Date.parse(NOW) / 1000;

async function newStore(clock: Clock = fixedClock(NOW)) {
  const tableName = await db.newTable();
  return {
    tableName,
    store: new DynamoIdempotencyStore({ documents: db.documents, tableName, clock }),
  };
}

describe('DynamoIdempotencyStore items', () => {
  it('stores the claim with an expiry 24 hours ahead for the table TTL', async () => {
    const { store, tableName } = await newStore();

    await store.begin('issue:northfield', 'key#1', 'hash-a');

    const { Item } = await db.documents.send(
      new GetCommand({
        TableName: tableName,
        Key: { PK: 'IDEMP#issue:northfield#key#1', SK: 'IDEMP' },
      }),
    );
    expect(Item).toEqual({
      PK: 'IDEMP#issue:northfield#key#1',
      SK: 'IDEMP',
      key: 'key#1',
      requestHash: 'hash-a',
      status: 'in-progress',
      leaseUntil: NOW_SECONDS + 60,
      expiresAt: NOW_SECONDS + 86_400,
    });
  });

  it('frees an in-progress claim written before leases existed', async () => {
    const { store, tableName } = await newStore();
    await db.documents.send(
      new PutCommand({
        TableName: tableName,
        Item: {
          PK: 'IDEMP#issue:northfield#key-1',
          SK: 'IDEMP',
          key: 'key-1',
          requestHash: 'hash-a',
          status: 'in-progress',
          expiresAt: NOW_SECONDS + 80_000,
        },
      }),
    );

    expect(await store.begin('issue:northfield', 'key-1', 'hash-a', 'retry')).toBeUndefined();
  });
});
