import { DynamoDBDocument, GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { DynamoIssuerStore } from '#shared/adapters/dynamodb/issuer-store.ts';
import type { IssuerRecord } from '#shared/domain/records/records.ts';
import { issuerRepositoryContract } from '#test/contract/issuer-repository-contract.ts';
import { dynamoStoreTable } from '#test/support/dynamo-store-table.ts';
import { useDynamoDbLocal } from '#test/support/dynamodb.ts';

const db = useDynamoDbLocal();

issuerRepositoryContract('DynamoDB', () => dynamoStoreTable(db));

const record: IssuerRecord = {
  id: 'northfield',
  did: 'did:web:credstack.example:issuers:northfield',
  profile: { name: 'Northfield', url: undefined, description: 'A college' },
  createdAt: '2026-01-01T00:00:00.000Z',
};

describe('DynamoIssuerStore items', () => {
  it('lists the profile on GSI1 under ISSUERS', async () => {
    const tableName = await db.newTable();
    const store = new DynamoIssuerStore({ documents: db.documents, tableName });

    await store.create(record);

    const { Item } = await db.documents.send(
      new GetCommand({ TableName: tableName, Key: { PK: 'ISSUER#northfield', SK: 'PROFILE' } }),
    );
    expect(Item).toMatchObject({ GSI1PK: 'ISSUERS', GSI1SK: 'northfield' });
  });

  it('writes records with undefined members through a client that keeps undefined values', async () => {
    const tableName = await db.newTable();
    const strict = DynamoDBDocument.from(db.client);
    const store = new DynamoIssuerStore({ documents: strict, tableName });

    await store.create(record);

    expect(await store.get('northfield')).toEqual({
      ...record,
      profile: { name: 'Northfield', description: 'A college' },
    });
  });
});
