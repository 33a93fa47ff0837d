import { describe, expect, it } from 'vitest';
import type { IssuerKeyRecord, IssuerRecord } from '#shared/domain/records/records.ts';
import type { NewStoreTable } from './store-fixture.ts';

/**
 * What every IssuerRepository owes the use cases, written once and run against each adapter:
 * conditional creation (with the first keys, all or nothing), issuers listed in id order with
 * cursors no other listing accepts, keys kept and listed after retirement.
 */

function issuer(id: string): IssuerRecord {
  return {
    id,
    did: `did:web:credstack.example:issuers:${id}`,
    profile: {
      name: `Issuer ${id}`,
      url: `https://${id}.example`,
      email: `badges@${id}.example`,
      parentOrg: { id: 'https://group.example', name: 'Group' },
    },
    createdAt: '2026-01-01T00:00:00.000Z',
  };
}

function signingKey(issuerId: string, keyId: string): IssuerKeyRecord {
  return {
    issuerId,
    keyId,
    algorithm: 'ES256',
    keyRef: `arn:aws:kms:eu-west-1:111122223333:key/${keyId}`,
    publicJwk: { kty: 'EC', crv: 'P-256', x: 'x-coordinate', y: 'y-coordinate', alg: 'ES256' },
    status: 'active',
    createdAt: '2026-01-01T00:00:00.000Z',
  };
}

