import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { DOCUMENT_OPERATIONS, type DynamoDocuments } from '#shared/adapters/dynamodb/documents.ts';
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
function conflictingClient(documents: DynamoDocuments, times: number) {
  let left = times;
  let sent = 0;
  const client: DynamoDocuments = {
    ...bound(documents),
    transactWrite: async (input) => {
      sent += 1;
      if (left > 0) {
        left -= 1;
        throw new TransactionCanceledException({
          message: 'Transaction cancelled [None, TransactionConflict]',
          $metadata: {},
          CancellationReasons: [{ Code: 'None' }, { Code: 'TransactionConflict' }],
        });
      }
      return documents.transactWrite(input);
    },
  };
  return { client, transactionsSent: () => sent };
}

/** The operations of `documents`, each bound to it, passing `note` the operation's name. */
function bound(documents: DynamoDocuments, note: (operation: string) => void = () => {}) {
  return Object.fromEntries(
    DOCUMENT_OPERATIONS.map((operation) => [
      operation,
      (input: never) => {
        note(operation);
        return (documents[operation] as (input: never) => Promise<unknown>).call(documents, input);
      },
    ]),
  ) as unknown as DynamoDocuments;
}

/** A document client that notes the name of every operation it sends. */
function countingClient(documents: DynamoDocuments) {
  const names: string[] = [];
  const client = bound(documents, (operation) => names.push(operation));
  return { client, sent: () => [...names] };
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
      // The list's secret allocation order: allocation n gets index permutation(n).
      order: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/),
    });
    expect(await rawItem(tableName, 'ISSUER#northfield', 'STATUS#OPEN')).toEqual({
      PK: 'ISSUER#northfield',
      SK: 'STATUS#OPEN',
      n: 1,
      size: 131_072,
    });
    // Claimed by the counter alone: no item per index.
    expect(
      await rawItem(tableName, 'STATUS#northfield.1', `IDX#${assignment.index}`),
    ).toBeUndefined();
  });

  it('claims a block with one counter update: distinct, scattered indexes, none twice', async () => {
    const tableName = await db.newTable();
    const store = new DynamoStatusListStore({ documents: db.documents, tableName });
    await store.allocate('northfield');
    const { client, sent } = countingClient(db.documents);
    const counting = new DynamoStatusListStore({ documents: client, tableName });

    const block = await counting.allocateBlock('northfield', 100);
    const more = await Promise.all([
      counting.allocateBlock('northfield', 100),
      store.allocateBlock('northfield', 100),
    ]);

    // The open-list pointer, the meta item (once per process), then one update.
    expect(sent().slice(0, 3)).toEqual(['get', 'get', 'update']);
    const all = [block, ...more].flat();
    expect(new Set(all.map((a) => a.listId))).toEqual(new Set(['northfield.1']));
    expect(new Set(all.map((a) => a.index)).size).toBe(300);
    expect((await rawItem(tableName, 'STATUS#northfield.1', 'META'))?.allocated).toBe(301);
    // A secret order, not a run of neighbours: the block spreads over the list.
    const indexes = block.map((a) => a.index).sort((a, b) => a - b);
    expect((indexes.at(-1) ?? 0) - (indexes[0] ?? 0)).toBeGreaterThan(50_000);
  });

  it('fills a list to its capacity with a block and opens the next for the rest', async () => {
    const tableName = await db.newTable();
    const store = new DynamoStatusListStore({ documents: db.documents, tableName, listSize: 16 });
    await store.allocateBlock('northfield', 5);

    const block = await store.allocateBlock('northfield', 20);

    // Capacity floor(16 × 0.9) = 14: 9 more fit in the first list, 11 go to the second.
    expect(block.filter((a) => a.listId === 'northfield.1')).toHaveLength(9);
    expect(block.filter((a) => a.listId === 'northfield.2')).toHaveLength(11);
    expect(new Set(block.map((a) => `${a.listId}/${a.index}`)).size).toBe(20);
    expect(block.every((a) => a.index >= 0 && a.index < 16)).toBe(true);
    expect((await rawItem(tableName, 'STATUS#northfield.1', 'META'))?.allocated).toBe(14);
    await expect(store.allocateBlock('northfield', 0)).rejects.toMatchObject({
      code: 'VALIDATION',
    });
  });

  it('keeps claiming random indexes one by one in a list opened before block allocation', async () => {
    const tableName = await db.newTable();
    // A list as the service opened them before: no allocation order on its meta item.
    await db.documents.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: tableName,
              Item: { PK: 'ISSUER#northfield', SK: 'STATUS#OPEN', n: 1, size: 64 },
            },
          },
          {
            Put: {
              TableName: tableName,
              Item: {
                PK: 'STATUS#northfield.1',
                SK: 'META',
                issuerId: 'northfield',
                n: 1,
                size: 64,
                capacity: 57,
                allocated: 0,
                revision: 0,
              },
            },
          },
        ],
      }),
    );
    const store = new DynamoStatusListStore({ documents: db.documents, tableName, listSize: 64 });

    const block = await store.allocateBlock('northfield', 10);

    expect(new Set(block.map((a) => a.index)).size).toBe(10);
    expect(block.every((a) => a.listId === 'northfield.1')).toBe(true);
    for (const { index } of block)
      expect(await rawItem(tableName, 'STATUS#northfield.1', `IDX#${index}`)).toBeDefined();
    expect((await rawItem(tableName, 'STATUS#northfield.1', 'META'))?.allocated).toBe(10);
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
