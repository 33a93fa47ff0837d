import { KEY } from '#shared/adapters/dynamodb/table.ts';
import type { AchievementRepository, Page } from '#shared/domain/ports/repositories.ts';
import type { AchievementRecord } from '#shared/domain/records/records.ts';
import { putNew } from './errors.ts';
import { achievementKey, issuerPartition, recordOf, SK_PREFIX, withoutUndefined } from './keys.ts';
import { DynamoStore, queryPage } from './paging.ts';

/**
 * Achievements on the single table, in their issuer's partition: `ISSUER#<id>`/`ACH#<achId>`.
 *
 * @example
 * const achievements = new DynamoAchievementStore({ documents, tableName: 'credstack' });
 * const page = await achievements.list('northfield');
 */
export class DynamoAchievementStore extends DynamoStore implements AchievementRepository {
  /** Creates the achievement; CONFLICT when the issuer already has one with that id. */
  async create(achievement: AchievementRecord): Promise<void> {
    await putNew(
      this.documents,
      this.table,
      {
        ...withoutUndefined(achievement),
        ...achievementKey(achievement.issuerId, achievement.id),
      },
      `issuer ${achievement.issuerId} already has an achievement ${achievement.id}`,
    );
  }

  async get(issuerId: string, achievementId: string): Promise<AchievementRecord | undefined> {
    const { Item } = await this.documents.get({
      TableName: this.table,
      Key: achievementKey(issuerId, achievementId),
      ConsistentRead: true,
    });
    return Item === undefined ? undefined : recordOf<AchievementRecord>(Item);
  }

  /** The issuer's achievements in id order. */
  list(issuerId: string, cursor?: string): Promise<Page<AchievementRecord>> {
    const pk = issuerPartition(issuerId);
    return queryPage<AchievementRecord>(
      this.documents,
      {
        TableName: this.table,
        KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
        ExpressionAttributeNames: { '#pk': KEY.pk, '#sk': KEY.sk },
        ExpressionAttributeValues: { ':pk': pk, ':prefix': SK_PREFIX.achievement },
        Limit: this.pageSize,
        ConsistentRead: true,
      },
      cursor,
      { [KEY.pk]: pk },
    );
  }
}
