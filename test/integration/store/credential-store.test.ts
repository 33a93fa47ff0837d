import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { DynamoCredentialStore } from '#shared/adapters/dynamodb/credential-store.ts';
import type { CredentialRecord } from '#shared/domain/records/records.ts';
import { credentialRepositoryContract } from '#test/contract/credential-repository-contract.ts';
import { dynamoStoreTable } from '#test/support/dynamo-store-table.ts';
import { useDynamoDbLocal } from '#test/support/dynamodb.ts';

const db = useDynamoDbLocal();

credentialRepositoryContract('DynamoDB', () => dynamoStoreTable(db));

describe('DynamoCredentialStore items', () => {
  it('keeps a credential of no known learner off the learner index (GSI2 is sparse)', async () => {
    const tableName = await db.newTable();
    const store = new DynamoCredentialStore({ documents: db.documents, tableName });
    const id = 'urn:uuid:00000000-0000-4000-8000-000000000004';
    const record: CredentialRecord = {
      id,
      issuerId: 'northfield',
      achievementId: 'sql-basics',
      recipient: { emailHash: 'sha256$4' },
      proofFormat: 'vc-jwt',
      signed: 'header.payload-4.signature',
      status: { listId: 'northfield.1', index: 1004 },
      state: 'active',
      issuedAt: '2026-01-04T00:00:00.000Z',
    };

    await store.create(record);

    const { Item } = await db.documents.send(
      new GetCommand({ TableName: tableName, Key: { PK: `CRED#${id}`, SK: 'CRED' } }),
    );
    expect(Item).toMatchObject({
      GSI1PK: 'ISSUER#northfield#CREDS',
      GSI1SK: `2026-01-04T00:00:00.000Z#${id}`,
    });
    expect(Item).not.toHaveProperty('GSI2PK');
    expect(Item).not.toHaveProperty('learnerId');
  });
});
