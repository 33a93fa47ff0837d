import { GSI1, KEY } from '#shared/adapters/dynamodb/table.ts';
import { ServiceError } from '#shared/domain/errors.ts';
import type {
  PathwayHeadRecord,
  PathwayRepository,
  PathwayVersionRecord,
} from '#shared/domain/ports/repositories.ts';
import { isConditionFailure, throwAsServiceError, transact } from './errors.ts';
import { type ItemKey, issuerPartition, recordOf, withoutUndefined } from './keys.ts';
import { DynamoStore, queryAll } from './paging.ts';

/** Sort-key prefix of every pathway item (heads and versions) in an issuer partition. */
export const PATHWAY_SK_PREFIX = 'PATHWAY#';

/** GSI1 partition listing every published pathway head, sorted by `<issuerId>#<pathwayId>`. */
export const PUBLISHED_PATHWAYS_GSI1PK = 'PATHWAYS#PUBLISHED';

/** Digits of a padded version number, so versions sort numerically. */
const VERSION_DIGITS = 6;

function pathwayPart(pathwayId: string): string {
  // `#` would let one pathway's key name another item; `/` could not travel in a URL path.
  if (pathwayId.length === 0 || pathwayId.includes('#') || pathwayId.includes('/')) {
    throw new ServiceError('VALIDATION', 'a pathway id must be non-empty, without "#" or "/"', {
      fields: [{ pointer: '/id', detail: `invalid pathway id: ${JSON.stringify(pathwayId)}` }],
    });
  }
  return pathwayId;
}

/**
 * The head item of a pathway: `latestVersion`, `publishedVersion`.
 *
 * @example
 * pathwayHeadKey('northfield', 'data-analyst'); // { PK: 'ISSUER#northfield', SK: 'PATHWAY#data-analyst' }
 */
export function pathwayHeadKey(issuerId: string, pathwayId: string): ItemKey {
  return { PK: issuerPartition(issuerId), SK: `${PATHWAY_SK_PREFIX}${pathwayPart(pathwayId)}` };
}

/**
 * One immutable version of a pathway.
 *
 * @example
 * pathwayVersionKey('northfield', 'data-analyst', 2); // { …, SK: 'PATHWAY#data-analyst#V#000002' }
 */
export function pathwayVersionKey(issuerId: string, pathwayId: string, version: number): ItemKey {
  const head = pathwayHeadKey(issuerId, pathwayId);
  return { PK: head.PK, SK: `${head.SK}#V#${String(version).padStart(VERSION_DIGITS, '0')}` };
}

/**
 * Pathways on the single table, in their issuer's partition: the head at
 * `ISSUER#<id>`/`PATHWAY#<pathwayId>` and each version at `…/PATHWAY#<pathwayId>#V#<nnnnnn>`.
 *
 * @example
 * const pathways = new DynamoPathwayStore({ documents, tableName: 'credstack' });
 * await pathways.createVersion(record, 0);
 */
export class DynamoPathwayStore extends DynamoStore implements PathwayRepository {
  /**
   * Writes the version and moves the head in one transaction; the head's condition on
   * `previous` makes the loser of two concurrent saves fail with CONFLICT.
   */
  async createVersion(record: PathwayVersionRecord, previous: number): Promise<void> {
    const head = pathwayHeadKey(record.issuerId, record.pathwayId);
    const condition = previous === 0 ? 'attribute_not_exists(#pk)' : '#latest = :previous';
    try {
      await transact(this.documents, {
        TransactItems: [
          {
            Update: {
              TableName: this.table,
              Key: head,
              UpdateExpression:
                'SET #latest = :version, #issuerId = :issuerId, #pathwayId = :pathwayId',
              ConditionExpression: condition,
              ExpressionAttributeNames: {
                '#latest': 'latestVersion',
                '#issuerId': 'issuerId',
                '#pathwayId': 'pathwayId',
                ...(previous === 0 ? { '#pk': KEY.pk } : {}),
              },
              ExpressionAttributeValues: {
                ':version': record.version,
                ':issuerId': record.issuerId,
                ':pathwayId': record.pathwayId,
                ...(previous === 0 ? {} : { ':previous': previous }),
              },
            },
          },
          {
            Put: {
              TableName: this.table,
              Item: {
                ...withoutUndefined(record),
                ...pathwayVersionKey(record.issuerId, record.pathwayId, record.version),
              },
              ConditionExpression: 'attribute_not_exists(#pk)',
              ExpressionAttributeNames: { '#pk': KEY.pk },
            },
          },
        ],
      });
    } catch (error) {
      throwAsServiceError(
        error,
        `pathway ${record.pathwayId} changed meanwhile: version ${record.version} was taken`,
      );
    }
  }

