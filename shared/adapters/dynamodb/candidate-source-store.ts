import { KEY } from '#shared/adapters/dynamodb/table.ts';
import { ServiceError } from '#shared/domain/errors.ts';
import type { CandidateSourceRepository } from '#shared/domain/ports/repositories.ts';
import type {
  CandidateSources,
  ConsentRecord,
  ImportRecord,
  IssuedBadgeRecord,
} from '#shared/domain/records/search-records.ts';
import { CONSENT_PREFIX } from './consent-store.ts';
import { isConditionFailure, throwAsServiceError } from './errors.ts';
import { IMPORT_PREFIX } from './import-store.ts';
import { type ItemKey, learnerPartition, recordOf, withoutUndefined } from './keys.ts';
import { DynamoStore, queryAll } from './paging.ts';

/**
 * The indexer's bookkeeping in the learner's partition: the version counter
 * (`LEARNER#<learnerId>`/`INDEX`) and a copy of each issued credential of the learner
 * (`LEARNER#<learnerId>`/`ISSUED#<credentialId>`), taken from the table's stream. With the
 * consents and imports already there, one strongly consistent query of the partition reads
 * every source of the learner's candidate documents: no GSI, so no stale read.
 *
 * @example
 * const sources = new DynamoCandidateSourceStore({ documents, tableName: 'credstack' });
 * const version = await sources.nextVersion('ada');
 */

export const ISSUED_PREFIX = 'ISSUED#';
export const INDEX_COUNTER_SK = 'INDEX';

/** Sequence numbers are decimal strings of up to 40 digits; padded, they compare as text. */
export const SEQUENCE_DIGITS = 40;

/**
 * A stream sequence number padded so that string order is numeric order.
 *
 * @example
 * paddedSequence('1200'); // '0000…0001200' (40 digits)
 */
export function paddedSequence(sequence: string): string {
  if (!/^\d{1,40}$/.test(sequence))
    throw new ServiceError('VALIDATION', `not a stream sequence number: ${sequence}`);
  return sequence.padStart(SEQUENCE_DIGITS, '0');
}

/**
 * The indexer's copy of an issued credential.
 *
 * @example
 * issuedCopyKey('ada', 'urn:uuid:…'); // { PK: 'LEARNER#ada', SK: 'ISSUED#urn:uuid:…' }
 */
export function issuedCopyKey(learnerId: string, credentialId: string): ItemKey {
  return { PK: learnerPartition(learnerId), SK: `${ISSUED_PREFIX}${credentialId}` };
}

export class DynamoCandidateSourceStore extends DynamoStore implements CandidateSourceRepository {
  async nextVersion(learnerId: string): Promise<number> {
    try {
      const { Attributes } = await this.documents.update({
        TableName: this.table,
        Key: { PK: learnerPartition(learnerId), SK: INDEX_COUNTER_SK },
        UpdateExpression: 'ADD #version :one',
        ExpressionAttributeNames: { '#version': 'version' },
        ExpressionAttributeValues: { ':one': 1 },
        ReturnValues: 'UPDATED_NEW',
      });
      return Number(Attributes?.version);
    } catch (error) {
      return throwAsServiceError(error, `the index version of ${learnerId} could not move`);
    }
  }

  async putIssued(record: IssuedBadgeRecord): Promise<boolean> {
    try {
      await this.documents.put({
        TableName: this.table,
        Item: {
          ...withoutUndefined(record),
          ...issuedCopyKey(record.learnerId, record.credential.id),
        },
        ConditionExpression: 'attribute_not_exists(#pk) OR #sequence < :sequence',
        ExpressionAttributeNames: { '#pk': KEY.pk, '#sequence': 'sequence' },
        ExpressionAttributeValues: { ':sequence': record.sequence },
      });
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      return throwAsServiceError(error, 'unreachable: no other condition');
    }
  }

  async load(learnerId: string): Promise<CandidateSources> {
    const items = await queryAll(this.documents, {
      TableName: this.table,
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': KEY.pk },
      ExpressionAttributeValues: { ':pk': learnerPartition(learnerId) },
      ConsistentRead: true,
    });
    const consents: ConsentRecord[] = [];
    const imports: ImportRecord[] = [];
    const issued: IssuedBadgeRecord[] = [];
    // Other items of the partition (the counter, anything added later) are not sources.
    for (const found of items) {
      const sk = String(found[KEY.sk]);
      if (sk.startsWith(CONSENT_PREFIX)) consents.push(recordOf<ConsentRecord>(found));
      else if (sk.startsWith(IMPORT_PREFIX)) imports.push(recordOf<ImportRecord>(found));
      else if (sk.startsWith(ISSUED_PREFIX)) issued.push(recordOf<IssuedBadgeRecord>(found));
    }
    return { consents, imports, issued };
  }
}
