import { setTimeout as sleep } from 'node:timers/promises';
import { GSI1, KEY } from '#shared/adapters/dynamodb/table.ts';
import { ServiceError } from '#shared/domain/errors.ts';
import type { ConsentRepository, Page } from '#shared/domain/ports/repositories.ts';
import type { ConsentRecord } from '#shared/domain/records/search-records.ts';
import { throwAsServiceError } from './errors.ts';
import { type ItemKey, learnerPartition, recordOf, withoutUndefined } from './keys.ts';
import { DynamoStore, queryAll, queryPage } from './paging.ts';

/**
 * Consent to be found, in the learner's partition: `LEARNER#<learnerId>`/`CONSENT#<tenantId>`,
 * and on GSI1 under `CANDIDATES` sorted by `<tenantId>#<learnerId>`, so a tenant's candidates
 * (and every candidate, for a full re-index) can be listed. Withdrawn consent keeps its item.
 *
 * @example
 * const consents = new DynamoConsentStore({ documents, tableName: 'credstack' });
 * await consents.put({ learnerId: 'ada', tenantId: 'default', state: 'given', … });
 */

export const CONSENT_PREFIX = 'CONSENT#';
/** BatchGetItem's own limit of keys per request; a search page is at most this large. */
export const MAX_BATCH_GET = 100;
const BATCH_ATTEMPTS = 5;

/** GSI1 partition listing every learner who has a consent record. */
export const CANDIDATES_GSI1PK = 'CANDIDATES';

function tenantPart(tenantId: string): string {
  if (tenantId === '' || tenantId.includes('#'))
    throw new ServiceError('VALIDATION', 'a tenant id must be non-empty and must not contain "#"');
  return tenantId;
}

/**
 * The item key of a learner's consent in a tenant.
 *
 * @example
 * consentKey('ada', 'default'); // { PK: 'LEARNER#ada', SK: 'CONSENT#default' }
 */
export function consentKey(learnerId: string, tenantId: string): ItemKey {
  return { PK: learnerPartition(learnerId), SK: `${CONSENT_PREFIX}${tenantPart(tenantId)}` };
}

export class DynamoConsentStore extends DynamoStore implements ConsentRepository {
  async get(learnerId: string, tenantId: string): Promise<ConsentRecord | undefined> {
    const { Item } = await this.documents.get({
      TableName: this.table,
      Key: consentKey(learnerId, tenantId),
      ConsistentRead: true,
    });
    return Item === undefined ? undefined : recordOf<ConsentRecord>(Item);
  }

  /**
   * The consents of up to {@link MAX_BATCH_GET} learners in `tenantId`, strongly consistent, in
   * one BatchGetItem (keys DynamoDB leaves unprocessed are asked again): a page of search hits
   * checked against the table.
   */
  async getMany(tenantId: string, learnerIds: readonly string[]): Promise<ConsentRecord[]> {
    if (learnerIds.length > MAX_BATCH_GET)
      throw new ServiceError('VALIDATION', `at most ${MAX_BATCH_GET} consents are read at once`);
    const found: ConsentRecord[] = [];
    let pending: Record<string, unknown>[] = [...new Set(learnerIds)].map((learnerId) => ({
      ...consentKey(learnerId, tenantId),
    }));
    for (let attempt = 1; pending.length > 0; attempt += 1) {
      if (attempt > BATCH_ATTEMPTS)
        throw new ServiceError('UNAVAILABLE', 'the table is busy; try again');
      if (attempt > 1) await sleep(Math.random() * 20 * 2 ** attempt);
      const { Responses, UnprocessedKeys } = await this.documents.batchGet({
        RequestItems: { [this.table]: { Keys: pending, ConsistentRead: true } },
      });
      for (const item of Responses?.[this.table] ?? []) found.push(recordOf<ConsentRecord>(item));
      pending = UnprocessedKeys?.[this.table]?.Keys ?? [];
    }
    return found;
  }

  async list(learnerId: string): Promise<readonly ConsentRecord[]> {
    const items = await queryAll(this.documents, {
      TableName: this.table,
      KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
      ExpressionAttributeNames: { '#pk': KEY.pk, '#sk': KEY.sk },
      ExpressionAttributeValues: { ':pk': learnerPartition(learnerId), ':prefix': CONSENT_PREFIX },
      ConsistentRead: true,
    });
    return items.map((found) => recordOf<ConsentRecord>(found));
  }

  async put(record: ConsentRecord): Promise<void> {
    try {
      await this.documents.put({
        TableName: this.table,
        Item: {
          ...withoutUndefined(record),
          ...consentKey(record.learnerId, record.tenantId),
          [KEY.gsi1pk]: CANDIDATES_GSI1PK,
          [KEY.gsi1sk]: `${record.tenantId}#${record.learnerId}`,
        },
      });
    } catch (error) {
      throwAsServiceError(error, `consent of ${record.learnerId} changed meanwhile`);
    }
  }

  async listCandidates(
    tenantId: string | undefined,
    cursor?: string,
  ): Promise<Page<{ readonly tenantId: string; readonly learnerId: string }>> {
    const page = await queryPage<ConsentRecord>(
      this.documents,
      {
        TableName: this.table,
        IndexName: GSI1,
        KeyConditionExpression:
          tenantId === undefined ? '#pk = :pk' : '#pk = :pk AND begins_with(#sk, :tenant)',
        ExpressionAttributeNames: {
          '#pk': KEY.gsi1pk,
          ...(tenantId === undefined ? {} : { '#sk': KEY.gsi1sk }),
        },
        ExpressionAttributeValues: {
          ':pk': CANDIDATES_GSI1PK,
          ...(tenantId === undefined ? {} : { ':tenant': `${tenantPart(tenantId)}#` }),
        },
        Limit: this.pageSize,
      },
      cursor,
      { [KEY.gsi1pk]: CANDIDATES_GSI1PK },
    );
    return {
      items: page.items.map(({ tenantId: tenant, learnerId }) => ({ tenantId: tenant, learnerId })),
      ...(page.cursor === undefined ? {} : { cursor: page.cursor }),
    };
  }
}
