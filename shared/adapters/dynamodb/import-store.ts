import { createHash } from 'node:crypto';
import { GSI1, KEY } from '#shared/adapters/dynamodb/table.ts';
import { ServiceError } from '#shared/domain/errors.ts';
import type { ImportRepository, Page } from '#shared/domain/ports/repositories.ts';
import type { ImportRecord } from '#shared/domain/records/search-records.ts';
import { isConditionFailure, putNew, throwAsServiceError } from './errors.ts';
import { type ItemKey, learnerPartition, recordOf, withoutUndefined } from './keys.ts';
import { DynamoStore, queryPage } from './paging.ts';

/**
 * Imported credentials in their learner's partition, `LEARNER#<learnerId>`/`IMPORT#<importId>`,
 * and on GSI1 under `IMPORTS#<shard>` sorted by `<verifiedAt>#<learnerId>#<importId>`: the
 * re-verification schedule reads the oldest verifications first. Spreading the schedule over
 * IMPORT_SHARDS partitions keeps any one GSI partition far below its write limit.
 *
 * @example
 * const imports = new DynamoImportStore({ documents, tableName: 'credstack' });
 * const due = await imports.listDue('2026-06-01T00:00:00Z', 100);
 */

/** Sort-key prefix of imports in a learner partition. */
export const IMPORT_PREFIX = 'IMPORT#';
/** GSI1 partitions the re-verification schedule is spread over. */
export const IMPORT_SHARDS = 8;

/**
 * The item key of an import.
 *
 * @example
 * importKey('ada', 'k3…'); // { PK: 'LEARNER#ada', SK: 'IMPORT#k3…' }
 */
export function importKey(learnerId: string, importId: string): ItemKey {
  if (importId === '' || importId.includes('#'))
    throw new ServiceError('NOT_FOUND', `no import ${importId}`);
  return { PK: learnerPartition(learnerId), SK: `${IMPORT_PREFIX}${importId}` };
}

/**
 * The schedule shard of a learner's imports.
 *
 * @example
 * importShard('ada'); // 'IMPORTS#3'
 */
export function importShard(learnerId: string): string {
  const byte = createHash('sha256').update(learnerId).digest()[0] ?? 0;
  return `IMPORTS#${byte % IMPORT_SHARDS}`;
}

function item(record: ImportRecord): Record<string, unknown> {
  return {
    ...withoutUndefined(record),
    ...importKey(record.learnerId, record.id),
    [KEY.gsi1pk]: importShard(record.learnerId),
    [KEY.gsi1sk]: `${record.verifiedAt}#${record.learnerId}#${record.id}`,
  };
}

export class DynamoImportStore extends DynamoStore implements ImportRepository {
  async create(record: ImportRecord): Promise<void> {
    await putNew(
      this.documents,
      this.table,
      item(record),
      `learner ${record.learnerId} already imported ${record.credentialId}`,
    );
  }

  async get(learnerId: string, importId: string): Promise<ImportRecord | undefined> {
    const { Item } = await this.documents.get({
      TableName: this.table,
      Key: importKey(learnerId, importId),
      ConsistentRead: true,
    });
    return Item === undefined ? undefined : recordOf<ImportRecord>(Item);
  }

  /** The learner's imports in import id order. */
  list(learnerId: string, cursor?: string): Promise<Page<ImportRecord>> {
    const pk = learnerPartition(learnerId);
    return queryPage<ImportRecord>(
      this.documents,
      {
        TableName: this.table,
        KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
        ExpressionAttributeNames: { '#pk': KEY.pk, '#sk': KEY.sk },
        ExpressionAttributeValues: { ':pk': pk, ':prefix': IMPORT_PREFIX },
        Limit: this.pageSize,
        ConsistentRead: true,
      },
      cursor,
      { [KEY.pk]: pk },
    );
  }

  async saveVerification(record: ImportRecord, previous: number): Promise<void> {
    try {
      await this.documents.put({
        TableName: this.table,
        Item: item(record),
        ConditionExpression: '#revision = :previous',
        ExpressionAttributeNames: { '#revision': 'revision' },
        ExpressionAttributeValues: { ':previous': previous },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      });
    } catch (error) {
      if (isConditionFailure(error) && error.Item === undefined)
        throw new ServiceError('NOT_FOUND', `no import ${record.id}`, { cause: error });
      throwAsServiceError(error, `import ${record.id} was re-verified meanwhile`);
    }
  }

  async delete(learnerId: string, importId: string): Promise<void> {
    try {
      await this.documents.delete({
        TableName: this.table,
        Key: importKey(learnerId, importId),
        ConditionExpression: 'attribute_exists(#pk)',
        ExpressionAttributeNames: { '#pk': KEY.pk },
      });
    } catch (error) {
      if (isConditionFailure(error))
        throw new ServiceError('NOT_FOUND', `no import ${importId}`, { cause: error });
      throwAsServiceError(error, `import ${importId} changed meanwhile`);
    }
  }

  async listDue(before: string, limit: number): Promise<readonly ImportRecord[]> {
    const shards = Array.from({ length: IMPORT_SHARDS }, (_, n) => `IMPORTS#${n}`);
    const pages = await Promise.all(
      shards.map((shard) =>
        this.documents.query({
          TableName: this.table,
          IndexName: GSI1,
          KeyConditionExpression: '#pk = :pk AND #sk < :before',
          ExpressionAttributeNames: { '#pk': KEY.gsi1pk, '#sk': KEY.gsi1sk },
          ExpressionAttributeValues: { ':pk': shard, ':before': before },
          Limit: limit,
        }),
      ),
    );
    return pages
      .flatMap((page) => page.Items ?? [])
      .map((found) => recordOf<ImportRecord>(found))
      .sort((a, b) => a.verifiedAt.localeCompare(b.verifiedAt))
      .slice(0, limit);
  }
}
