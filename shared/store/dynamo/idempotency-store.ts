import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { type Clock, systemClock } from '#shared/core/clock.ts';
import { ServiceError } from '#shared/service/errors.ts';
import type { IdempotencyRecord, IdempotencyRepository } from '#shared/service/ports.ts';
import { KEY } from '#shared/store/table.ts';
import { isConditionFailure, throwAsServiceError } from './errors.ts';
import { idempotencyKey } from './keys.ts';

/** How long a key is remembered (24 h). */
export const IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60;

/**
 * How long an in-progress claim holds the key (60 s: longer than any API request may run).
 * A request that dies holding it — the table went away before it could release or complete —
 * no longer blocks its retries for a day: once the lease ends, a retry takes the key over.
 */
export const IDEMPOTENCY_LEASE_SECONDS = 60;

export interface DynamoIdempotencyStoreOptions {
  readonly documents: DynamoDBDocumentClient;
  readonly tableName: string;
  readonly clock?: Clock;
  readonly ttlSeconds?: number;
  readonly leaseSeconds?: number;
}

// A claim can vanish between the failed put and the read (released, or expired); a fresh
// claim is then tried again, a few times at most.
const MAX_CLAIM_ATTEMPTS = 3;

interface StoredIdempotency {
  readonly key: string;
  readonly requestHash: string;
  readonly status: IdempotencyRecord['status'];
  readonly response?: IdempotencyRecord['response'];
  readonly expiresAt: number;
  /** Epoch seconds when an in-progress claim may be taken over (absent on older claims). */
  readonly leaseUntil?: number;
}

/** True when the record no longer holds its key: expired, or an in-progress claim past its lease. */
function lapsed(stored: StoredIdempotency, now: number): boolean {
  if (stored.expiresAt <= now) return true;
  return (
    stored.status === 'in-progress' && stored.leaseUntil !== undefined && stored.leaseUntil <= now
  );
}

/**
 * Idempotency keys on the single table: `IDEMP#<scope>#<key>`/`IDEMP`, with `expiresAt`
 * (epoch seconds, the table's TTL attribute) 24 h after the first use. DynamoDB deletes
 * expired items only eventually, so an expired record is treated as absent here.
 *
 * @example
 * const idempotency = new DynamoIdempotencyStore({ documents, tableName: 'credstack' });
 * const previous = await idempotency.begin('issue:northfield', key, requestHash);
 */
export class DynamoIdempotencyStore implements IdempotencyRepository {
  readonly #documents: DynamoDBDocumentClient;
  readonly #table: string;
  readonly #clock: Clock;
  readonly #ttlSeconds: number;
  readonly #leaseSeconds: number;

  constructor(options: DynamoIdempotencyStoreOptions) {
    this.#documents = options.documents;
    this.#table = options.tableName;
    this.#clock = options.clock ?? systemClock;
    this.#ttlSeconds = options.ttlSeconds ?? IDEMPOTENCY_TTL_SECONDS;
    this.#leaseSeconds = options.leaseSeconds ?? IDEMPOTENCY_LEASE_SECONDS;
  }

  /**
   * Claims the key (undefined: the caller goes ahead) or returns the record of the request
   * that holds it — in progress (within its lease) or done, and with its own requestHash for
   * the caller to compare.
   */
  async begin(
    scope: string,
    key: string,
    requestHash: string,
  ): Promise<IdempotencyRecord | undefined> {
    const itemKey = idempotencyKey(scope, key);
    for (let attempt = 1; attempt <= MAX_CLAIM_ATTEMPTS; attempt += 1) {
      const now = this.#nowSeconds();
      try {
        await this.#documents.send(
          new PutCommand({
            TableName: this.#table,
            Item: {
              ...itemKey,
              key,
              requestHash,
              status: 'in-progress',
              leaseUntil: now + this.#leaseSeconds,
              [KEY.ttl]: now + this.#ttlSeconds,
            },
            ConditionExpression:
              'attribute_not_exists(#pk) OR #expiresAt <= :now OR (#status = :inProgress AND #leaseUntil <= :now)',
            ExpressionAttributeNames: {
              '#pk': KEY.pk,
              '#expiresAt': KEY.ttl,
              '#status': 'status',
              '#leaseUntil': 'leaseUntil',
            },
            ExpressionAttributeValues: { ':now': now, ':inProgress': 'in-progress' },
          }),
        );
        return undefined;
      } catch (error) {
        if (!isConditionFailure(error))
          throwAsServiceError(error, `idempotency key ${key} is taken`);
      }
      const existing = await this.#read(itemKey);
      if (existing !== undefined && !lapsed(existing, now)) return toRecord(existing);
    }
    throw new ServiceError(
      'CONFLICT',
      `idempotency key ${key} is being claimed and released concurrently`,
    );
  }

  /** Stores the response of the request that holds the key; CONFLICT when it holds it no more. */
  async complete(
    scope: string,
    key: string,
    response: { statusCode: number; body: string },
  ): Promise<void> {
    try {
      await this.#documents.send(
        new UpdateCommand({
          TableName: this.#table,
          Key: idempotencyKey(scope, key),
          UpdateExpression: 'SET #status = :done, #response = :response',
          ConditionExpression: 'attribute_exists(#pk)',
          ExpressionAttributeNames: { '#pk': KEY.pk, '#status': 'status', '#response': 'response' },
          ExpressionAttributeValues: {
            ':done': 'done',
            ':response': { statusCode: response.statusCode, body: response.body },
          },
        }),
      );
    } catch (error) {
      throwAsServiceError(error, `idempotency key ${key} is not claimed (expired or released)`);
    }
  }

  /**
   * Gives an in-progress claim up (the request failed and may be retried). A completed record
   * is kept: its response is what a retry must see. Called on error paths, so it never throws
   * for a missing or completed record.
   */
  async release(scope: string, key: string): Promise<void> {
    try {
      await this.#documents.send(
        new DeleteCommand({
          TableName: this.#table,
          Key: idempotencyKey(scope, key),
          ConditionExpression: '#status = :inProgress',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':inProgress': 'in-progress' },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  async #read(itemKey: { PK: string; SK: string }): Promise<StoredIdempotency | undefined> {
    const { Item } = await this.#documents.send(
      new GetCommand({ TableName: this.#table, Key: itemKey, ConsistentRead: true }),
    );
    return Item as StoredIdempotency | undefined;
  }

  #nowSeconds(): number {
    return Math.floor(this.#clock.now().getTime() / 1000);
  }
}

function toRecord(stored: StoredIdempotency): IdempotencyRecord {
  return {
    key: stored.key,
    requestHash: stored.requestHash,
    status: stored.status,
    ...(stored.response === undefined ? {} : { response: stored.response }),
  };
}
