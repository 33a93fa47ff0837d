import { KEY } from '#shared/adapters/dynamodb/table.ts';
import { ServiceError } from '#shared/domain/errors.ts';
import type { Page, SearchAuditRepository } from '#shared/domain/ports/repositories.ts';
import type { SearchAuditRecord, SeenRecord } from '#shared/domain/records/search-records.ts';
import { batchWriteAll } from './batch-write.ts';
import { type ItemKey, learnerPartition, withoutUndefined } from './keys.ts';
import { DynamoStore, queryPage } from './paging.ts';

/**
 * The search audit trail. A search (or export, or profile view) is one item in the employer's
 * partition, `EMPLOYER#<tenantId>#<employerId>`/`SEARCH#<at>#<id>`; each learner it returned
 * gets one item in their own partition, `SEEN#<learnerId>`/`<at>#<id>`, which is what the
 * learner reads. Both carry `expiresAt` (a year on), so DynamoDB's TTL ages them out.
 *
 * @example
 * const audit = new DynamoSearchAuditStore({ documents, tableName: 'credstack' });
 * await audit.record(search, seen);
 */

/** How long audit items are kept before TTL may delete them. */
export const AUDIT_RETENTION_DAYS = 365;

function part(value: string, what: string): string {
  if (value === '' || value.includes('#'))
    throw new ServiceError('VALIDATION', `${what} must be non-empty and must not contain "#"`);
  return value;
}

/**
 * The partition of an employer's searches in a tenant.
 *
 * @example
 * employerSearchPartition('default', 'acme'); // 'EMPLOYER#default#acme'
 */
export function employerSearchPartition(tenantId: string, employerId: string): string {
  return `EMPLOYER#${part(tenantId, 'tenant id')}#${part(employerId, 'employer id')}`;
}

/**
 * The partition of what a learner was seen in.
 *
 * @example
 * seenPartition('ada'); // 'SEEN#ada'
 */
export function seenPartition(learnerId: string): string {
  return `SEEN#${learnerPartition(learnerId).slice('LEARNER#'.length)}`;
}

function searchKey(record: SearchAuditRecord): ItemKey {
  return {
    PK: employerSearchPartition(record.tenantId, record.employerId),
    SK: `SEARCH#${record.at}#${record.id}`,
  };
}

function expiresAt(at: string): number {
  return Math.floor(Date.parse(at) / 1000) + AUDIT_RETENTION_DAYS * 86_400;
}

export class DynamoSearchAuditStore extends DynamoStore implements SearchAuditRepository {
  async record(search: SearchAuditRecord, seen: readonly SeenRecord[]): Promise<void> {
    const items: Record<string, unknown>[] = [
      { ...withoutUndefined(search), ...searchKey(search), [KEY.ttl]: expiresAt(search.at) },
      ...seen.map((event) => ({
        ...withoutUndefined(event),
        PK: seenPartition(event.learnerId),
        SK: `${event.at}#${event.id}`,
        [KEY.ttl]: expiresAt(event.at),
      })),
    ];
    await batchWriteAll(
      this.documents,
      this.table,
      items.map((Item) => ({ PutRequest: { Item } })),
    );
  }

  listSeen(learnerId: string, cursor?: string): Promise<Page<SeenRecord>> {
    return this.#newestFirst<SeenRecord>(seenPartition(learnerId), undefined, cursor);
  }

  listSearches(
    tenantId: string,
    employerId: string,
    cursor?: string,
  ): Promise<Page<SearchAuditRecord>> {
    return this.#newestFirst<SearchAuditRecord>(
      employerSearchPartition(tenantId, employerId),
      'SEARCH#',
      cursor,
    );
  }

  #newestFirst<T>(pk: string, prefix: string | undefined, cursor?: string): Promise<Page<T>> {
    return queryPage<T>(
      this.documents,
      {
        TableName: this.table,
        KeyConditionExpression:
          prefix === undefined ? '#pk = :pk' : '#pk = :pk AND begins_with(#sk, :prefix)',
        ExpressionAttributeNames: {
          '#pk': KEY.pk,
          ...(prefix === undefined ? {} : { '#sk': KEY.sk }),
        },
        ExpressionAttributeValues: {
          ':pk': pk,
          ...(prefix === undefined ? {} : { ':prefix': prefix }),
        },
        ScanIndexForward: false,
        Limit: this.pageSize,
      },
      cursor,
      { [KEY.pk]: pk },
    );
  }
}
