import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ServiceError } from '#shared/service/errors.ts';
import type { CredentialRepository, Page } from '#shared/service/ports.ts';
import type { CredentialRecord, CredentialState, StateReason } from '#shared/service/records.ts';
import { GSI1, GSI2, KEY } from '#shared/store/table.ts';
import { isConditionFailure, putNew, throwAsServiceError } from './errors.ts';
import {
  credentialKey,
  issuerCredentialsPartition,
  learnerPartition,
  recordOf,
  withoutUndefined,
} from './keys.ts';
import { DynamoStore, queryPage } from './paging.ts';

/**
 * Issued credentials on the single table: `CRED#<id>`/`CRED`, listed per issuer on GSI1
 * (`ISSUER#<issuerId>#CREDS`) and per learner on GSI2 (`LEARNER#<learnerId>`), both sorted by
 * `<issuedAt>#<id>` and read newest first.
 *
 * @example
 * const credentials = new DynamoCredentialStore({ documents, tableName: 'credstack' });
 * await credentials.setState(id, 'active', 'revoked');
 */
export class DynamoCredentialStore extends DynamoStore implements CredentialRepository {
  /** Stores the credential; CONFLICT when its id exists. */
  async create(credential: CredentialRecord): Promise<void> {
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
    await putNew(this.documents, this.table, item, `credential ${credential.id} already exists`);
  }

  async get(credentialId: string): Promise<CredentialRecord | undefined> {
    const { Item } = await this.documents.send(
      new GetCommand({
        TableName: this.table,
        Key: credentialKey(credentialId),
        ConsistentRead: true,
      }),
    );
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
   * Moves the credential from `from` to `to`. CONFLICT when its state is no longer `from`
   * (another change won), NOT_FOUND when there is no such credential.
   */
  async setState(
    credentialId: string,
    from: CredentialState,
    to: CredentialState,
    reason?: StateReason,
  ): Promise<void> {
    try {
      await this.documents.send(
        new UpdateCommand({
          TableName: this.table,
          Key: credentialKey(credentialId),
          // The reason belongs to this state only: a change without one clears the last one.
          UpdateExpression:
            reason === undefined
              ? 'SET #state = :to REMOVE #reason'
              : 'SET #state = :to, #reason = :reason',
          ConditionExpression: '#state = :from',
          ExpressionAttributeNames: { '#state': 'state', '#reason': 'stateReason' },
          ExpressionAttributeValues: {
            ':from': from,
            ':to': to,
            ...(reason === undefined ? {} : { ':reason': reason }),
          },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
    } catch (error) {
      if (isConditionFailure(error) && error.Item === undefined) {
        throw new ServiceError('NOT_FOUND', `no credential ${credentialId}`, { cause: error });
      }
      throwAsServiceError(
        error,
        `credential ${credentialId} is no longer ${from}: another change came first`,
      );
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
