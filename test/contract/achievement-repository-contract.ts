import { describe, expect, it } from 'vitest';
import type { AchievementRecord } from '#shared/domain/records/records.ts';
import type { NewStoreTable } from './store-fixture.ts';

/**
 * What every AchievementRepository owes the use cases, written once and run against each
 * adapter: conditional creation per issuer, and each issuer's achievements in id order with
 * cursors only that listing accepts.
 */

function achievement(issuerId: string, id: string): AchievementRecord {
  return {
    issuerId,
    id,
    definition: {
      name: `Badge ${id}`,
      description: 'Writes SQL queries that join, filter and aggregate.',
      criteria: { narrative: 'Pass the **SQL** assessment.' },
      alignment: [
        {
          targetName: 'Database querying',
          targetUrl: 'https://esco.example/skill/1',
          targetFramework: 'ESCO',
        },
      ],
      creditsAvailable: 1.5,
      tag: ['sql', 'data'],
    },
    proofFormat: 'vc-jwt',
    algorithm: 'ES256',
    statusPurpose: 'suspension',
    createdAt: '2026-01-01T00:00:00.000Z',
  };
}

export function achievementRepositoryContract(name: string, newTable: NewStoreTable): void {
  async function newStore(pageSize?: number) {
    const table = await newTable();
    return { table, store: table.achievements(pageSize === undefined ? {} : { pageSize }) };
  }

  describe(`AchievementRepository contract: ${name}`, () => {
    it('creates an achievement and reads back the same record', async () => {
      const { store } = await newStore();

      await store.create(achievement('northfield', 'a1'));

      expect(await store.get('northfield', 'a1')).toEqual(achievement('northfield', 'a1'));
    });

    it("returns undefined for an unknown achievement, and for another issuer's", async () => {
      const { store } = await newStore();
      await store.create(achievement('northfield', 'a1'));

      expect(await store.get('northfield', 'a2')).toBeUndefined();
      expect(await store.get('other', 'a1')).toBeUndefined();
    });

    it('refuses a second achievement with the same id with CONFLICT', async () => {
      const { store } = await newStore();
      await store.create(achievement('northfield', 'a1'));

      const again = store.create({
        ...achievement('northfield', 'a1'),
        proofFormat: 'eddsa-rdfc-2022',
      });

      await expect(again).rejects.toMatchObject({ name: 'ServiceError', code: 'CONFLICT' });
      expect((await store.get('northfield', 'a1'))?.proofFormat).toBe('vc-jwt');
    });

    it("lists only the issuer's achievements, page by page, in id order", async () => {
      const { store } = await newStore(2);
      for (const id of ['c', 'a', 'b']) await store.create(achievement('northfield', id));
      await store.create(achievement('other', 'z'));

      const first = await store.list('northfield');
      const second = await store.list('northfield', first.cursor);

      expect(first.items.map((item) => item.id)).toEqual(['a', 'b']);
      expect(first.cursor).toBeDefined();
      expect(second).toEqual({ items: [achievement('northfield', 'c')] });
    });

    it("does not list the issuer's profile or keys as achievements", async () => {
      const { store, table } = await newStore();
      const issuers = table.issuers();
      await issuers.create({
        id: 'northfield',
        did: 'did:web:credstack.example:issuers:northfield',
        profile: { name: 'Northfield' },
        createdAt: '2026-01-01T00:00:00.000Z',
      });
      await issuers.putKey({
        issuerId: 'northfield',
        keyId: 'es256-1',
        algorithm: 'ES256',
        keyRef: 'northfield/es256-1',
        publicJwk: { kty: 'EC' },
        status: 'active',
        createdAt: '2026-01-01T00:00:00.000Z',
      });
      await store.create(achievement('northfield', 'a1'));

      expect(await store.list('northfield')).toEqual({ items: [achievement('northfield', 'a1')] });
    });

    it("refuses a cursor of another issuer's listing with VALIDATION", async () => {
      const { store } = await newStore(1);
      for (const id of ['a', 'b']) await store.create(achievement('northfield', id));
      const { cursor } = await store.list('northfield');

      expect(cursor).toBeDefined();
      await expect(store.list('other', cursor)).rejects.toMatchObject({ code: 'VALIDATION' });
    });
  });
}
