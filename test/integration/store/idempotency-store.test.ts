import { GetCommand } from '@aws-sdk/lib-dynamodb';
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

  it('lets a retry take over an in-progress claim once its lease has ended, not before', async () => {
    let now = Date.parse(NOW);
    const clock: Clock = { now: () => new Date(now) };
    const { store } = await newStore(clock);
    // A request claims the key, then dies before it can complete or release it.
    await store.begin('issue:northfield', 'key-1', 'hash-a');

    now += 59_000;
    const withinLease = await store.begin('issue:northfield', 'key-1', 'hash-a');
    now += 2_000;
    const afterLease = await store.begin('issue:northfield', 'key-1', 'hash-a');
    const again = await store.begin('issue:northfield', 'key-1', 'hash-a');

    expect(withinLease).toEqual({ key: 'key-1', requestHash: 'hash-a', status: 'in-progress' });
    expect(afterLease).toBeUndefined();
    expect(again).toEqual({ key: 'key-1', requestHash: 'hash-a', status: 'in-progress' });
  });

  it('never lets a lease end take over a completed key', async () => {
    let now = Date.parse(NOW);
    const clock: Clock = { now: () => new Date(now) };
    const { store } = await newStore(clock);
    await store.begin('issue:northfield', 'key-1', 'hash-a');
    await store.complete('issue:northfield', 'key-1', { statusCode: 201, body: '{}' });

    now += 3_600_000;

    expect(await store.begin('issue:northfield', 'key-1', 'hash-a')).toMatchObject({
      status: 'done',
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
