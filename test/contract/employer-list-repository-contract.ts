import { describe, expect, it } from 'vitest';
import type {
  SavedSearchRecord,
  ShortlistEntryRecord,
} from '#shared/domain/records/search-records.ts';
import type { NewStoreTable } from './store-fixture.ts';

/**
 * What the store of employers' shortlists and saved searches owes the use cases, written once
 * and run against each adapter: one entry per learner (a later put replaces the note), lists
 * in id order page by page, kept apart per employer and tenant, creation that never
 * overwrites, and removal of what is absent reported as NOT_FOUND.
 */

const AT = '2026-04-01T00:00:00.000Z';

function entry(learnerId: string, note: string, employerId = 'acme'): ShortlistEntryRecord {
  return { tenantId: 'default', employerId, learnerId, note, addedAt: AT, updatedAt: AT };
}

function saved(id: string, employerId = 'acme'): SavedSearchRecord {
  return {
    id,
    tenantId: 'default',
    employerId,
    name: `Search ${id}`,
    query: { mustHave: ['ONET:15-2051.00'], filter: { minResultLevel: 50 } },
    createdAt: AT,
    lastSeenAt: AT,
    seenLearnerIds: ['ada'],
  };
}

export function employerListRepositoryContracts(name: string, newTable: NewStoreTable): void {
  describe(`EmployerListRepository contract: ${name}`, () => {
    it('keeps one shortlist entry per learner, lists it page by page and removes it', async () => {
      const lists = (await newTable()).employerLists({ pageSize: 2 });
      for (const learnerId of ['cy', 'ada', 'bo'])
        await lists.putShortlisted(entry(learnerId, 'n'));
      await lists.putShortlisted({
        ...entry('ada', 'strong SQL, call back'),
        updatedAt: '2026-04-02T00:00:00.000Z',
      });
      await lists.putShortlisted(entry('ada', 'for another employer', 'globex'));

      const first = await lists.listShortlist('default', 'acme');
      const second = await lists.listShortlist('default', 'acme', first.cursor);

      expect(first.items.map((e) => e.learnerId)).toEqual(['ada', 'bo']);
      expect(second.items.map((e) => e.learnerId)).toEqual(['cy']);
      expect(await lists.getShortlisted('default', 'acme', 'ada')).toEqual({
        ...entry('ada', 'strong SQL, call back'),
        updatedAt: '2026-04-02T00:00:00.000Z',
      });
      expect((await lists.listShortlist('default', 'globex')).items).toEqual([
        entry('ada', 'for another employer', 'globex'),
      ]);
      expect((await lists.listShortlist('other', 'acme')).items).toEqual([]);

      await lists.removeShortlisted('default', 'acme', 'bo');
      expect(await lists.getShortlisted('default', 'acme', 'bo')).toBeUndefined();
      await expect(lists.removeShortlisted('default', 'acme', 'bo')).rejects.toMatchObject({
        code: 'NOT_FOUND',
      });
      await expect(lists.listShortlist('default', 'globex', first.cursor)).rejects.toMatchObject({
        code: 'VALIDATION',
      });
      await expect(lists.putShortlisted(entry('a#b', 'n'))).rejects.toMatchObject({
        code: 'VALIDATION',
      });
    });

    it('creates saved searches once, records what was seen and deletes them', async () => {
      const table = await newTable();
      const lists = table.employerLists({ pageSize: 2 });
      for (const id of ['s2', 's1', 's3']) await lists.createSavedSearch(saved(id));

      await expect(
        lists.createSavedSearch({ ...saved('s1'), name: 'again' }),
      ).rejects.toMatchObject({ code: 'CONFLICT' });
      const first = await lists.listSavedSearches('default', 'acme');
      const second = await lists.listSavedSearches('default', 'acme', first.cursor);
      expect(first.items).toEqual([saved('s1'), saved('s2')]);
      expect(second.items.map((s) => s.id)).toEqual(['s3']);
      expect((await lists.listSavedSearches('default', 'globex')).items).toEqual([]);
      // Shortlist entries and saved searches share the partition, never a listing.
      await lists.putShortlisted(entry('ada', 'n'));
      expect((await lists.listShortlist('default', 'acme')).items).toHaveLength(1);

      await lists.markSeen('default', 'acme', 's2', {
        at: '2026-04-03T00:00:00.000Z',
        learnerIds: ['ada', 'grace'],
      });
      expect(await table.employerLists().getSavedSearch('default', 'acme', 's2')).toEqual({
        ...saved('s2'),
        lastSeenAt: '2026-04-03T00:00:00.000Z',
        seenLearnerIds: ['ada', 'grace'],
      });
      await lists.markSeen('default', 'acme', 's3', { at: AT, learnerIds: [] });
      expect((await lists.getSavedSearch('default', 'acme', 's3'))?.seenLearnerIds).toEqual([]);

      await lists.deleteSavedSearch('default', 'acme', 's2');
      expect(await lists.getSavedSearch('default', 'acme', 's2')).toBeUndefined();
      await expect(lists.deleteSavedSearch('default', 'acme', 's2')).rejects.toMatchObject({
        code: 'NOT_FOUND',
      });
      await expect(
        lists.markSeen('default', 'acme', 's2', { at: AT, learnerIds: [] }),
      ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    });
  });
}
