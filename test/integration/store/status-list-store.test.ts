import { randomInt } from 'node:crypto';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { ServiceError } from '#shared/service/errors.ts';
import type { StatusAssignment } from '#shared/service/records.ts';
import { DynamoStatusListStore } from '#shared/store/dynamo/status-list-store.ts';
import { useDynamoDbLocal } from '#test/support/dynamodb.ts';

const db = useDynamoDbLocal();

async function rawItem(tableName: string, PK: string, SK: string) {
  const { Item } = await db.documents.send(
    new GetCommand({ TableName: tableName, Key: { PK, SK } }),
  );
  return Item;
}

function distinctIndexes(count: number, below: number): number[] {
  const chosen = new Set<number>();
  while (chosen.size < count) chosen.add(randomInt(below));
  return [...chosen];
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

describe('DynamoStatusListStore', () => {
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

  it('allocates 500 distinct indexes under concurrency and counts each one', async () => {
    const tableName = await db.newTable();
    const store = new DynamoStatusListStore({ documents: db.documents, tableName });
    await store.allocate('northfield');

    const assignments = await Promise.all(
      Array.from({ length: 500 }, () => store.allocate('northfield')),
    );

    expect(new Set(assignments.map((a) => a.listId))).toEqual(new Set(['northfield.1']));
    expect(new Set(assignments.map((a) => a.index)).size).toBe(500);
    expect((await rawItem(tableName, 'STATUS#northfield.1', 'META'))?.allocated).toBe(501);
  });

  it('reads exactly the 300 indexes revoked concurrently, sorted, with a revision per change', async () => {
    const tableName = await db.newTable();
    const store = new DynamoStatusListStore({ documents: db.documents, tableName });
    const { listId } = await store.allocate('northfield');
    const indexes = distinctIndexes(300, 131_072);

    await Promise.all(indexes.map((index) => store.setBit({ listId, index }, 'revocation', true)));
    const list = await store.read(listId, 'revocation');

    expect(list).toEqual({
      size: 131_072,
      setIndexes: [...indexes].sort((a, b) => a - b),
      revision: 300,
    });
    expect(await store.read(listId, 'suspension')).toEqual({
      size: 131_072,
      setIndexes: [],
      revision: 300,
    });
  });

  it('sets and clears a suspension bit without touching the revocation bits', async () => {
    const tableName = await db.newTable();
    const store = new DynamoStatusListStore({ documents: db.documents, tableName });
    const assignment = await store.allocate('northfield');
    const other: StatusAssignment = { listId: assignment.listId, index: 9000 };
    await store.setBit(other, 'revocation', true);

    await store.setBit(other, 'suspension', true);
    const suspended = await store.read(assignment.listId, 'suspension');
    await store.setBit(other, 'suspension', false);
    const cleared = await store.read(assignment.listId, 'suspension');

    expect(suspended?.setIndexes).toEqual([9000]);
    expect(cleared).toEqual({ size: 131_072, setIndexes: [], revision: 3 });
    expect((await store.read(assignment.listId, 'revocation'))?.setIndexes).toEqual([9000]);
    expect(await rawItem(tableName, `STATUS#${assignment.listId}`, 'BITS#revocation#1')).toEqual({
      PK: `STATUS#${assignment.listId}`,
      SK: 'BITS#revocation#1',
      bits: new Set([9000]),
    });
  });

  it('clears concurrently without losing a change made at the same time', async () => {
    const tableName = await db.newTable();
    const store = new DynamoStatusListStore({ documents: db.documents, tableName });
    const { listId } = await store.allocate('northfield');
    const indexes = distinctIndexes(120, 8192);
    const [cleared, kept] = [indexes.slice(0, 60), indexes.slice(60)];
    await Promise.all(cleared.map((index) => store.setBit({ listId, index }, 'suspension', true)));

    await Promise.all([
      ...cleared.map((index) => store.setBit({ listId, index }, 'suspension', false)),
      ...kept.map((index) => store.setBit({ listId, index }, 'suspension', true)),
    ]);

    expect((await store.read(listId, 'suspension'))?.setIndexes).toEqual(
      [...kept].sort((a, b) => a - b),
    );
  });

  it('opens the next list when one fills, with concurrent allocators agreeing on each new list', async () => {
    const tableName = await db.newTable();
    // Two stores: two processes, each with its own cached open-list pointer.
    const first = new DynamoStatusListStore({ documents: db.documents, tableName, listSize: 16 });
    const second = new DynamoStatusListStore({ documents: db.documents, tableName, listSize: 16 });

    const assignments = await Promise.all(
      Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? first : second).allocate('northfield')),
    );

    const perList = new Map<string, number>();
    for (const { listId } of assignments) perList.set(listId, (perList.get(listId) ?? 0) + 1);
    // Capacity is floor(16 × 0.9) = 14: two full lists, and the rest in the third.
    expect(Object.fromEntries(perList)).toEqual({
      'northfield.1': 14,
      'northfield.2': 14,
      'northfield.3': 12,
    });
    expect(new Set(assignments.map((a) => `${a.listId}/${a.index}`)).size).toBe(40);
    expect(assignments.every((a) => a.index >= 0 && a.index < 16)).toBe(true);
    expect((await rawItem(tableName, 'ISSUER#northfield', 'STATUS#OPEN'))?.n).toBe(3);
    expect(await rawItem(tableName, 'STATUS#northfield.4', 'META')).toBeUndefined();
  });

  it('keeps each issuer in its own lists', async () => {
    const tableName = await db.newTable();
    const store = new DynamoStatusListStore({ documents: db.documents, tableName });

    const [a, b] = await Promise.all([store.allocate('alpha'), store.allocate('beta')]);

    expect([a?.listId, b?.listId]).toEqual(['alpha.1', 'beta.1']);
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

  it('returns undefined for a list that does not exist', async () => {
    const tableName = await db.newTable();
    const store = new DynamoStatusListStore({ documents: db.documents, tableName });

    expect(await store.read('northfield.1', 'revocation')).toBeUndefined();
  });

  it('refuses a bit of an unknown list or beyond the list size with NOT_FOUND', async () => {
    const tableName = await db.newTable();
    const store = new DynamoStatusListStore({ documents: db.documents, tableName, listSize: 64 });
    const { listId } = await store.allocate('northfield');

    // Each rejection is awaited as it is made: a second pending one would be unhandled meanwhile.
    await expect(
      store.setBit({ listId: 'northfield.9', index: 1 }, 'revocation', true),
    ).rejects.toMatchObject({
      name: 'ServiceError',
      code: 'NOT_FOUND',
    });
    const beyond = store.setBit({ listId, index: 64 }, 'revocation', true);
    await expect(beyond).rejects.toBeInstanceOf(ServiceError);
    await expect(beyond).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await store.read(listId, 'revocation')).toEqual({
      size: 64,
      setIndexes: [],
      revision: 0,
    });
  });

  it('refuses a negative or fractional index with VALIDATION', async () => {
    const tableName = await db.newTable();
    const store = new DynamoStatusListStore({ documents: db.documents, tableName });

    await expect(
      store.setBit({ listId: 'northfield.1', index: -1 }, 'revocation', true),
    ).rejects.toMatchObject({ code: 'VALIDATION' });
    await expect(
      store.setBit({ listId: 'northfield.1', index: 1.5 }, 'revocation', true),
    ).rejects.toMatchObject({ code: 'VALIDATION' });
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
