import type { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import type { TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { GSI1, GSI2, KEY } from '#shared/adapters/dynamodb/table.ts';
import { ServiceError } from '#shared/domain/errors.ts';
import type {
  CredentialRepository,
  Page,
  StateChange,
  StatusEntry,
} from '#shared/domain/ports/repositories.ts';
import type { CredentialRecord, CredentialState } from '#shared/domain/records/records.ts';
import { batchWriteAll } from './batch-write.ts';
import { cancellationCodes, putNew, throwAsServiceError, transact } from './errors.ts';
import {
  credentialKey,
  issuerCredentialsPartition,
  learnerPartition,
  recordOf,
  withoutUndefined,
} from './keys.ts';
import { DynamoStore, queryPage } from './paging.ts';
import { statusBitWrites } from './status-list-store.ts';

/**
 * Issued credentials on the single table: `CRED#<id>`/`CRED`, listed per issuer on GSI1
 * (`ISSUER#<issuerId>#CREDS`) and per learner on GSI2 (`LEARNER#<learnerId>`), both sorted by
 * `<issuedAt>#<id>` and read newest first.
 *
 * @example
 * const credentials = new DynamoCredentialStore({ documents, tableName: 'credstack' });
 * await credentials.setState(id, { from: 'active', to: 'revoked', status: { assignment, purpose: 'revocation' } });
 */
export class DynamoCredentialStore extends DynamoStore implements CredentialRepository {
  /** Stores the credential; CONFLICT when its id exists. */
  async create(credential: CredentialRecord): Promise<void> {
    await putNew(
      this.documents,
      this.table,
      this.#item(credential),
      `credential ${credential.id} already exists`,
    );
  }

  /**
   * Stores a batch award's credentials with BatchWriteItem, 25 a request, unprocessed ones
   * sent again (batch-write.ts). No condition: the batch run owns these ids (see the port).
   */
  async createMany(credentials: readonly CredentialRecord[]): Promise<void> {
    await batchWriteAll(
      this.documents,
      this.table,
      credentials.map((credential) => ({ PutRequest: { Item: this.#item(credential) } })),
    );
  }

  #item(credential: CredentialRecord): Record<string, unknown> {
    const order = `${credential.issuedAt}#${credential.id}`;
    const item: Record<string, unknown> = {
      ...withoutUndefined(credential),
      ...credentialKey(credential.id),
      [KEY.gsi1pk]: issuerCredentialsPartition(credential.issuerId),
      [KEY.gsi1sk]: order,
    };
    // Only credentials of a known learner are on GSI2: a sparse index of learners' wallets.
    if (credential.learnerId !== undefined) {
      item[KEY.gsi2pk] = learnerPartition(credential.learnerId);
      item[KEY.gsi2sk] = order;
    }
    return item;
  }

  async get(credentialId: string): Promise<CredentialRecord | undefined> {
    const { Item } = await this.documents.get({
      TableName: this.table,
      Key: credentialKey(credentialId),
      ConsistentRead: true,
    });
    return Item === undefined ? undefined : recordOf<CredentialRecord>(Item);
  }

  /** The issuer's credentials, newest first. */
  listByIssuer(issuerId: string, cursor?: string): Promise<Page<CredentialRecord>> {
    return this.#listOn(GSI1, KEY.gsi1pk, issuerCredentialsPartition(issuerId), cursor);
  }

  /** The learner's credentials, newest first. */
  listByLearner(learnerId: string, cursor?: string): Promise<Page<CredentialRecord>> {
    return this.#listOn(GSI2, KEY.gsi2pk, learnerPartition(learnerId), cursor);
  }

  /**
   * Moves the credential from `change.from` to `change.to` and its status bit with it, in one
   * TransactWriteItems: the credential's update conditional on `state = from`, the bit's
   * ADD/DELETE and the list's revision increment. All three apply or none, and DynamoDB
   * serializes transactions touching the same items, so the bit always matches the state of
   * the last change that committed. CONFLICT when the state is no longer `from` (another change
   * won), NOT_FOUND when there is no such credential or its status list lacks the index.
   */
  async setState(credentialId: string, change: StateChange): Promise<void> {
    const { from, to, reason, note, status } = change;
    // The reason and the note belong to this state only: a change without them clears them.
    const set = ['#state = :to'];
    const remove: string[] = [];
    if (reason === undefined) remove.push('#reason');
    else set.push('#reason = :reason');
    if (note === undefined) remove.push('#note');
    else set.push('#note = :note');
    const stateUpdate = {
      Update: {
        TableName: this.table,
        Key: credentialKey(credentialId),
        UpdateExpression: `SET ${set.join(', ')}${remove.length ? ` REMOVE ${remove.join(', ')}` : ''}`,
        ConditionExpression: '#state = :from',
        ExpressionAttributeNames: {
          '#state': 'state',
          '#reason': 'stateReason',
          '#note': 'stateNote',
        },
        ExpressionAttributeValues: {
          ':from': from,
          ':to': to,
          ...(reason === undefined ? {} : { ':reason': reason }),
          ...(note === undefined ? {} : { ':note': note }),
        },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
      },
    };
    await this.#transactWithBit(
      credentialId,
      stateUpdate,
      status,
      to,
      `credential ${credentialId} is no longer ${from}: another change came first`,
    );
  }

  /**
   * Writes the bit `state` implies, in one transaction with a check that the credential is
   * still in `state`: a repair that can never undo a change committed since it was decided.
   */
  async syncStatusBit(
    credentialId: string,
    state: CredentialState,
    status: StatusEntry,
  ): Promise<void> {
    const stateCheck = {
      ConditionCheck: {
        TableName: this.table,
        Key: credentialKey(credentialId),
        ConditionExpression: '#state = :state',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':state': state },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
      },
    };
    await this.#transactWithBit(
      credentialId,
      stateCheck,
      status,
      state,
      `credential ${credentialId} is no longer ${state}: another change came first`,
    );
  }

  async #transactWithBit(
    credentialId: string,
    credentialItem: NonNullable<TransactWriteCommandInput['TransactItems']>[number],
    status: StatusEntry,
    state: CredentialState,
    conflictMessage: string,
  ): Promise<void> {
    // The bit is derived from the state: set for revoked and suspended, clear for active.
    const bitWrites = statusBitWrites(
      this.table,
      status.assignment,
      status.purpose,
      state !== 'active',
    );
    try {
      await transact(this.documents, { TransactItems: [credentialItem, ...bitWrites] });
    } catch (error) {
      const codes = cancellationCodes(error);
      if (codes?.[0] === 'ConditionalCheckFailed') {
        const reasons = (error as TransactionCanceledException).CancellationReasons ?? [];
        if (reasons[0]?.Item === undefined) {
          throw new ServiceError('NOT_FOUND', `no credential ${credentialId}`, { cause: error });
        }
        throw new ServiceError('CONFLICT', conflictMessage, { cause: error });
      }
      if (codes?.[2] === 'ConditionalCheckFailed') {
        const { listId, index } = status.assignment;
        throw new ServiceError('NOT_FOUND', `status list ${listId} has no index ${index}`, {
          cause: error,
        });
      }
      throwAsServiceError(error, conflictMessage);
    }
  }

  #listOn(
    index: string,
    attribute: string,
    partition: string,
    cursor: string | undefined,
  ): Promise<Page<CredentialRecord>> {
    return queryPage<CredentialRecord>(
      this.documents,
      {
        TableName: this.table,
        IndexName: index,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': attribute },
        ExpressionAttributeValues: { ':pk': partition },
        ScanIndexForward: false,
        Limit: this.pageSize,
      },
      cursor,
      { [attribute]: partition },
    );
  }
}