  async getHead(issuerId: string, pathwayId: string): Promise<PathwayHeadRecord | undefined> {
    const { Item } = await this.documents.get({
      TableName: this.table,
      Key: pathwayHeadKey(issuerId, pathwayId),
      ConsistentRead: true,
    });
    return Item === undefined ? undefined : recordOf<PathwayHeadRecord>(Item);
  }

  async getVersion(
    issuerId: string,
    pathwayId: string,
    version: number,
  ): Promise<PathwayVersionRecord | undefined> {
    const { Item } = await this.documents.get({
      TableName: this.table,
      Key: pathwayVersionKey(issuerId, pathwayId, version),
      ConsistentRead: true,
    });
    return Item === undefined ? undefined : recordOf<PathwayVersionRecord>(Item);
  }

  /** Heads only: version items share the prefix and are filtered out server-side. */
  async listHeads(issuerId: string): Promise<readonly PathwayHeadRecord[]> {
    const items = await queryAll(this.documents, {
      TableName: this.table,
      KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
      FilterExpression: 'attribute_exists(#latest)',
      ExpressionAttributeNames: { '#pk': KEY.pk, '#sk': KEY.sk, '#latest': 'latestVersion' },
      ExpressionAttributeValues: {
        ':pk': issuerPartition(issuerId),
        ':prefix': PATHWAY_SK_PREFIX,
      },
      ConsistentRead: true,
    });
    return items.map((item) => recordOf<PathwayHeadRecord>(item));
  }

  async publish(issuerId: string, pathwayId: string, version: number, at: string): Promise<void> {
    try {
      await this.documents.update({
        TableName: this.table,
        Key: pathwayHeadKey(issuerId, pathwayId),
        // The GSI1 keys put a published head on the cross-issuer listing the stream
        // consumers read to find the pathways a new credential can count for.
        UpdateExpression: 'SET #published = :version, #gpk = :gpk, #gsk = :gsk',
        ConditionExpression: 'attribute_exists(#pk) AND #latest >= :version',
        ExpressionAttributeNames: {
          '#pk': KEY.pk,
          '#latest': 'latestVersion',
          '#published': 'publishedVersion',
          '#gpk': KEY.gsi1pk,
          '#gsk': KEY.gsi1sk,
        },
        ExpressionAttributeValues: {
          ':version': version,
          ':gpk': PUBLISHED_PATHWAYS_GSI1PK,
          ':gsk': `${issuerId}#${pathwayId}`,
        },
      });
    } catch (error) {
      if (isConditionFailure(error)) {
        throw new ServiceError('NOT_FOUND', `pathway ${pathwayId} has no version ${version}`, {
          cause: error,
        });
      }
      throwAsServiceError(error, `cannot publish pathway ${pathwayId}`);
    }
    // After the head: a version once published stays readable (awards cite it), even when an
    // older one is published again. Repeating a publish repairs a mark a crash left unwritten.
    await this.documents.update({
      TableName: this.table,
      Key: pathwayVersionKey(issuerId, pathwayId, version),
      UpdateExpression: 'SET #publishedAt = if_not_exists(#publishedAt, :at)',
      ConditionExpression: 'attribute_exists(#pk)',
      ExpressionAttributeNames: { '#pk': KEY.pk, '#publishedAt': 'publishedAt' },
      ExpressionAttributeValues: { ':at': at },
    });
  }

  /** GSI1 is eventually consistent: a pathway published a moment ago may be missing. */
  async listPublished(): Promise<readonly PathwayHeadRecord[]> {
    const items = await queryAll(this.documents, {
      TableName: this.table,
      IndexName: GSI1,
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': KEY.gsi1pk },
      ExpressionAttributeValues: { ':pk': PUBLISHED_PATHWAYS_GSI1PK },
    });
    return items.map((item) => recordOf<PathwayHeadRecord>(item));
  }
}
