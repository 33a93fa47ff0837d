import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { type Clock, fixedClock } from '#shared/core/clock.ts';
import { DynamoIdempotencyStore } from '#shared/store/dynamo/idempotency-store.ts';
import { useDynamoDbLocal } from '#test/support/dynamodb.ts';

const db = useDynamoDbLocal();

const NOW = '2026-01-01T00:00:00Z';
const NOW_SECONDS = Date.parse(NOW) / 1000;

async function newStore(clock: Clock = fixedClock(NOW)) {
  const tableName = await db.newTable();
  return {
    tableName,
    store: new DynamoIdempotencyStore({ documents: db.documents, tableName, clock }),
  };
}

describe('DynamoIdempotencyStore', () => {
  it('claims a new key, and returns the in-progress record on a repeat', async () => {
    const { store } = await newStore();

    const first = await store.begin('issue:northfield', 'key-1', 'hash-a');
    const repeat = await store.begin('issue:northfield', 'key-1', 'hash-a');

    expect(first).toBeUndefined();
    expect(repeat).toEqual({ key: 'key-1', requestHash: 'hash-a', status: 'in-progress' });
  });

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

  describe('the lease of an in-progress claim', () => {
    const at = (iso: string, tableName: string) =>
      new DynamoIdempotencyStore({ documents: db.documents, tableName, clock: fixedClock(iso) });

    it('holds the key for 60 s, then frees it for a retry: the request that held it died', async () => {
      const { store, tableName } = await newStore();
      await store.begin('issue:northfield', 'key-1', 'hash-a', 'dead-request');

      const within = await at('2026-01-01T00:00:59Z', tableName).begin(
        'issue:northfield',
        'key-1',
        'hash-a',
        'retry-1',
      );
      const after = await at('2026-01-01T00:01:00Z', tableName).begin(
        'issue:northfield',
        'key-1',
        'hash-a',
        'retry-2',
      );

      expect(within).toMatchObject({ status: 'in-progress' });
      expect(after).toBeUndefined();
      const { Item } = await db.documents.send(
        new GetCommand({
          TableName: tableName,
          Key: { PK: 'IDEMP#issue:northfield#key-1', SK: 'IDEMP' },
        }),
      );
      expect(Item).toMatchObject({ claim: 'retry-2', leaseUntil: NOW_SECONDS + 120 });
    });

    it('lets only the claim holder complete or release the key, not a request overtaken', async () => {
      const { store, tableName } = await newStore();
      await store.begin('issue:northfield', 'key-1', 'hash-a', 'slow');
      const later = at('2026-01-01T00:02:00Z', tableName);
      await later.begin('issue:northfield', 'key-1', 'hash-a', 'retry');

      await store.release('issue:northfield', 'key-1', 'slow');
      const stale = store.complete(
        'issue:northfield',
        'key-1',
        { statusCode: 201, body: 'old' },
        'slow',
      );
      await expect(stale).rejects.toMatchObject({ code: 'CONFLICT' });
      await later.complete('issue:northfield', 'key-1', { statusCode: 201, body: 'new' }, 'retry');

      expect(await later.begin('issue:northfield', 'key-1', 'hash-a', 'again')).toEqual({
        key: 'key-1',
        requestHash: 'hash-a',
        status: 'done',
        response: { statusCode: 201, body: 'new' },
      });
    });

    it('never lets a lease free a completed key', async () => {
      const { store, tableName } = await newStore();
      await store.begin('issue:northfield', 'key-1', 'hash-a', 'c');
      await store.complete('issue:northfield', 'key-1', { statusCode: 201, body: 'kept' }, 'c');

      const hourLater = at('2026-01-01T01:00:00Z', tableName);
      expect(await hourLater.begin('issue:northfield', 'key-1', 'hash-a', 'd')).toMatchObject({
        status: 'done',
        response: { body: 'kept' },
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

  it('returns the stored response once the request completed', async () => {
    const { store } = await newStore();
    await store.begin('issue:northfield', 'key-1', 'hash-a');

    await store.complete('issue:northfield', 'key-1', { statusCode: 201, body: '{"id":"x"}' });

    expect(await store.begin('issue:northfield', 'key-1', 'hash-a')).toEqual({
      key: 'key-1',
      requestHash: 'hash-a',
      status: 'done',
      response: { statusCode: 201, body: '{"id":"x"}' },
    });
  });

  it('shows a different request the hash of the request that owns the key', async () => {
    const { store } = await newStore();
    await store.begin('issue:northfield', 'key-1', 'hash-a');

    const other = await store.begin('issue:northfield', 'key-1', 'hash-b');

    expect(other?.requestHash).toBe('hash-a');
  });

  it('keeps scopes apart', async () => {
    const { store } = await newStore();
    await store.begin('issue:northfield', 'key-1', 'hash-a');

    expect(await store.begin('issue:other', 'key-1', 'hash-a')).toBeUndefined();
  });

  it('releases an in-progress claim so a retry can claim the key again', async () => {
    const { store } = await newStore();
    await store.begin('issue:northfield', 'key-1', 'hash-a');

    await store.release('issue:northfield', 'key-1');

    expect(await store.begin('issue:northfield', 'key-1', 'hash-b')).toBeUndefined();
    expect(await store.begin('issue:northfield', 'key-1', 'hash-a')).toMatchObject({
      requestHash: 'hash-b',
    });
  });

  it('keeps a completed record on release, and ignores the release of an unknown key', async () => {
    const { store } = await newStore();
    await store.begin('issue:northfield', 'key-1', 'hash-a');
    await store.complete('issue:northfield', 'key-1', { statusCode: 200, body: 'ok' });

    await store.release('issue:northfield', 'key-1');
    await store.release('issue:northfield', 'never-claimed');

    expect(await store.begin('issue:northfield', 'key-1', 'hash-a')).toMatchObject({
      status: 'done',
    });
  });

  it('treats a record past its expiry as absent, before DynamoDB deletes it', async () => {
    const { store, tableName } = await newStore();
    await store.begin('issue:northfield', 'key-1', 'hash-a');
    const later = new DynamoIdempotencyStore({
      documents: db.documents,
      tableName,
      clock: fixedClock('2026-01-02T00:00:01Z'),
    });

    expect(await later.begin('issue:northfield', 'key-1', 'hash-b')).toBeUndefined();
    expect(await later.begin('issue:northfield', 'key-1', 'hash-c')).toMatchObject({
      requestHash: 'hash-b',
      status: 'in-progress',
    });
  });

  it('lets exactly one of many concurrent requests claim a key', async () => {
    const { store } = await newStore();

    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => store.begin('issue:northfield', 'key-1', `hash-${i}`)),
    );

    expect(results.filter((result) => result === undefined)).toHaveLength(1);
    const winner = `hash-${results.indexOf(undefined)}`;
    const others = results.filter((result) => result !== undefined);
    expect(others.map((result) => result.requestHash)).toEqual(Array(9).fill(winner));
  });

  it('refuses to complete a key nobody holds with CONFLICT', async () => {
    const { store } = await newStore();

    const complete = store.complete('issue:northfield', 'key-1', { statusCode: 200, body: '' });

    await expect(complete).rejects.toMatchObject({ name: 'ServiceError', code: 'CONFLICT' });
    expect(await store.begin('issue:northfield', 'key-1', 'hash-a')).toBeUndefined();
  });

  it('refuses a scope containing "#" with VALIDATION', async () => {
    const { store } = await newStore();

    await expect(store.begin('issue#x', 'key-1', 'hash-a')).rejects.toMatchObject({
      code: 'VALIDATION',
    });
  });
});
