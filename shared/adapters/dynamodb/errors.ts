import { setTimeout as sleep } from 'node:timers/promises';
import type {
  ConditionalCheckFailedException,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import type { TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { ServiceError } from '#shared/domain/errors.ts';
import { DOCUMENT_OPERATIONS, type DynamoDocuments } from './documents.ts';
import { KEY } from './table.ts';

/**
 * How DynamoDB failures become service errors. A failed condition means someone else got
 * there first (CONFLICT); the table being out of reach — throttling, a DynamoDB 5xx, a
 * refused or reset connection, a timeout — once the client's own retries are spent is
 * UNAVAILABLE (503 with Retry-After), classified here and nowhere else; anything else is a
 * fault and propagates unchanged.
 */

// Errors the SDK already retried; when they still surface, the table is overloaded.
const OVERLOADED = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'TransactionConflictException',
]);

// Node's socket errors of a store that is down, restarting or unreachable.
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

// SDK errors of a store that answered but could not serve (besides the overload ones).
const OUTAGE_NAMES = new Set([
  'InternalServerError',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError',
]);

/**
 * True when `error` says the store is out of reach for now (rather than that the request was
 * wrong): throttling, a 5xx from DynamoDB, a refused/reset connection, a timeout.
 *
 * @example
 * isStoreUnavailable(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8000'), { code: 'ECONNREFUSED' })); // true
 */
export function isStoreUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const { code, $metadata, $fault } = error as {
    code?: unknown;
    $metadata?: { httpStatusCode?: number };
    $fault?: unknown;
  };
  if (OVERLOADED.has(error.name) || OUTAGE_NAMES.has(error.name)) return true;
  if (typeof code === 'string' && NETWORK_CODES.has(code)) return true;
  // A connection tried on every address (IPv4 and IPv6) fails as an AggregateError of them.
  if (error instanceof AggregateError && error.errors.some(isStoreUnavailable)) return true;
  const status = $metadata?.httpStatusCode;
  if ($fault === 'server' || (typeof status === 'number' && status >= 500)) return true;
  return error.cause !== undefined && error.cause !== error && isStoreUnavailable(error.cause);
}

/** The one message a caller sees for an outage; the log keeps the cause. */
export const STORE_UNAVAILABLE_MESSAGE = 'the data store is unavailable; try again shortly';

/**
 * The document operations of `documents`, each failing with ServiceError('UNAVAILABLE') when
 * the store is out of reach once the client's own retries are spent. Other errors — failed
 * conditions, cancelled transactions, validation — pass unchanged for the stores to read.
 * Wrapping twice changes nothing (a ServiceError passes through).
 *
 * @example
 * const stores = { documents: raiseStoreUnavailable(documents), tableName };
 */
export function raiseStoreUnavailable(documents: DynamoDocuments): DynamoDocuments {
  const reported = {} as Record<
    (typeof DOCUMENT_OPERATIONS)[number],
    (input: never) => Promise<unknown>
  >;
  for (const operation of DOCUMENT_OPERATIONS) {
    const send = (documents[operation] as (input: never) => Promise<unknown>).bind(documents);
    reported[operation] = async (input) => {
      try {
        return await send(input);
      } catch (error) {
        if (error instanceof ServiceError || !isStoreUnavailable(error)) throw error;
        throw new ServiceError('UNAVAILABLE', STORE_UNAVAILABLE_MESSAGE, { cause: error });
      }
    };
  }
  return reported as unknown as DynamoDocuments;
}

/**
 * True when `error` is a failed condition of a single-item write.
 *
 * @example
 * if (isConditionFailure(error)) return undefined;
 */