export function issuerRepositoryContract(name: string, newTable: NewStoreTable): void {
  async function newStore(pageSize?: number) {
    const table = await newTable();
    return { table, store: table.issuers(pageSize === undefined ? {} : { pageSize }) };
  }

  describe(`IssuerRepository contract: ${name}`, () => {
    it('creates an issuer and reads back the same record', async () => {
      const { store } = await newStore();

      await store.create(issuer('northfield'));

      expect(await store.get('northfield')).toEqual(issuer('northfield'));
    });

    it('returns undefined for an unknown issuer', async () => {
      const { store } = await newStore();

      expect(await store.get('nobody')).toBeUndefined();
    });

    it('refuses a second issuer with the same id with CONFLICT and keeps the first', async () => {
      const { store } = await newStore();
      await store.create(issuer('northfield'));

      const second = store.create({ ...issuer('northfield'), did: 'did:web:other' });

      await expect(second).rejects.toMatchObject({ name: 'ServiceError', code: 'CONFLICT' });
      expect((await store.get('northfield'))?.did).toBe(
        'did:web:credstack.example:issuers:northfield',
      );
    });

    it('stores records with undefined members without them', async () => {
      const { store } = await newStore();
      const record: IssuerRecord = {
        ...issuer('northfield'),
        profile: { name: 'Northfield', url: undefined, description: 'A college' },
      };

      await store.create(record);

      expect(await store.get('northfield')).toEqual({
        ...issuer('northfield'),
        profile: { name: 'Northfield', description: 'A college' },
      });
    });

    it('lists issuers in id order, page by page', async () => {
      const { store } = await newStore(2);
      for (const id of ['echo', 'alpha', 'delta', 'charlie', 'bravo'])
        await store.create(issuer(id));

      const ids: string[][] = [];
      let cursor: string | undefined;
      do {
        const page = await store.list(cursor);
        ids.push(page.items.map((item) => item.id));
        cursor = page.cursor;
      } while (cursor !== undefined);

      expect(ids.flat()).toEqual(['alpha', 'bravo', 'charlie', 'delta', 'echo']);
      expect(ids[0]).toEqual(['alpha', 'bravo']);
      expect((await store.list()).items[0]).toEqual(issuer('alpha'));
    });

    it('refuses a malformed cursor and a cursor of another listing with VALIDATION', async () => {
      const { store, table } = await newStore(1);
      const achievements = table.achievements({ pageSize: 1 });
      for (const id of ['a', 'b']) {
        await achievements.create({
          issuerId: 'northfield',
          id,
          definition: { name: id, description: id, criteria: { narrative: id } },
          proofFormat: 'vc-jwt',
          algorithm: 'ES256',
          createdAt: '2026-01-01T00:00:00.000Z',
        });
      }
      const foreign = (await achievements.list('northfield')).cursor;

      await expect(store.list('not-a-cursor')).rejects.toMatchObject({ code: 'VALIDATION' });
      expect(foreign).toBeDefined();
      await expect(store.list(foreign)).rejects.toMatchObject({ code: 'VALIDATION' });
    });

    it('refuses an issuer id that contains "#" with VALIDATION', async () => {
      const { store } = await newStore();

      await expect(store.create(issuer('a#CREDS'))).rejects.toMatchObject({ code: 'VALIDATION' });
      await expect(store.get('a#b')).rejects.toMatchObject({ code: 'VALIDATION' });
    });

    describe('keys', () => {
      it('lists every key of the issuer, and only its keys', async () => {
        const { store } = await newStore();
        await store.create(issuer('northfield'));
        await store.putKey(signingKey('northfield', 'es256-20260101000000'));
        await store.putKey({
          ...signingKey('northfield', 'rs256-20260101000000'),
          algorithm: 'RS256',
        });
        await store.putKey(signingKey('other', 'es256-20260101000000'));

        const keys = await store.listKeys('northfield');

        expect(keys).toEqual([
          signingKey('northfield', 'es256-20260101000000'),
          { ...signingKey('northfield', 'rs256-20260101000000'), algorithm: 'RS256' },
        ]);
      });

      it('refuses a second key with the same id with CONFLICT', async () => {
        const { store } = await newStore();
        await store.putKey(signingKey('northfield', 'es256-1'));

        const again = store.putKey({ ...signingKey('northfield', 'es256-1'), keyRef: 'other' });

        await expect(again).rejects.toMatchObject({ code: 'CONFLICT' });
        expect((await store.listKeys('northfield'))[0]?.keyRef).toBe(
          'arn:aws:kms:eu-west-1:111122223333:key/es256-1',
        );
      });

      it('retires a key, keeps listing it, and keeps the first retirement time', async () => {
        const { store } = await newStore();
        await store.putKey(signingKey('northfield', 'es256-1'));
        await store.putKey(signingKey('northfield', 'es256-2'));

        await store.retireKey('northfield', 'es256-1', '2026-02-01T00:00:00.000Z');
        await store.retireKey('northfield', 'es256-1', '2026-03-01T00:00:00.000Z');

        expect(await store.listKeys('northfield')).toEqual([
          {
            ...signingKey('northfield', 'es256-1'),
            status: 'retired',
            retiredAt: '2026-02-01T00:00:00.000Z',
          },
          signingKey('northfield', 'es256-2'),
        ]);
      });

      it('refuses to retire an unknown key with NOT_FOUND', async () => {
        const { store } = await newStore();

        const retire = store.retireKey('northfield', 'es256-404', '2026-02-01T00:00:00.000Z');

        await expect(retire).rejects.toMatchObject({ code: 'NOT_FOUND' });
        expect(await store.listKeys('northfield')).toEqual([]);
      });

      it('does not list keys, pointers or achievements as issuers', async () => {
        const { store } = await newStore();
        await store.create(issuer('northfield'));
        await store.putKey(signingKey('northfield', 'es256-1'));

        const page = await store.list();

        expect(page).toEqual({ items: [issuer('northfield')] });
      });
    });

    it('replaces the profile of an existing issuer, and refuses an unknown one with NOT_FOUND', async () => {
      const { store } = await newStore();
      await store.create(issuer('northfield'));
      const profile = { name: 'Northfield College', description: 'Evening courses' };

      await store.updateProfile('northfield', profile);
      const unknown = store.updateProfile('nobody', profile);

      await expect(unknown).rejects.toMatchObject({ name: 'ServiceError', code: 'NOT_FOUND' });
      expect(await store.get('northfield')).toEqual({ ...issuer('northfield'), profile });
      expect(await store.get('nobody')).toBeUndefined();
    });

    it('creates an issuer with its first keys, all or nothing', async () => {
      const { store } = await newStore();
      await store.putKey(signingKey('northfield', 'es256-taken'));

      const clash = store.create(issuer('northfield'), [
        signingKey('northfield', 'es256-new'),
        signingKey('northfield', 'es256-taken'),
      ]);
      await expect(clash).rejects.toMatchObject({ code: 'CONFLICT' });
      await store.create(issuer('other'), [signingKey('other', 'es256-1')]);

      expect(await store.get('northfield')).toBeUndefined();
      expect((await store.listKeys('northfield')).map((key) => key.keyId)).toEqual(['es256-taken']);
      expect(await store.listKeys('other')).toEqual([signingKey('other', 'es256-1')]);
    });
  });
}
