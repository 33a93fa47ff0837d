import { ServiceError } from '#shared/domain/errors.ts';
import type { EmployerListRepository, Page } from '#shared/domain/ports/repositories.ts';
import type {
  SavedSearchRecord,
  ShortlistEntryRecord,
} from '#shared/domain/records/search-records.ts';
import type { MemoryStoreOptions } from './issuance-stores.ts';
import { conflict, keyPart, MEMORY_PAGE_SIZE, pageOf, stored } from './table.ts';

/**
 * Employers' shortlists and saved searches in process memory, with the semantics of the
 * DynamoDB store (held to the same contract suite): lists in id order, page by page, in one
 * listing per employer and tenant.
 */
export class MemoryEmployerListStore implements EmployerListRepository {
  /** `<tenant>#<employer>` → learner id → entry. */
  readonly #shortlists = new Map<string, Map<string, ShortlistEntryRecord>>();
  /** `<tenant>#<employer>` → search id → saved search. */
  readonly #saved = new Map<string, Map<string, SavedSearchRecord>>();
  readonly #pageSize: number;

  constructor(options: MemoryStoreOptions = {}) {
    this.#pageSize = options.pageSize ?? MEMORY_PAGE_SIZE;
  }

  async putShortlisted(entry: ShortlistEntryRecord): Promise<void> {
    this.#of(this.#shortlists, entry.tenantId, entry.employerId).set(
      keyPart(entry.learnerId, 'learner id'),
      stored(entry),
    );
  }

  async getShortlisted(
    tenantId: string,
    employerId: string,
    learnerId: string,
  ): Promise<ShortlistEntryRecord | undefined> {
    return stored(
      this.#of(this.#shortlists, tenantId, employerId).get(keyPart(learnerId, 'learner id')),
    );
  }

  async listShortlist(
    tenantId: string,
    employerId: string,
    cursor?: string,
  ): Promise<Page<ShortlistEntryRecord>> {
    const entries = [...this.#of(this.#shortlists, tenantId, employerId)];
    return pageOf(`SHORTLIST#${tenantId}#${employerId}`, entries, cursor, this.#pageSize, false);
  }

  async removeShortlisted(tenantId: string, employerId: string, learnerId: string): Promise<void> {
    if (!this.#of(this.#shortlists, tenantId, employerId).delete(keyPart(learnerId, 'learner id')))
      throw new ServiceError('NOT_FOUND', `${learnerId} is not on the shortlist`);
  }

  async createSavedSearch(record: SavedSearchRecord): Promise<void> {
    const saved = this.#of(this.#saved, record.tenantId, record.employerId);
    if (saved.has(keyPart(record.id, 'saved search id')))
      throw conflict(`saved search ${record.id} exists`);
    saved.set(record.id, stored(record));
  }

  async getSavedSearch(
    tenantId: string,
    employerId: string,
    searchId: string,
  ): Promise<SavedSearchRecord | undefined> {
    return stored(
      this.#of(this.#saved, tenantId, employerId).get(keyPart(searchId, 'saved search id')),
    );
  }

  async listSavedSearches(
    tenantId: string,
    employerId: string,
    cursor?: string,
  ): Promise<Page<SavedSearchRecord>> {
    const entries = [...this.#of(this.#saved, tenantId, employerId)];
    return pageOf(`SAVED#${tenantId}#${employerId}`, entries, cursor, this.#pageSize, false);
  }

  async markSeen(
    tenantId: string,
    employerId: string,
    searchId: string,
    seen: { readonly at: string; readonly learnerIds: readonly string[] },
  ): Promise<void> {
    const saved = this.#of(this.#saved, tenantId, employerId);
    const record = saved.get(keyPart(searchId, 'saved search id'));
    if (record === undefined) throw new ServiceError('NOT_FOUND', `no saved search ${searchId}`);
    saved.set(
      searchId,
      stored({ ...record, lastSeenAt: seen.at, seenLearnerIds: [...seen.learnerIds] }),
    );
  }

  async deleteSavedSearch(tenantId: string, employerId: string, searchId: string): Promise<void> {
    if (!this.#of(this.#saved, tenantId, employerId).delete(keyPart(searchId, 'saved search id')))
      throw new ServiceError('NOT_FOUND', `no saved search ${searchId}`);
  }

  #of<T>(lists: Map<string, Map<string, T>>, tenantId: string, employerId: string) {
    const id = `${keyPart(tenantId, 'tenant id')}#${keyPart(employerId, 'employer id')}`;
    let list = lists.get(id);
    if (list === undefined) {
      list = new Map();
      lists.set(id, list);
    }
    return list;
  }
}
