import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { useDynamoDbLocal } from '#test/support/dynamodb.ts';

const db = useDynamoDbLocal();

describe('the single table on DynamoDB Local', () => {
  it('is created with its two indexes and a stream of new and old images', async () => {
    const name = await db.newTable();

    const { Table } = await db.client.send(new DescribeTableCommand({ TableName: name }));

    expect(Table?.GlobalSecondaryIndexes?.map((index) => index.IndexName).sort()).toEqual([
      'GSI1',
      'GSI2',
    ]);
    expect(Table?.StreamSpecification).toEqual({
      StreamEnabled: true,
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    });
  });

  it('stores and reads an item', async () => {
    const name = await db.newTable();

    await db.documents.send(
      new PutCommand({ TableName: name, Item: { PK: 'ISSUER#demo', SK: 'PROFILE', name: 'Demo' } }),
    );
    const { Item } = await db.documents.send(
      new GetCommand({ TableName: name, Key: { PK: 'ISSUER#demo', SK: 'PROFILE' } }),
    );

    expect(Item).toEqual({ PK: 'ISSUER#demo', SK: 'PROFILE', name: 'Demo' });
  });
});
