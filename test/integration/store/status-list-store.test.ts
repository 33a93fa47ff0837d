import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { DynamoStatusListStore } from '#shared/adapters/dynamodb/status-list-store.ts';
import { statusListRepositoryContract } from '#test/contract/status-list-repository-contract.ts';
import { dynamoStoreTable } from '#test/support/dynamo-store-table.ts';
import { useDynamoDbLocal } from '#test/support/dynamodb.ts';

const db = useDynamoDbLocal();

statusListRepositoryContract('DynamoDB', () => dynamoStoreTable(db));

async function rawItem(tableName: string, PK: string, SK: string) {
  const { Item } = await db.documents.send(
    new GetCommand({ TableName: tableName, Key: { PK, SK } }),
  );
  return Item;
}

/** A document client whose first `times` transactions DynamoDB "cancels" for a conflict. */
function conflictingClient(documents: DynamoDBDocumentClient, times: number) {
  let left = times;
  let sent = 0;
  const client = new Proxy(documents, {
    get(target, property, receiver) {
      if (property !== 'send') return Reflect.get(target, property, receiver);
      return async (command: Parameters<DynamoDBDocumentClient['send']>[0]) => {
        if (command instanceof TransactWriteCommand) {
          sent += 1;
          if (left > 0) {
            left -= 1;
            throw new TransactionCanceledException({
              message: 'Transaction cancelled [None, TransactionConflict]',
              $metadata: {},
              CancellationReasons: [{ Code: 'None' }, { Code: 'TransactionConflict' }],
            });
          }
        }
        return target.send(command as never);
      };
    },
  });
  return { client, transactionsSent: () => sent };
}

describe('DynamoStatusListStore items and retries', () => {
  it('opens the first list on the first allocation, with a 131072-entry meta item', async () => {
    const tableName = await db.newTable();
    const store = new DynamoStatusListStore({ documents: db.documents, tableName });

    const assignment = await store.allocate('northfield');

    expect(assignment.listId).toBe('northfield.1');
    expect(assignment.index).toBeGreaterThanOrEqual(0);
    expect(assignment.index).toBeLessThan(131_072);
    expect(await rawItem(tableName, 'STATUS#northfield.1', 'META')).toEqual({
      PK: 'STATUS#northfield.1',
      SK: 'META',
      issuerId: 'northfield',
      n: 1,
      size: 131_072,
      capacity: 117_964,
      allocated: 1,
      revision: 0,
    });
    expect(await rawItem(tableName, 'ISSUER#northfield', 'STATUS#OPEN')).toEqual({
      PK: 'ISSUER#northfield',
      SK: 'STATUS#OPEN',
      n: 1,
      size: 131_072,
    });
    expect(await rawItem(tableName, 'STATUS#northfield.1', `IDX#${assignment.index}`)).toEqual({
      PK: 'STATUS#northfield.1',
      SK: `IDX#${assignment.index}`,
    });
  });

  it('counts each of 50 concurrent allocations on the meta item', async () => {
    const tableName = await db.newTable();
    const store = new DynamoStatusListStore({ documents: db.documents, tableName });
    await store.allocate('northfield');

    const assignments = await Promise.all(
      Array.from({ length: 50 }, () => store.allocate('northfield')),
    );

    expect(assignments).toHaveLength(50);
    expect((await rawItem(tableName, 'STATUS#northfield.1', 'META'))?.allocated).toBe(51);
  });

  it('keeps bits in Number Set chunks per purpose', async () => {
    const tableName = await db.newTable();
    const store = new DynamoStatusListStore({ documents: db.documents, tableName });
    const assignment = await store.allocate('northfield');

    await store.setBit({ listId: assignment.listId, index: 9000 }, 'revocation', true);

    expect(await rawItem(tableName, `STATUS#${assignment.listId}`, 'BITS#revocation#1')).toEqual({
      PK: `STATUS#${assignment.listId}`,
      SK: 'BITS#revocation#1',
      bits: new Set([9000]),
    });
  });
  it('moves the open-list pointer once per filled list, whichever process fills it', async () => {
    const tableName = await db.newTable();
    // Two stores: two processes, each with its own cached open-list pointer.
    const first = new DynamoStatusListStore({ documents: db.documents, tableName, listSize: 16 });
    const second = new DynamoStatusListStore({ documents: db.documents, tableName, listSize: 16 });

    const assignments = await Promise.all(
      Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? first : second).allocate('northfield')),
    );

    // Capacity is floor(16 × 0.9) = 14: 40 allocations fill two lists and open a third.
    expect(assignments).toHaveLength(40);
    expect((await rawItem(tableName, 'ISSUER#northfield', 'STATUS#OPEN'))?.n).toBe(3);
    expect(await rawItem(tableName, 'STATUS#northfield.4', 'META')).toBeUndefined();
  });

  it('retries a bit change that DynamoDB cancels for a transaction conflict', async () => {
    const tableName = await db.newTable();
    const store = new DynamoStatusListStore({ documents: db.documents, tableName });
    const { listId } = await store.allocate('northfield');
    const { client, transactionsSent } = conflictingClient(db.documents, 2);
    const retrying = new DynamoStatusListStore({ documents: client, tableName });

    await retrying.setBit({ listId, index: 7 }, 'revocation', true);

    expect(transactionsSent()).toBe(3);
    expect(await store.read(listId, 'revocation')).toEqual({
      size: 131_072,
      setIndexes: [7],
      revision: 1,
    });
  });

  it('refuses a list size or fill ratio it cannot work with', () => {
    const options = { documents: db.documents, tableName: 'unused' };

    expect(() => new DynamoStatusListStore({ ...options, listSize: 0 })).toThrow(
      expect.objectContaining({ code: 'INPUT_MALFORMED' }),
    );
    expect(() => new DynamoStatusListStore({ ...options, fillRatio: 1.5 })).toThrow(
      expect.objectContaining({ code: 'INPUT_MALFORMED' }),
    );
  });
});
