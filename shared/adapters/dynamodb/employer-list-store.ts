import { KEY } from '#shared/adapters/dynamodb/table.ts';
import { ServiceError } from '#shared/domain/errors.ts';
import type { EmployerListRepository, Page } from '#shared/domain/ports/repositories.ts';
import type {
  SavedSearchRecord,
  ShortlistEntryRecord,
} from '#shared/domain/records/search-records.ts';
import { isConditionFailure, putNew, throwAsServiceError } from './errors.ts';
import { type ItemKey, recordOf, withoutUndefined } from './keys.ts';
import { DynamoStore, queryPage } from './paging.ts';
import { employerSearchPartition } from './search-audit-store.ts';

/**
 * An employer's shortlist and saved searches, in the partition of the employer's searches:
 * `EMPLOYER#<tenantId>#<employerId>`/`SHORTLIST#<learnerId>` and `…/SAVED#<searchId>`. The
 * sort-key prefixes keep them apart from the audit's `SEARCH#` items, so each list is one
 * `begins_with` query of a single partition.
 *
 * @example
 * const lists = new DynamoEmployerListStore({ documents, tableName: 'credstack' });
 * await lists.listShortlist('default', 'acme');
 */

const SHORTLIST_PREFIX = 'SHORTLIST#';
const SAVED_PREFIX = 'SAVED#';

function idPart(value: string, what: string): string {
  if (value === '' || value.includes('#'))
    throw new ServiceError('VALIDATION', `${what} must be non-empty and must not contain "#"`, {
      fields: [{ pointer: '', detail: `invalid ${what}: ${JSON.stringify(value)}` }],
    });
  return value;
}

/**
 * A learner's entry on an employer's shortlist.
 *
 * @example
 * shortlistKey('default', 'acme', 'ada'); // { PK: 'EMPLOYER#default#acme', SK: 'SHORTLIST#ada' }
 */
export function shortlistKey(tenantId: string, employerId: string, learnerId: string): ItemKey {
  return {
    PK: employerSearchPartition(tenantId, employerId),
    SK: `${SHORTLIST_PREFIX}${idPart(learnerId, 'learner id')}`,
  };
}

/**
 * An employer's saved search.
 *
 * @example
 * savedSearchKey('default', 'acme', 's1'); // { PK: 'EMPLOYER#default#acme', SK: 'SAVED#s1' }
 */
export function savedSearchKey(tenantId: string, employerId: string, searchId: string): ItemKey {
  return {
    PK: employerSearchPartition(tenantId, employerId),
    SK: `${SAVED_PREFIX}${idPart(searchId, 'saved search id')}`,
  };
}

export class DynamoEmployerListStore extends DynamoStore implements EmployerListRepository {
  async putShortlisted(entry: ShortlistEntryRecord): Promise<void> {
    try {
      await this.documents.put({
        TableName: this.table,
        Item: {
          ...withoutUndefined(entry),
          ...shortlistKey(entry.tenantId, entry.employerId, entry.learnerId),
        },
      });
    } catch (error) {
      throwAsServiceError(error, `the shortlist entry of ${entry.learnerId} changed meanwhile`);
    }
  }

  async getShortlisted(
    tenantId: string,
    employerId: string,
    learnerId: string,
  ): Promise<ShortlistEntryRecord | undefined> {
    return this.#get<ShortlistEntryRecord>(shortlistKey(tenantId, employerId, learnerId));
  }

  async listShortlist(
    tenantId: string,
    employerId: string,
    cursor?: string,
  ): Promise<Page<ShortlistEntryRecord>> {
    return this.#list(employerSearchPartition(tenantId, employerId), SHORTLIST_PREFIX, cursor);
  }

  async removeShortlisted(tenantId: string, employerId: string, learnerId: string): Promise<void> {
    await this.#delete(
      shortlistKey(tenantId, employerId, learnerId),
      `${learnerId} is not on the shortlist`,
    );
  }

  async createSavedSearch(record: SavedSearchRecord): Promise<void> {
    await putNew(
      this.documents,
      this.table,
      {
        ...withoutUndefined(record),
        ...savedSearchKey(record.tenantId, record.employerId, record.id),
      },
      `saved search ${record.id} exists`,
    );
  }

  async getSavedSearch(
    tenantId: string,
    employerId: string,
    searchId: string,
  ): Promise<SavedSearchRecord | undefined> {
    return this.#get<SavedSearchRecord>(savedSearchKey(tenantId, employerId, searchId));
  }

  async listSavedSearches(
    tenantId: string,
    employerId: string,
    cursor?: string,
  ): Promise<Page<SavedSearchRecord>> {
    return this.#list(employerSearchPartition(tenantId, employerId), SAVED_PREFIX, cursor);
  }

  async markSeen(
    tenantId: string,
    employerId: string,
    searchId: string,
    seen: { readonly at: string; readonly learnerIds: readonly string[] },
  ): Promise<void> {
    try {
      await this.documents.update({
        TableName: this.table,
        Key: savedSearchKey(tenantId, employerId, searchId),
        UpdateExpression: 'SET #at = :at, #ids = :ids',
        ConditionExpression: 'attribute_exists(#pk)',
        ExpressionAttributeNames: {
          '#pk': KEY.pk,
          '#at': 'lastSeenAt',
          '#ids': 'seenLearnerIds',
        },
        ExpressionAttributeValues: { ':at': seen.at, ':ids': [...seen.learnerIds] },
      });
    } catch (error) {
      if (isConditionFailure(error))
        throw new ServiceError('NOT_FOUND', `no saved search ${searchId}`, { cause: error });
      throwAsServiceError(error, `saved search ${searchId} changed meanwhile`);
    }
  }

  async deleteSavedSearch(tenantId: string, employerId: string, searchId: string): Promise<void> {
    await this.#delete(
      savedSearchKey(tenantId, employerId, searchId),
      `no saved search ${searchId}`,
    );
  }

  async #get<T>(key: ItemKey): Promise<T | undefined> {
    const { Item } = await this.documents.get({
      TableName: this.table,
      Key: key,
      ConsistentRead: true,
    });
    return Item === undefined ? undefined : recordOf<T>(Item);
  }

  async #list<T>(partition: string, prefix: string, cursor?: string): Promise<Page<T>> {
    return queryPage<T>(
      this.documents,
      {
        TableName: this.table,
        KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
        ExpressionAttributeNames: { '#pk': KEY.pk, '#sk': KEY.sk },
        ExpressionAttributeValues: { ':pk': partition, ':prefix': prefix },
        ConsistentRead: true,
        Limit: this.pageSize,
      },
      cursor,
      { [KEY.pk]: partition },
    );
  }

  async #delete(key: ItemKey, notFound: string): Promise<void> {
    try {
      await this.documents.delete({
        TableName: this.table,
        Key: key,
        ConditionExpression: 'attribute_exists(#pk)',
        ExpressionAttributeNames: { '#pk': KEY.pk },
      });
    } catch (error) {
      if (isConditionFailure(error))
        throw new ServiceError('NOT_FOUND', notFound, { cause: error });
      throwAsServiceError(error, `${key.SK} changed meanwhile`);
    }
  }
}