export function isConditionFailure(error: unknown): error is ConditionalCheckFailedException {
  // By name: the SDK's exception and the SDK-free client's error (./lite/) alike.
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

/**
 * The per-item cancellation codes of a cancelled transaction (`None`, `ConditionalCheckFailed`,
 * `TransactionConflict`, …), or undefined when `error` is not a cancelled transaction.
 *
 * @example
 * cancellationCodes(error); // ['ConditionalCheckFailed', 'None']
 */
export function cancellationCodes(error: unknown): readonly string[] | undefined {
  if (!(error instanceof Error) || error.name !== 'TransactionCanceledException') return undefined;
  const reasons = (error as TransactionCanceledException).CancellationReasons ?? [];
  return reasons.map((reason) => reason.Code ?? 'None');
}

/**
 * Rethrows a DynamoDB failure as a service error: a failed condition becomes
 * CONFLICT with `conflictMessage`, exhausted throttling becomes UNAVAILABLE.
 *
 * @example
 * try { await put(); } catch (error) { throwAsServiceError(error, `issuer ${id} exists`); }
 */
export function throwAsServiceError(error: unknown, conflictMessage: string): never {
  if (error instanceof ServiceError) throw error;
  if (isConditionFailure(error)) {
    throw new ServiceError('CONFLICT', conflictMessage, { cause: error });
  }
  const codes = cancellationCodes(error);
  if (codes?.includes('ConditionalCheckFailed')) {
    throw new ServiceError('CONFLICT', conflictMessage, { cause: error });
  }
  if (
    (error instanceof Error && OVERLOADED.has(error.name)) ||
    codes?.includes('TransactionConflict') ||
    codes?.includes('ThrottlingError') ||
    codes?.includes('ProvisionedThroughputExceeded')
  ) {
    throw new ServiceError('UNAVAILABLE', 'the table is busy; try again', { cause: error });
  }
  throw error;
}

export interface TransactOptions {
  /** Attempts in all, the first included (default 10). */
  readonly attempts?: number;
  /** Base of the exponential backoff in ms (default 10); each wait is drawn in [0, base·2ⁿ]. */
  readonly baseDelayMs?: number;
}

const RETRIED_CODES = new Set(['TransactionConflict', 'ThrottlingError']);

/**
 * Sends a TransactWriteItems, retrying it (full-jitter exponential backoff) while DynamoDB
 * cancels it only because another transaction held one of its items. Hot items — a status
 * list's meta item takes every allocation and bit change of the list — make such conflicts
 * routine in DynamoDB; the SDK does not retry them. Any other cancellation (a failed
 * condition) is thrown unchanged for the caller to read with {@link cancellationCodes}.
 *
 * @example
 * await transact(documents, { TransactItems: [...] });
 */
export async function transact(
  documents: DynamoDocuments,
  input: TransactWriteCommandInput,
  options: TransactOptions = {},
): Promise<void> {
  const attempts = options.attempts ?? 10;
  const base = options.baseDelayMs ?? 10;
  for (let attempt = 1; ; attempt += 1) {
    try {
      await documents.transactWrite(input);
      return;
    } catch (error) {
      const codes = cancellationCodes(error) ?? [];
      const retriable =
        codes.some((code) => RETRIED_CODES.has(code)) && !codes.includes('ConditionalCheckFailed');
      if (!retriable) throw error;
      if (attempt >= attempts) {
        throw new ServiceError(
          'UNAVAILABLE',
          `the transaction kept conflicting with others (${attempts} attempts); try again`,
          { cause: error },
        );
      }
      await sleep(Math.random() * Math.min(1000, base * 2 ** attempt));
    }
  }
}

/**
 * Writes a new item: a conditional put that refuses to overwrite, so two requests creating
 * the same thing cannot both succeed. The loser gets ServiceError('CONFLICT', conflictMessage).
 *
 * @example
 * await putNew(documents, tableName, { ...record, ...issuerKey(id) }, `issuer ${id} exists`);
 */
export async function putNew(
  documents: DynamoDocuments,
  tableName: string,
  item: Record<string, unknown>,
  conflictMessage: string,
): Promise<void> {
  try {
    await documents.put({
      TableName: tableName,
      Item: item,
      ConditionExpression: 'attribute_not_exists(#pk)',
      ExpressionAttributeNames: { '#pk': KEY.pk },
    });
  } catch (error) {
    throwAsServiceError(error, conflictMessage);
  }
}
