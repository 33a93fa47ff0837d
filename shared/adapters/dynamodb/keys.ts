import { KEY } from '#shared/adapters/dynamodb/table.ts';
import { ServiceError } from '#shared/domain/errors.ts';
import type { StatusPurpose } from '#shared/domain/ports/repositories.ts';

/**
 * Key builders of the single table (docs/data-model.md). Every key an adapter reads or writes
 * is built here, so the layout has one source of truth. Key parts are joined with `#`; a part
 * that itself contains `#` could name another entity's item, so such parts are refused.
 */

/** A primary key: partition and sort key. */
export interface ItemKey {
  readonly PK: string;
  readonly SK: string;
}

/** Number of status indexes one bits chunk item holds (`index >> 13`). */
export const STATUS_CHUNK_BITS = 8192;
const STATUS_CHUNK_SHIFT = 13;

function part(value: string, what: string): string {
  if (value.length === 0 || value.includes('#')) {
    throw new ServiceError('VALIDATION', `${what} must be non-empty and must not contain "#"`, {
      fields: [{ pointer: '', detail: `invalid ${what}: ${JSON.stringify(value)}` }],
    });
  }
  return value;
}

/**
 * The partition key of an issuer's items (profile, keys, achievements, open-list pointer).
 *
 * @example
 * issuerPartition('northfield'); // 'ISSUER#northfield'
 */
export function issuerPartition(issuerId: string): string {
  return `ISSUER#${part(issuerId, 'issuer id')}`;
}

/**
 * The issuer profile item.
 *
 * @example
 * issuerKey('northfield'); // { PK: 'ISSUER#northfield', SK: 'PROFILE' }
 */
export function issuerKey(issuerId: string): ItemKey {
  return { PK: issuerPartition(issuerId), SK: 'PROFILE' };
}

/** GSI1 partition listing every issuer, sorted by id. */
export const ISSUERS_GSI1PK = 'ISSUERS';

/** Sort-key prefixes of an issuer partition. */
export const SK_PREFIX = { key: 'KEY#', achievement: 'ACH#', bits: 'BITS#' } as const;

/**
 * An issuer's signing key record.
 *
 * @example
 * signingKeyKey('northfield', 'es256-20260101000000'); // { PK: 'ISSUER#northfield', SK: 'KEY#es256-20260101000000' }
 */
export function signingKeyKey(issuerId: string, keyId: string): ItemKey {
  return { PK: issuerPartition(issuerId), SK: `${SK_PREFIX.key}${part(keyId, 'key id')}` };
}

/**
 * An achievement item.
 *
 * @example
 * achievementKey('northfield', id); // { PK: 'ISSUER#northfield', SK: `ACH#${id}` }
 */
export function achievementKey(issuerId: string, achievementId: string): ItemKey {
  return {
    PK: issuerPartition(issuerId),
    SK: `${SK_PREFIX.achievement}${part(achievementId, 'achievement id')}`,
  };
}

/**
 * A credential item.
 *
 * @example
 * credentialKey('urn:uuid:…'); // { PK: 'CRED#urn:uuid:…', SK: 'CRED' }
 */
export function credentialKey(credentialId: string): ItemKey {
  return { PK: `CRED#${part(credentialId, 'credential id')}`, SK: 'CRED' };
}

/**
 * GSI1 partition of an issuer's credentials (sorted by `<issuedAt>#<id>`).
 *
 * @example
 * issuerCredentialsPartition('northfield'); // 'ISSUER#northfield#CREDS'
 */
export function issuerCredentialsPartition(issuerId: string): string {
  return `${issuerPartition(issuerId)}#CREDS`;
}

/**
 * GSI2 partition of a learner's credentials (sorted by `<issuedAt>#<id>`).
 *
 * @example
 * learnerPartition('ada'); // 'LEARNER#ada'
 */
export function learnerPartition(learnerId: string): string {
  return `LEARNER#${part(learnerId, 'learner id')}`;
}

