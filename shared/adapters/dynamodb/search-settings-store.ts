import { ServiceError } from '#shared/domain/errors.ts';
import type { SearchSettingsRepository } from '#shared/domain/ports/repositories.ts';
import type { KnownSkill, TenantSearchSettings } from '#shared/domain/records/search-records.ts';
import { batchGetAll, batchWriteAll } from './batch-write.ts';
import { type ItemKey, recordOf, withoutUndefined } from './keys.ts';
import { DynamoStore } from './paging.ts';

/**
 * A tenant's search settings, `TENANT#<tenantId>`/`SETTINGS`, and the skills its indexed
 * badges have named, `TENANT#<tenantId>`/`SKILL#<key>` (the key last, so it may hold `#`).
 * Skills are written again whenever a document is indexed: the puts are idempotent, and the
 * service skips those it wrote recently.
 *
 * @example
 * const settings = new DynamoSearchSettingsStore({ documents, tableName: 'credstack' });
 * await settings.knownSkills('default', ['ONET:15-2051.00']);
 */

function tenantPartition(tenantId: string): string {
  if (tenantId === '' || tenantId.includes('#'))
    throw new ServiceError('VALIDATION', 'a tenant id must be non-empty and must not contain "#"');
  return `TENANT#${tenantId}`;
}

/**
 * The settings item of a tenant.
 *
 * @example
 * tenantSettingsKey('default'); // { PK: 'TENANT#default', SK: 'SETTINGS' }
 */
export function tenantSettingsKey(tenantId: string): ItemKey {
  return { PK: tenantPartition(tenantId), SK: 'SETTINGS' };
}

/**
 * The item recording that a tenant's badges name `key`.
 *
 * @example
 * knownSkillKey('default', 'ONET:15-2051.00'); // { PK: 'TENANT#default', SK: 'SKILL#ONET:15-2051.00' }
 */
export function knownSkillKey(tenantId: string, key: string): ItemKey {
  return { PK: tenantPartition(tenantId), SK: `SKILL#${key}` };
}

export class DynamoSearchSettingsStore extends DynamoStore implements SearchSettingsRepository {
  async get(tenantId: string): Promise<TenantSearchSettings | undefined> {
    const { Item } = await this.documents.get({
      TableName: this.table,
      Key: tenantSettingsKey(tenantId),
      ConsistentRead: true,
    });
    return Item === undefined ? undefined : recordOf<TenantSearchSettings>(Item);
  }

  async put(settings: TenantSearchSettings): Promise<void> {
    await this.documents.put({
      TableName: this.table,
      Item: { ...withoutUndefined(settings), ...tenantSettingsKey(settings.tenantId) },
    });
  }

  async recordSkills(tenantId: string, skills: readonly KnownSkill[]): Promise<void> {
    const unique = new Map(skills.map((skill) => [skill.key, skill]));
    await batchWriteAll(
      this.documents,
      this.table,
      [...unique.values()].map((skill) => ({
        PutRequest: {
          Item: { ...withoutUndefined(skill), tenantId, ...knownSkillKey(tenantId, skill.key) },
        },
      })),
    );
  }

  async knownSkills(tenantId: string, keys: readonly string[]): Promise<readonly KnownSkill[]> {
    const items = await batchGetAll(
      this.documents,
      this.table,
      [...new Set(keys)].map((key) => ({ ...knownSkillKey(tenantId, key) })),
    );
    return items.map((found) => {
      const { key, name } = recordOf<KnownSkill & { tenantId: string }>(found);
      return name === undefined ? { key } : { key, name };
    });
  }
}
