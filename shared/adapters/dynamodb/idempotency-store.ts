import { KEY } from '#shared/adapters/dynamodb/table.ts';
import { type Clock, systemClock } from '#shared/core/clock.ts';
import { ServiceError } from '#shared/domain/errors.ts';
import type {
  IdempotencyRecord,
  IdempotencyRepository,
} from '#shared/domain/ports/repositories.ts';
import type { DynamoDocuments } from './documents.ts';
import { isConditionFailure, throwAsServiceError } from './errors.ts';
import { idempotencyKey } from './keys.ts';

/** How long a key is remembered (24 h). */
export const IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60;

/**
 * How long a claim holds the key while its request runs (60 s): longer than any API request
 * may run (API Gateway gives up after 30 s, the API functions time out at 29 s), so a live
 * request is never overtaken, yet a key whose request died (a crash, a timeout, SIGKILL) is
 * free again for a retry within a minute instead of answering 409 for a day.
 */
export const IDEMPOTENCY_LEASE_SECONDS = 60;

export interface DynamoIdempotencyStoreOptions {
  readonly documents: DynamoDocuments;
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
  /** Epoch seconds until which the in-progress claim holds the key. */
  readonly leaseUntil?: number;
}

/**
 * Idempotency keys on the single table: `IDEMP#<scope>#<key>`/`IDEMP`, with `expiresAt`
 * (epoch seconds, the table's TTL attribute) 24 h after the first use. DynamoDB deletes
 * expired items only eventually, so an expired record is treated as absent here. An
 * in-progress claim also has a lease (`leaseUntil`, 60 s): past it, the request that claimed
 * the key is taken for dead and the key may be claimed again; the claim's token (`claim`)
 * then no longer matches, so the dead request, should it wake, cannot complete it.
 *
 * @example
 * const idempotency = new DynamoIdempotencyStore({ documents, tableName: 'credstack' });
 * const previous = await idempotency.begin('issue:northfield', key, requestHash);
 */
export class DynamoIdempotencyStore implements IdempotencyRepository {
  readonly #documents: DynamoDocuments;
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
   * that holds it — in progress or done, and with its own requestHash for the caller to
   * compare. `claim` is the caller's token for `complete` and `release`; a claim whose lease
   * has run out counts as released.
   */
  async begin(
    scope: string,
    key: string,
    requestHash: string,
    claim?: string,
  ): Promise<IdempotencyRecord | undefined> {
    const itemKey = idempotencyKey(scope, key);
    for (let attempt = 1; attempt <= MAX_CLAIM_ATTEMPTS; attempt += 1) {
      const now = this.#nowSeconds();
      try {
        await this.#documents.put({
          TableName: this.#table,
          Item: {
            ...itemKey,
            key,
            requestHash,
            status: 'in-progress',
            ...(claim === undefined ? {} : { claim }),
            leaseUntil: now + this.#leaseSeconds,
            [KEY.ttl]: now + this.#ttlSeconds,
          },
          // Free: never used, expired, or held by a request whose lease ran out (it died).
          // An in-progress record from before leases existed has none: it is free too.
          ConditionExpression:
            'attribute_not_exists(#pk) OR #expiresAt <= :now OR ' +
            '(#status = :inProgress AND (attribute_not_exists(#leaseUntil) OR #leaseUntil <= :now))',
          ExpressionAttributeNames: {
            '#pk': KEY.pk,
            '#expiresAt': KEY.ttl,
            '#status': 'status',
            '#leaseUntil': 'leaseUntil',
          },
          ExpressionAttributeValues: { ':now': now, ':inProgress': 'in-progress' },
        });
        return undefined;
      } catch (error) {
        if (!isConditionFailure(error))
          throwAsServiceError(error, `idempotency key ${key} is taken`);
      }
      const existing = await this.#read(itemKey);
      const held =
        existing !== undefined &&
        existing.expiresAt > now &&
        (existing.status === 'done' || (existing.leaseUntil ?? 0) > now);
      if (held) return toRecord(existing);
    }
    throw new ServiceError(
      'CONFLICT',
      `idempotency key ${key} is being claimed and released concurrently`,
    );
  }

  /**
   * Stores the response of the request that holds the key (the holder of `claim`, when
   * given); CONFLICT when it holds it no more (released, or taken over after its lease).
   */
  async complete(
    scope: string,
    key: string,
    response: { statusCode: number; body: string },
    claim?: string,
  ): Promise<void> {
    try {
      await this.#documents.update({
        TableName: this.#table,
        Key: idempotencyKey(scope, key),
        UpdateExpression: 'SET #status = :done, #response = :response REMOVE #leaseUntil',
        ConditionExpression:
          claim === undefined
            ? 'attribute_exists(#pk)'
            : 'attribute_exists(#pk) AND #claim = :claim AND #status = :inProgress',
        ExpressionAttributeNames: {
          '#pk': KEY.pk,
          '#status': 'status',
          '#response': 'response',
          '#leaseUntil': 'leaseUntil',
          ...(claim === undefined ? {} : { '#claim': 'claim' }),
        },
        ExpressionAttributeValues: {
          ':done': 'done',
          ':response': { statusCode: response.statusCode, body: response.body },
          ...(claim === undefined ? {} : { ':claim': claim, ':inProgress': 'in-progress' }),
        },
      });
    } catch (error) {
      throwAsServiceError(error, `idempotency key ${key} is not claimed (expired or released)`);
    }
  }

  /**
   * Gives an in-progress claim up (the request failed and may be retried). A completed record
   * is kept: its response is what a retry must see. Called on error paths, so it never throws
   * for a missing or completed record, nor for a claim taken over by another request.
   */
  async release(scope: string, key: string, claim?: string): Promise<void> {
    try {
      await this.#documents.delete({
        TableName: this.#table,
        Key: idempotencyKey(scope, key),
        ConditionExpression:
          claim === undefined
            ? '#status = :inProgress'
            : '#status = :inProgress AND #claim = :claim',
        ExpressionAttributeNames: {
          '#status': 'status',
          ...(claim === undefined ? {} : { '#claim': 'claim' }),
        },
        ExpressionAttributeValues: {
          ':inProgress': 'in-progress',
          ...(claim === undefined ? {} : { ':claim': claim }),
        },
      });
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  async #read(itemKey: { PK: string; SK: string }): Promise<StoredIdempotency | undefined> {
    const { Item } = await this.#documents.get({
      TableName: this.#table,
      Key: itemKey,
      ConsistentRead: true,
    });
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