/**
 * The partition of one status list (meta, claimed indexes, bits chunks).
 *
 * @example
 * statusListPartition('northfield.1'); // 'STATUS#northfield.1'
 */
export function statusListPartition(listId: string): string {
  return `STATUS#${part(listId, 'status list id')}`;
}

/**
 * The status list's meta item: `size`, `capacity`, `allocated`, `revision`.
 *
 * @example
 * statusMetaKey('northfield.1'); // { PK: 'STATUS#northfield.1', SK: 'META' }
 */
export function statusMetaKey(listId: string): ItemKey {
  return { PK: statusListPartition(listId), SK: 'META' };
}

/**
 * The item that claims one index of a status list.
 *
 * @example
 * statusIndexKey('northfield.1', 42); // { PK: 'STATUS#northfield.1', SK: 'IDX#42' }
 */
export function statusIndexKey(listId: string, index: number): ItemKey {
  return { PK: statusListPartition(listId), SK: `IDX#${index}` };
}

/**
 * The chunk of `purpose` bits holding `index` (8192 indexes per chunk).
 *
 * @example
 * statusBitsKey('northfield.1', 'revocation', 9000); // { PK: 'STATUS#northfield.1', SK: 'BITS#revocation#1' }
 */
export function statusBitsKey(listId: string, purpose: StatusPurpose, index: number): ItemKey {
  return {
    PK: statusListPartition(listId),
    SK: `${statusBitsPrefix(purpose)}${index >> STATUS_CHUNK_SHIFT}`,
  };
}

/**
 * The sort-key prefix of all bits chunks of `purpose`.
 *
 * @example
 * statusBitsPrefix('suspension'); // 'BITS#suspension#'
 */
export function statusBitsPrefix(purpose: StatusPurpose): string {
  return `${SK_PREFIX.bits}${purpose}#`;
}

/**
 * The pointer to the issuer's open status list (`n`, `size`).
 *
 * @example
 * openListKey('northfield'); // { PK: 'ISSUER#northfield', SK: 'STATUS#OPEN' }
 */
export function openListKey(issuerId: string): ItemKey {
  return { PK: issuerPartition(issuerId), SK: 'STATUS#OPEN' };
}

/**
 * An idempotency record. The scope is chosen by the service and may not contain `#`; the
 * client's key is the last part, so it may.
 *
 * @example
 * idempotencyKey('issue:northfield', 'b3c1…'); // { PK: 'IDEMP#issue:northfield#b3c1…', SK: 'IDEMP' }
 */
export function idempotencyKey(scope: string, key: string): ItemKey {
  if (key.length === 0)
    throw new ServiceError('VALIDATION', 'an idempotency key must be non-empty');
  return { PK: `IDEMP#${part(scope, 'idempotency scope')}#${key}`, SK: 'IDEMP' };
}

const TABLE_ATTRIBUTES: ReadonlySet<string> = new Set(Object.values(KEY));

/**
 * The record an item stores: the item without its table attributes (keys, index keys, TTL).
 *
 * @example
 * const issuer = recordOf<IssuerRecord>(Item);
 */
export function recordOf<T>(item: Record<string, unknown>): T {
  const record: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(item)) {
    if (!TABLE_ATTRIBUTES.has(name)) record[name] = value;
  }
  return record as T;
}

/**
 * A deep copy of `value` without `undefined` members, so that items can be written whatever
 * the injected document client's `removeUndefinedValues` setting.
 *
 * @example
 * withoutUndefined({ a: 1, b: undefined }); // { a: 1 }
 */
export function withoutUndefined<T>(value: T): T {
  if (Array.isArray(value)) {
    return value.filter((entry) => entry !== undefined).map(withoutUndefined) as T;
  }
  if (
    value !== null &&
    typeof value === 'object' &&
    Object.getPrototypeOf(value) === Object.prototype
  ) {
    const copy: Record<string, unknown> = {};
    for (const [name, member] of Object.entries(value)) {
      if (member !== undefined) copy[name] = withoutUndefined(member);
    }
    return copy as T;
  }
  return value;
}
