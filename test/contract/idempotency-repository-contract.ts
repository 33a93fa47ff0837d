import { describe, expect, it } from 'vitest';
import { fixedClock } from '#shared/core/clock.ts';
import type { NewStoreTable } from './store-fixture.ts';

/**
 * What every IdempotencyRepository owes the use cases, written once and run against each
 * adapter: one claim per key, a 60 s lease after which a dead request's key is free, only the
 * claim holder completing or releasing, completed responses kept for retries, 24 h expiry.
 */

const NOW = '2026-01-01T00:00:00Z';

export function idempotencyRepositoryContract(name: string, newTable: NewStoreTable): void {
  async function newStore() {
    const table = await newTable();
    return { table, store: table.idempotency(fixedClock(NOW)) };
  }

  describe(`IdempotencyRepository contract: ${name}`, () => {
    it('claims a new key, and returns the in-progress record on a repeat', async () => {
      const { store } = await newStore();

      const first = await store.begin('issue:northfield', 'key-1', 'hash-a');
      const repeat = await store.begin('issue:northfield', 'key-1', 'hash-a');

      expect(first).toBeUndefined();
      expect(repeat).toEqual({ key: 'key-1', requestHash: 'hash-a', status: 'in-progress' });
    });

    describe('the lease of an in-progress claim', () => {
      it('holds the key for 60 s, then frees it for a retry: the request that held it died', async () => {
        const { store, table } = await newStore();
        await store.begin('issue:northfield', 'key-1', 'hash-a', 'dead-request');

        const within = await table
          .idempotency(fixedClock('2026-01-01T00:00:59Z'))
          .begin('issue:northfield', 'key-1', 'hash-a', 'retry-1');
        const after = await table
          .idempotency(fixedClock('2026-01-01T00:01:00Z'))
          .begin('issue:northfield', 'key-1', 'hash-a', 'retry-2');

        expect(within).toMatchObject({ status: 'in-progress' });
        expect(after).toBeUndefined();
        // retry-2 holds it now, for its own 60 s: a third request at 00:01:59 still finds it held.
        const third = table.idempotency(fixedClock('2026-01-01T00:01:59Z'));
        expect(await third.begin('issue:northfield', 'key-1', 'hash-a', 'retry-3')).toMatchObject({
          status: 'in-progress',
        });
        await third.complete(
          'issue:northfield',
          'key-1',
          { statusCode: 201, body: 'x' },
          'retry-2',
        );
      });

      it('lets only the claim holder complete or release the key, not a request overtaken', async () => {
        const { store, table } = await newStore();
        await store.begin('issue:northfield', 'key-1', 'hash-a', 'slow');
        const later = table.idempotency(fixedClock('2026-01-01T00:02:00Z'));
        await later.begin('issue:northfield', 'key-1', 'hash-a', 'retry');

        await store.release('issue:northfield', 'key-1', 'slow');
        const stale = store.complete(
          'issue:northfield',
          'key-1',
          { statusCode: 201, body: 'old' },
          'slow',
        );
        await expect(stale).rejects.toMatchObject({ code: 'CONFLICT' });
        await later.complete(
          'issue:northfield',
          'key-1',
          { statusCode: 201, body: 'new' },
          'retry',
        );

        expect(await later.begin('issue:northfield', 'key-1', 'hash-a', 'again')).toEqual({
          key: 'key-1',
          requestHash: 'hash-a',
          status: 'done',
          response: { statusCode: 201, body: 'new' },
        });
      });

      it('never lets a lease free a completed key', async () => {
        const { store, table } = await newStore();
        await store.begin('issue:northfield', 'key-1', 'hash-a', 'c');
        await store.complete('issue:northfield', 'key-1', { statusCode: 201, body: 'kept' }, 'c');

        const hourLater = table.idempotency(fixedClock('2026-01-01T01:00:00Z'));
        expect(await hourLater.begin('issue:northfield', 'key-1', 'hash-a', 'd')).toMatchObject({
          status: 'done',
          response: { body: 'kept' },
        });
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
      const { store, table } = await newStore();
      await store.begin('issue:northfield', 'key-1', 'hash-a');
      const later = table.idempotency(fixedClock('2026-01-02T00:00:01Z'));

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
}
