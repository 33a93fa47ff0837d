import { GSI1, KEY } from '#shared/adapters/dynamodb/table.ts';
import { ServiceError } from '#shared/domain/errors.ts';
import type { IssuerRepository, Page } from '#shared/domain/ports/repositories.ts';
import type { IssuerKeyRecord, IssuerRecord } from '#shared/domain/records/records.ts';
import { isConditionFailure, putNew, throwAsServiceError, transact } from './errors.ts';
import {
  ISSUERS_GSI1PK,
  issuerKey,
  issuerPartition,
  recordOf,
  SK_PREFIX,
  signingKeyKey,
  withoutUndefined,
} from './keys.ts';
import { DynamoStore, queryAll, queryPage } from './paging.ts';

/**
 * Issuers and their signing keys on the single table: the profile at
 * `ISSUER#<id>`/`PROFILE` (listed on GSI1 `ISSUERS`), each key at `ISSUER#<id>`/`KEY#<keyId>`.
 *
 * @example
 * const issuers = new DynamoIssuerStore({ documents, tableName: 'credstack' });
 * await issuers.create(record);
 */
export class DynamoIssuerStore extends DynamoStore implements IssuerRepository {
  /**
   * Creates the issuer with its first keys in one transaction, so an outage halfway leaves
   * nothing behind; CONFLICT when the id is taken.
   */
  async create(issuer: IssuerRecord, keys: readonly IssuerKeyRecord[] = []): Promise<void> {
    const conflict = `issuer ${issuer.id} already exists`;
    const profile = {
      ...withoutUndefined(issuer),
      ...issuerKey(issuer.id),
      [KEY.gsi1pk]: ISSUERS_GSI1PK,
      [KEY.gsi1sk]: issuer.id,
    };
    if (keys.length === 0) {
      await putNew(this.documents, this.table, profile, conflict);
      return;
    }
    const isNew = {
      ConditionExpression: 'attribute_not_exists(#pk)',
      ExpressionAttributeNames: { '#pk': KEY.pk },
    };
    try {
      await transact(this.documents, {
        TransactItems: [
          { Put: { TableName: this.table, Item: profile, ...isNew } },
          ...keys.map((key) => ({
            Put: {
              TableName: this.table,
              Item: { ...withoutUndefined(key), ...signingKeyKey(key.issuerId, key.keyId) },
              ...isNew,
            },
          })),
        ],
      });
    } catch (error) {
      throwAsServiceError(error, conflict);
    }
  }

  async get(issuerId: string): Promise<IssuerRecord | undefined> {
    const { Item } = await this.documents.get({
      TableName: this.table,
      Key: issuerKey(issuerId),
      ConsistentRead: true,
    });
    return Item === undefined ? undefined : recordOf<IssuerRecord>(Item);
  }

  /** Issuers in id order. */
  list(cursor?: string): Promise<Page<IssuerRecord>> {
    return queryPage<IssuerRecord>(
      this.documents,
      {
        TableName: this.table,
        IndexName: GSI1,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': KEY.gsi1pk },
        ExpressionAttributeValues: { ':pk': ISSUERS_GSI1PK },
        Limit: this.pageSize,
      },
      cursor,
      { [KEY.gsi1pk]: ISSUERS_GSI1PK },
    );
  }

  /**
   * Stores a new key record; CONFLICT when the issuer already has a key with that id (an
   * overwrite would lose the keyRef that credentials signed with it still need).
   */
  async putKey(key: IssuerKeyRecord): Promise<void> {
    await putNew(
      this.documents,
      this.table,
      { ...withoutUndefined(key), ...signingKeyKey(key.issuerId, key.keyId) },
      `issuer ${key.issuerId} already has a key ${key.keyId}`,
    );
  }

  /** Every key of the issuer, active and retired, in key id order. */
  async listKeys(issuerId: string): Promise<readonly IssuerKeyRecord[]> {
    const items = await queryAll(this.documents, {
      TableName: this.table,
      KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
      ExpressionAttributeNames: { '#pk': KEY.pk, '#sk': KEY.sk },
      ExpressionAttributeValues: { ':pk': issuerPartition(issuerId), ':prefix': SK_PREFIX.key },
      ConsistentRead: true,
    });
    return items.map((item) => recordOf<IssuerKeyRecord>(item));
  }

  /**
   * Marks the key retired. Retiring a retired key keeps its first `retiredAt`; NOT_FOUND when
   * the issuer has no such key.
   */
  async retireKey(issuerId: string, keyId: string, at: string): Promise<void> {
    try {
      await this.documents.update({
        TableName: this.table,
        Key: signingKeyKey(issuerId, keyId),
        UpdateExpression: 'SET #status = :retired, #retiredAt = if_not_exists(#retiredAt, :at)',
        ConditionExpression: 'attribute_exists(#pk)',
        ExpressionAttributeNames: {
          '#pk': KEY.pk,
          '#status': 'status',
          '#retiredAt': 'retiredAt',
        },
        ExpressionAttributeValues: { ':retired': 'retired', ':at': at },
      });
    } catch (error) {
      if (isConditionFailure(error)) {
        throw new ServiceError('NOT_FOUND', `issuer ${issuerId} has no key ${keyId}`, {
          cause: error,
        });
      }
      throwAsServiceError(error, `cannot retire key ${keyId}`);
    }
  }

  /** Replaces the profile, conditional on the issuer existing (NOT_FOUND otherwise). */
  async updateProfile(issuerId: string, profile: IssuerRecord['profile']): Promise<void> {
    try {
      await this.documents.update({
        TableName: this.table,
        Key: issuerKey(issuerId),
        UpdateExpression: 'SET #profile = :profile',
        ConditionExpression: 'attribute_exists(#pk)',
        ExpressionAttributeNames: { '#pk': KEY.pk, '#profile': 'profile' },
        ExpressionAttributeValues: { ':profile': withoutUndefined(profile) },
      });
    } catch (error) {
      if (isConditionFailure(error))
        throw new ServiceError('NOT_FOUND', `no issuer ${issuerId}`, { cause: error });
      throwAsServiceError(error, `cannot update issuer ${issuerId}`);
    }
  }
}
