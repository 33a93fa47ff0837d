import { randomInt } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ServiceError } from '#shared/domain/errors.ts';
import type { StatusAssignment } from '#shared/domain/records/records.ts';
import type { NewStoreTable } from './store-fixture.ts';

/**
 * What every StatusListRepository owes the use cases, written once and run against each
 * adapter: random distinct indexes, a new list when one fills (never over capacity, even with
 * concurrent allocators), bits set and cleared without losing a concurrent change, and a
 * revision that moves with every bit change.
 */

function distinctIndexes(count: number, below: number): number[] {
  const chosen = new Set<number>();
  while (chosen.size < count) chosen.add(randomInt(below));
  return [...chosen];
}

export function statusListRepositoryContract(name: string, newTable: NewStoreTable): void {
  describe(`StatusListRepository contract: ${name}`, () => {
    it('opens the first list on the first allocation, 131072 entries, nothing set', async () => {
      const store = (await newTable()).statusLists();

      const assignment = await store.allocate('northfield');

      expect(assignment.listId).toBe('northfield.1');
      expect(assignment.index).toBeGreaterThanOrEqual(0);
      expect(assignment.index).toBeLessThan(131_072);
      expect(await store.read('northfield.1', 'revocation')).toEqual({
        size: 131_072,
        setIndexes: [],
        revision: 0,
      });
    });
    it('allocates 500 distinct indexes under concurrency', async () => {
      const store = (await newTable()).statusLists();
      await store.allocate('northfield');

      const assignments = await Promise.all(
        Array.from({ length: 500 }, () => store.allocate('northfield')),
      );

      expect(new Set(assignments.map((a) => a.listId))).toEqual(new Set(['northfield.1']));
      expect(new Set(assignments.map((a) => a.index)).size).toBe(500);
    });

    it('claims blocks of indexes that never overlap each other or single claims, across lists', async () => {
      const table = await newTable();
      const first = table.statusLists({ listSize: 64 });
      const second = table.statusLists({ listSize: 64 });
      const allocateBlock = (store: typeof first, count: number) => {
        if (!store.allocateBlock) throw new Error('the store offers no block allocation');
        return store.allocateBlock(issuer, count);
      };
      const issuer = 'northfield';

      // Capacity floor(64 × 0.9) = 57 a list: 150 entries fill two lists and start a third.
      const claimed = (
        await Promise.all([
          allocateBlock(first, 40),
          allocateBlock(second, 40),
          allocateBlock(first, 30),
          ...Array.from({ length: 10 }, (_, i) => (i % 2 ? first : second).allocate(issuer)),
          allocateBlock(second, 30),
        ])
      ).flat();

      expect(claimed).toHaveLength(150);
      expect(new Set(claimed.map((a) => `${a.listId}/${a.index}`)).size).toBe(150);
      expect(claimed.every((a) => a.index >= 0 && a.index < 64)).toBe(true);
      const perList = new Map<string, number>();
      for (const { listId } of claimed) perList.set(listId, (perList.get(listId) ?? 0) + 1);
      expect(Object.fromEntries(perList)).toEqual({
        'northfield.1': 57,
        'northfield.2': 57,
        'northfield.3': 36,
      });
      await expect(allocateBlock(first, 0)).rejects.toMatchObject({ code: 'VALIDATION' });
    });

    it('reads exactly the 300 indexes revoked concurrently, sorted, with a revision per change', async () => {
      const store = (await newTable()).statusLists();
      const { listId } = await store.allocate('northfield');
      const indexes = distinctIndexes(300, 131_072);

      await Promise.all(
        indexes.map((index) => store.setBit({ listId, index }, 'revocation', true)),
      );
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

    it('clears concurrently without losing a change made at the same time', async () => {
      const store = (await newTable()).statusLists();
      const { listId } = await store.allocate('northfield');
      const indexes = distinctIndexes(120, 8192);
      const [cleared, kept] = [indexes.slice(0, 60), indexes.slice(60)];
      await Promise.all(
        cleared.map((index) => store.setBit({ listId, index }, 'suspension', true)),
      );

      await Promise.all([
        ...cleared.map((index) => store.setBit({ listId, index }, 'suspension', false)),
        ...kept.map((index) => store.setBit({ listId, index }, 'suspension', true)),
      ]);

      expect((await store.read(listId, 'suspension'))?.setIndexes).toEqual(
        [...kept].sort((a, b) => a - b),
      );
    });

    it('sets and clears a suspension bit without touching the revocation bits', async () => {
      const store = (await newTable()).statusLists();
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
    });

    it('keeps each issuer in its own lists', async () => {
      const store = (await newTable()).statusLists();

      const [a, b] = await Promise.all([store.allocate('alpha'), store.allocate('beta')]);

      expect([a?.listId, b?.listId]).toEqual(['alpha.1', 'beta.1']);
    });

    it('returns undefined for a list that does not exist', async () => {
      const store = (await newTable()).statusLists();

      expect(await store.read('northfield.1', 'revocation')).toBeUndefined();
      expect(await store.revision('northfield.1')).toBeUndefined();
    });

    it('reads the revision alone, the one read uses, moving with every bit change', async () => {
      const store = (await newTable()).statusLists();
      const assignment = await store.allocate('northfield');
      const { listId } = assignment;
      expect(await store.revision(listId)).toBe(0);

      await store.setBit(assignment, 'revocation', true);
      await store.setBit(assignment, 'suspension', true);

      expect(await store.revision(listId)).toBe(2);
      expect((await store.read(listId, 'revocation'))?.revision).toBe(2);
    });

    it('opens the next list when one fills, concurrent allocators agreeing on each new list', async () => {
      const table = await newTable();
      // Two stores on one table: two processes, each with what it caches of the open list.
      const first = table.statusLists({ listSize: 16 });
      const second = table.statusLists({ listSize: 16 });

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
      expect(await first.read('northfield.4', 'revocation')).toBeUndefined();
    });

    it('refuses a bit of an unknown list or beyond the list size with NOT_FOUND', async () => {
      const store = (await newTable()).statusLists({ listSize: 64 });
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
      const store = (await newTable()).statusLists();

      await expect(
        store.setBit({ listId: 'northfield.1', index: -1 }, 'revocation', true),
      ).rejects.toMatchObject({ code: 'VALIDATION' });
      await expect(
        store.setBit({ listId: 'northfield.1', index: 1.5 }, 'revocation', true),
      ).rejects.toMatchObject({ code: 'VALIDATION' });
    });
  });
}
