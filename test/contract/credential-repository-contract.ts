import { describe, expect, it } from 'vitest';
import type { Page, StateChange } from '#shared/domain/ports/repositories.ts';
import type { CredentialRecord, CredentialState } from '#shared/domain/records/records.ts';
import type { NewStoreTable } from './store-fixture.ts';

/**
 * What every CredentialRepository owes the use cases, written once and run against each
 * adapter (DynamoDB in test/integration/store, memory in test/unit/store): conditional
 * creation, newest-first listings paged with cursors, and state changes that move the status
 * bit of the table's StatusListRepository with them, all or nothing.
 */

function credential(n: number, overrides: Partial<CredentialRecord> = {}): CredentialRecord {
  return {
    id: `urn:uuid:00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    issuerId: 'northfield',
    achievementId: 'sql-basics',
    recipient: { emailHash: `sha256$${n}` },
    learnerId: 'ada',
    proofFormat: 'vc-jwt',
    signed: `header.payload-${n}.signature`,
    status: { listId: 'northfield.1', index: 1000 + n },
    state: 'active',
    issuedAt: `2026-01-0${n}T00:00:00.000Z`,
    ...overrides,
  };
}

function change(from: CredentialState, to: CredentialState, n = 1): StateChange {
  return { from, to, status: { assignment: credential(n).status, purpose: 'revocation' } };
}

async function allPages(
  list: (cursor?: string) => Promise<Page<CredentialRecord>>,
): Promise<string[][]> {
  const pages: string[][] = [];
  let cursor: string | undefined;
  do {
    const page = await list(cursor);
    pages.push(page.items.map((item) => item.id));
    cursor = page.cursor;
  } while (cursor !== undefined);
  return pages.filter((page) => page.length > 0);
}

export function credentialRepositoryContract(name: string, newTable: NewStoreTable): void {
  async function newStore(pageSize?: number) {
    const table = await newTable();
    const lists = table.statusLists();
    // Opens northfield.1, the list the credentials below point into.
    await lists.allocate('northfield');
    return { lists, store: table.credentials(pageSize === undefined ? {} : { pageSize }) };
  }

  describe(`CredentialRepository contract: ${name}`, () => {
    it('creates a credential and reads back the same record', async () => {
      const { store } = await newStore();

      await store.create(credential(1, { validUntil: '2027-01-01T00:00:00.000Z' }));

      expect(await store.get(credential(1).id)).toEqual(
        credential(1, { validUntil: '2027-01-01T00:00:00.000Z' }),
      );
      expect(await store.get(credential(2).id)).toBeUndefined();
    });

    it('refuses a second credential with the same id with CONFLICT', async () => {
      const { store } = await newStore();
      await store.create(credential(1));

      const again = store.create(credential(1, { signed: 'other' }));

      await expect(again).rejects.toMatchObject({ name: 'ServiceError', code: 'CONFLICT' });
      expect((await store.get(credential(1).id))?.signed).toBe('header.payload-1.signature');
    });

    it("lists an issuer's credentials newest first, page by page", async () => {
      const { store } = await newStore(2);
      for (const n of [3, 1, 5, 2, 4]) await store.create(credential(n));
      await store.create(credential(6, { issuerId: 'other' }));

      const pages = await allPages((cursor) => store.listByIssuer('northfield', cursor));

      expect(pages).toEqual([
        [credential(5).id, credential(4).id],
        [credential(3).id, credential(2).id],
        [credential(1).id],
      ]);
      expect((await store.listByIssuer('other')).items).toEqual([
        credential(6, { issuerId: 'other' }),
      ]);
    });

    it("lists a learner's credentials newest first, and keeps unlinked ones off every learner's list", async () => {
      const { store } = await newStore();
      await store.create(credential(1));
      await store.create(credential(2, { learnerId: 'grace' }));
      await store.create(credential(3));
      await store.create(credential(4, { learnerId: undefined }));

      const ada = await store.listByLearner('ada');

      expect(ada).toEqual({ items: [credential(3), credential(1)] });
      expect((await store.listByLearner('grace')).items.map((item) => item.id)).toEqual([
        credential(2).id,
      ]);
      expect(await store.get(credential(4).id)).not.toHaveProperty('learnerId');
      expect((await store.listByIssuer('northfield')).items.map((item) => item.id)).toContain(
        credential(4).id,
      );
    });

    it('changes the state when it is still the expected one, and the status bit with it', async () => {
      const { store, lists } = await newStore();
      await store.create(credential(1));
      const bit = () => lists.getBit(credential(1).status, 'revocation');
      const seen: boolean[] = [];

      await store.setState(credential(1).id, change('active', 'suspended'));
      seen.push(await bit());
      await store.setState(credential(1).id, change('suspended', 'active'));
      seen.push(await bit());
      await store.setState(credential(1).id, change('active', 'revoked'));
      seen.push(await bit());

      expect(seen).toEqual([true, false, true]);
      expect((await store.get(credential(1).id))?.state).toBe('revoked');
      // Three changes, three revisions of the list.
      expect((await lists.read('northfield.1', 'revocation'))?.revision).toBe(3);
    });

    it("keeps the admin's note with the state it explains, and clears it with the next change", async () => {
      const { store } = await newStore();
      await store.create(credential(1));

      await store.setState(credential(1).id, {
        ...change('active', 'suspended'),
        note: 'Assessment under review',
      });
      const suspended = await store.get(credential(1).id);
      await store.setState(credential(1).id, change('suspended', 'active'));
      const reinstated = await store.get(credential(1).id);

      expect([suspended?.state, suspended?.stateNote]).toEqual([
        'suspended',
        'Assessment under review',
      ]);
      expect(reinstated?.state).toBe('active');
      expect(reinstated).not.toHaveProperty('stateNote');
    });

    it('lets exactly one of two concurrent active→revoked changes win; the other is a CONFLICT', async () => {
      const { store } = await newStore();
      await store.create(credential(1));

      const results = await Promise.allSettled([
        store.setState(credential(1).id, change('active', 'revoked')),
        store.setState(credential(1).id, change('active', 'revoked')),
      ]);

      expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
      const [rejected] = results.filter((result) => result.status === 'rejected');
      expect(rejected?.reason).toMatchObject({ name: 'ServiceError', code: 'CONFLICT' });
      expect((await store.get(credential(1).id))?.state).toBe('revoked');
    });

    it('refuses a change from a state the credential is not in with CONFLICT, writing no bit', async () => {
      const { store, lists } = await newStore();
      await store.create(credential(1));

      const attempt = store.setState(credential(1).id, change('suspended', 'revoked'));

      await expect(attempt).rejects.toMatchObject({ code: 'CONFLICT' });
      expect((await store.get(credential(1).id))?.state).toBe('active');
      expect(await lists.getBit(credential(1).status, 'revocation')).toBe(false);
      expect((await lists.read('northfield.1', 'revocation'))?.revision).toBe(0);
    });

    it('refuses a change of an unknown credential with NOT_FOUND', async () => {
      const { store, lists } = await newStore();

      const attempt = store.setState(credential(9).id, change('active', 'revoked', 9));

      await expect(attempt).rejects.toMatchObject({ code: 'NOT_FOUND' });
      expect(await store.get(credential(9).id)).toBeUndefined();
      expect(await lists.getBit(credential(9).status, 'revocation')).toBe(false);
    });

    it('refuses a change whose status list lacks the index with NOT_FOUND, leaving the state', async () => {
      const { store } = await newStore();
      await store.create(credential(1, { status: { listId: 'northfield.7', index: 3 } }));

      const attempt = store.setState(credential(1).id, {
        from: 'active',
        to: 'revoked',
        status: { assignment: { listId: 'northfield.7', index: 3 }, purpose: 'revocation' },
      });

      await expect(attempt).rejects.toMatchObject({ code: 'NOT_FOUND' });
      expect((await store.get(credential(1).id))?.state).toBe('active');
    });

    it('repairs a drifted bit only while the credential is still in the state it was decided for', async () => {
      const { store, lists } = await newStore();
      await store.create(credential(1));
      const status = { assignment: credential(1).status, purpose: 'revocation' as const };
      // A bit set on its own, as a change before state and bit moved together could leave it.
      await lists.setBit(credential(1).status, 'revocation', true);

      await store.syncStatusBit(credential(1).id, 'active', status);
      const repaired = await lists.getBit(credential(1).status, 'revocation');
      const stale = store.syncStatusBit(credential(1).id, 'revoked', status);

      expect(repaired).toBe(false);
      await expect(stale).rejects.toMatchObject({ code: 'CONFLICT' });
      expect(await lists.getBit(credential(1).status, 'revocation')).toBe(false);
    });

    it('refuses a cursor of another listing with VALIDATION naming the cursor', async () => {
      const { store } = await newStore(1);
      await store.create(credential(1));
      await store.create(credential(2, { learnerId: 'grace' }));
      const { cursor } = await store.listByLearner('ada');

      await expect(store.listByLearner('grace', cursor)).rejects.toMatchObject({
        code: 'VALIDATION',
        fields: [{ pointer: '/cursor' }],
      });
      await expect(store.listByIssuer('northfield', 'not a cursor')).rejects.toMatchObject({
        code: 'VALIDATION',
      });
    });

    it('keeps the stored record apart from the object it was created from', async () => {
      const { store } = await newStore();
      const record = structuredClone(credential(1));

      await store.create(record);
      (record as { signed: string }).signed = 'changed';

      expect((await store.get(credential(1).id))?.signed).toBe('header.payload-1.signature');
    });
  });
}
