import { randomInt } from 'node:crypto';
import type { TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { KEY } from '#shared/adapters/dynamodb/table.ts';
import { CredstackError } from '#shared/core/errors.ts';
import { ServiceError } from '#shared/domain/errors.ts';
import type { StatusListRepository, StatusPurpose } from '#shared/domain/ports/repositories.ts';
import type { StatusAssignment } from '#shared/domain/records/records.ts';
import type { DynamoDocuments } from './documents.ts';
import { cancellationCodes, isConditionFailure, throwAsServiceError, transact } from './errors.ts';
import { IndexPermutation, newPermutationKey } from './index-permutation.ts';
import {
  openListKey,
  statusBitsKey,
  statusBitsPrefix,
  statusIndexKey,
  statusListPartition,
  statusMetaKey,
} from './keys.ts';
import { queryAll } from './paging.ts';

/** Entries of a status list: the Bitstring Status List minimum (16 KiB), for herd privacy. */
export const STATUS_LIST_SIZE = 131_072;
/** Share of a list handed out before the next one opens: random probing stays cheap. */
export const STATUS_LIST_FILL_RATIO = 0.9;

export interface DynamoStatusListStoreOptions {
  readonly documents: DynamoDocuments;
  readonly tableName: string;
  /** Entries of each new list (default 131072). Lists keep the size they were opened with. */
  readonly listSize?: number;
  /** Share of a list allocated before the next opens (default 0.9). */
  readonly fillRatio?: number;
}

const PURPOSES: ReadonlySet<string> = new Set<StatusPurpose>(['revocation', 'suspension']);
// At 90% fill a probe collides with probability 0.9; 0.9^200 ≈ 7e-10.
const MAX_PROBES = 200;
// Each round ends on a full list and moves to a newer one; many rounds mean runaway opening.
const MAX_ROUNDS = 16;
// Open-list pointers remembered per process; stale ones are harmless (a full list refuses).
const MAX_CACHED_POINTERS = 10_000;
/** The most indexes one call hands out (a batch claims a block per chunk of recipients). */
export const MAX_STATUS_BLOCK = 10_000;
// Conditional counter updates lost to concurrent allocators before giving up on a list round.
const MAX_BLOCK_ATTEMPTS = 32;

interface OpenList {
  readonly n: number;
  readonly size: number;
}

/**
 * How a list hands out indexes. Lists opened since block allocation existed carry an `order`
 * key: allocation number n (the meta item's `allocated` counter) gets index permutation(n).
 * Older lists have none and keep claiming random indexes one by one (`IDX#` items).
 */
interface ListOrder {
  readonly capacity: number;
  readonly permutation?: IndexPermutation;
}

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

function checkEntry(assignment: StatusAssignment, purpose: StatusPurpose): void {
  if (!PURPOSES.has(purpose)) throw new ServiceError('VALIDATION', `no status purpose ${purpose}`);
  const { index } = assignment;
  if (!Number.isSafeInteger(index) || index < 0) {
    throw new ServiceError('VALIDATION', `status index ${index} is not a non-negative integer`);
  }
}

/**
 * The two writes that set (`value`) or clear one bit, for a TransactWriteItems: the chunk's
 * Number Set ADD/DELETE (atomic against concurrent changes of other bits of the chunk) and the
 * meta item's `revision` increment, conditional on the list existing and holding the index
 * (a cancellation of the second item means it does not). The credential store puts them in
 * the same transaction as the credential's state change, so state and bit change together.
 *
 * @example
 * await transact(documents, { TransactItems: [stateUpdate, ...statusBitWrites(table, entry, 'revocation', true)] });
 */
export function statusBitWrites(
  tableName: string,
  assignment: StatusAssignment,
  purpose: StatusPurpose,
  value: boolean,
): TransactItem[] {
  checkEntry(assignment, purpose);
  const { listId, index } = assignment;
  return [
    {
      Update: {
        TableName: tableName,
        Key: statusBitsKey(listId, purpose, index),
        UpdateExpression: `${value ? 'ADD' : 'DELETE'} #bits :index`,
        ExpressionAttributeNames: { '#bits': 'bits' },
        ExpressionAttributeValues: { ':index': new Set([index]) },
      },
    },
    {
      Update: {
        TableName: tableName,
        Key: statusMetaKey(listId),
        UpdateExpression: 'ADD #revision :one',
        ConditionExpression: 'attribute_exists(#pk) AND #size > :index',
        ExpressionAttributeNames: { '#pk': KEY.pk, '#revision': 'revision', '#size': 'size' },
        ExpressionAttributeValues: { ':one': 1, ':index': index },
      },
    },
  ];
}

/**
 * Bitstring status lists on the single table (docs/data-model.md). Each issuer has numbered
 * lists `<issuerId>.<n>`; the pointer `ISSUER#<id>`/`STATUS#OPEN` names the open one. Indexes
 * are handed out in the list's own secret random order (index-permutation.ts): one conditional
 * update of the meta item's `allocated` counter (`allocated + k <= capacity`) claims the next k
 * allocation numbers, a whole block for a batch award, so a list never over-allocates and never
 * hands out an index twice. Lists opened before that order existed still claim random indexes
 * one at a time (a conditional put of `IDX#<index>` with the counter's increment). Bits
 * live in Number Sets of 8192 indexes per purpose, changed with ADD/DELETE (atomic: concurrent
 * changes never lose one) in one transaction with the meta item's `revision` increment.
 *
 * @example
 * const lists = new DynamoStatusListStore({ documents, tableName: 'credstack' });
 * const { listId, index } = await lists.allocate('northfield');
 * await lists.setBit({ listId, index }, 'revocation', true);
 */
export class DynamoStatusListStore implements StatusListRepository {
  readonly #documents: DynamoDocuments;
  readonly #table: string;
  readonly #listSize: number;
  readonly #capacity: number;
  readonly #open = new Map<string, OpenList>();
  readonly #orders = new Map<string, ListOrder>();

  constructor(options: DynamoStatusListStoreOptions) {
    const size = options.listSize ?? STATUS_LIST_SIZE;
    const ratio = options.fillRatio ?? STATUS_LIST_FILL_RATIO;
    if (!Number.isSafeInteger(size) || size < 1 || size > 2 ** 31) {
      throw new CredstackError(
        'INPUT_MALFORMED',
        `listSize must be an integer in [1, 2^31], not ${size}`,
      );
    }
    if (!(ratio > 0 && ratio <= 1)) {
      throw new CredstackError('INPUT_MALFORMED', `fillRatio must be in (0, 1], not ${ratio}`);
    }
    this.#documents = options.documents;
    this.#table = options.tableName;
    this.#listSize = size;
    this.#capacity = Math.max(1, Math.floor(size * ratio));
  }

  async allocate(issuerId: string): Promise<StatusAssignment> {
    const [assignment] = await this.allocateBlock(issuerId, 1);
    return assignment as StatusAssignment;
  }

  /**
   * Claims `count` distinct indexes of the issuer's open list with one conditional update of
   * its allocation counter (`allocated + count <= capacity`), opening the next list for what
   * does not fit. An index claimed and never used (the caller died before writing its
   * credential) is a gap in the list, never handed out again: the counter only grows.
   */
  async allocateBlock(issuerId: string, count: number): Promise<StatusAssignment[]> {
    if (!Number.isSafeInteger(count) || count < 1 || count > MAX_STATUS_BLOCK)
      throw new ServiceError(
        'VALIDATION',
        `a block holds 1 to ${MAX_STATUS_BLOCK} status indexes, not ${count}`,
      );
    const assignments: StatusAssignment[] = [];
    for (let round = 0; round < MAX_ROUNDS; round += 1) {
      const list = this.#open.get(issuerId) ?? (await this.#readOpenList(issuerId));
      if (list === undefined) {
        await this.#openNext(issuerId, 0);
        continue;
      }
      const listId = `${issuerId}.${list.n}`;
      const order = await this.#orderOf(listId, list.size);
      const wanted = count - assignments.length;
      if (order.permutation === undefined) {
        // A list from before block allocation: random claims, one transaction each.
        while (assignments.length < count) {
          const index = await this.#claim(listId, list.size);
          if (index === undefined) break;
          assignments.push({ listId, index });
        }
      } else {
        const { first, taken } = await this.#claimBlock(listId, order.capacity, wanted);
        for (let n = first; n < first + taken; n += 1)
          assignments.push({ listId, index: order.permutation.permute(n) });
      }
      if (assignments.length === count) return assignments;
      this.#open.delete(issuerId);
      await this.#openNext(issuerId, list.n);
    }
    throw new ServiceError('UNAVAILABLE', `could not allocate a status index for ${issuerId}`);
  }

  /**
   * Sets or clears one bit on its own. The service never calls this for a credential: its bit
   * changes only with its state, in the credential store's transaction (statusBitWrites).
   */
  async setBit(
    assignment: StatusAssignment,
    purpose: StatusPurpose,
    value: boolean,
  ): Promise<void> {
    const { listId, index } = assignment;
    try {
      await transact(this.#documents, {
        TransactItems: statusBitWrites(this.#table, assignment, purpose, value),
      });
    } catch (error) {
      if (cancellationCodes(error)?.[1] === 'ConditionalCheckFailed') {
        throw new ServiceError('NOT_FOUND', `status list ${listId} has no index ${index}`, {
          cause: error,
        });
      }
      throwAsServiceError(error, `cannot change status bit ${index} of ${listId}`);
    }
  }

  async getBit(assignment: StatusAssignment, purpose: StatusPurpose): Promise<boolean> {
    checkEntry(assignment, purpose);
    const { Item } = await this.#documents.get({
      TableName: this.#table,
      Key: statusBitsKey(assignment.listId, purpose, assignment.index),
      ProjectionExpression: '#bits',
      ExpressionAttributeNames: { '#bits': 'bits' },
      ConsistentRead: true,
    });
    const bits = Item?.bits;
    return (
      bits instanceof Set && (bits.has(assignment.index) || bits.has(String(assignment.index)))
    );
  }

  async revision(listId: string): Promise<number | undefined> {
    // The whole meta item, without a projection: it is a few small numbers and strings (one
    // read unit either way), and every verification of an own credential waits for this read,
    // so it stays the cheapest request to answer (DynamoDB Local parses a projection
    // expression on every call, about a tenth of the read's latency there).
    const { Item: meta } = await this.#documents.get({
      TableName: this.#table,
      Key: statusMetaKey(listId),
      ConsistentRead: true,
    });
    return meta === undefined ? undefined : Number(meta.revision ?? 0);
  }

  async read(
    listId: string,
    purpose: StatusPurpose,
  ): Promise<
    | { readonly size: number; readonly setIndexes: readonly number[]; readonly revision: number }
    | undefined
  > {
    if (!PURPOSES.has(purpose)) return undefined;
    // Meta before bits: bits read later are at least as new as the revision, so a list cached
    // under a revision is never older than that revision (at worst, newer).
    const { Item: meta } = await this.#documents.get({
      TableName: this.#table,
      Key: statusMetaKey(listId),
      ConsistentRead: true,
    });
    if (meta === undefined) return undefined;
    const chunks = await queryAll(this.#documents, {
      TableName: this.#table,
      KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
      ExpressionAttributeNames: { '#pk': KEY.pk, '#sk': KEY.sk },
      ExpressionAttributeValues: {
        ':pk': statusListPartition(listId),
        ':prefix': statusBitsPrefix(purpose),
      },
      ConsistentRead: true,
    });
    const setIndexes: number[] = [];
    for (const chunk of chunks) {
      const bits = chunk.bits;
      if (bits instanceof Set) for (const index of bits) setIndexes.push(Number(index));
    }
    setIndexes.sort((a, b) => a - b);
    return { size: Number(meta.size), setIndexes, revision: Number(meta.revision ?? 0) };
  }

  /** The list's capacity and allocation order, read once per list and process (they never change). */
  async #orderOf(listId: string, size: number): Promise<ListOrder> {
    const known = this.#orders.get(listId);
    if (known) return known;
    const { Item } = await this.#documents.get({
      TableName: this.#table,
      Key: statusMetaKey(listId),
      ConsistentRead: true,
    });
    if (Item === undefined)
      throw new ServiceError('UNAVAILABLE', `status list ${listId} has no meta item yet`);
    const order: ListOrder = {
      capacity: Number(Item.capacity),
      ...(typeof Item.order === 'string'
        ? { permutation: new IndexPermutation(Item.order, size) }
        : {}),
    };
    if (this.#orders.size >= MAX_CACHED_POINTERS) this.#orders.clear();
    this.#orders.set(listId, order);
    return order;
  }

  /**
   * Moves the list's allocation counter on by up to `wanted` in one conditional update; the
   * allocation numbers `[first, first + taken)` are then this caller's alone. Fewer than
   * `wanted` (none when the list is full) when the list has less room left.
   */
  async #claimBlock(
    listId: string,
    capacity: number,
    wanted: number,
  ): Promise<{ first: number; taken: number }> {
    let take = wanted;
    for (let attempt = 0; attempt < MAX_BLOCK_ATTEMPTS; attempt += 1) {
      try {
        const { Attributes } = await this.#documents.update({
          TableName: this.#table,
          Key: statusMetaKey(listId),
          UpdateExpression: 'ADD #allocated :take',
          ConditionExpression: 'attribute_exists(#order) AND #allocated <= :most',
          ExpressionAttributeNames: { '#allocated': 'allocated', '#order': 'order' },
          ExpressionAttributeValues: { ':take': take, ':most': capacity - take },
          ReturnValues: 'UPDATED_NEW',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        });
        return { first: Number(Attributes?.allocated) - take, taken: take };
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
        // The counter as it stood: what room is left (another allocator may have taken some).
        const raw = error.Item?.allocated as { N?: string } | undefined;
        const left = capacity - Number(raw?.N ?? Number.NaN);
        if (!(left > 0)) return { first: 0, taken: 0 };
        take = Math.min(wanted, left);
      }
    }
    throw new ServiceError(
      'UNAVAILABLE',
      `status list ${listId}: ${MAX_BLOCK_ATTEMPTS} block claims lost to concurrent allocators`,
    );
  }

  /** Claims a random free index of the list; undefined when the list is at capacity. */
  async #claim(listId: string, size: number): Promise<number | undefined> {
    for (let probe = 0; probe < MAX_PROBES; probe += 1) {
      const index = randomInt(size);
      try {
        await transact(this.#documents, {
          TransactItems: [
            {
              Put: {
                TableName: this.#table,
                Item: statusIndexKey(listId, index),
                ConditionExpression: 'attribute_not_exists(#pk)',
                ExpressionAttributeNames: { '#pk': KEY.pk },
              },
            },
            {
              Update: {
                TableName: this.#table,
                Key: statusMetaKey(listId),
                UpdateExpression: 'ADD #allocated :one',
                ConditionExpression: '#allocated < #capacity',
                ExpressionAttributeNames: { '#allocated': 'allocated', '#capacity': 'capacity' },
                ExpressionAttributeValues: { ':one': 1 },
              },
            },
          ],
        });
        return index;
      } catch (error) {
        const codes = cancellationCodes(error);
        if (codes?.[1] === 'ConditionalCheckFailed') return undefined;
        if (codes?.[0] !== 'ConditionalCheckFailed') throw error;
        // The index is taken: draw another.
      }
    }
    throw new ServiceError(
      'UNAVAILABLE',
      `no free status index found in ${listId} after ${MAX_PROBES} random probes`,
    );
  }

  async #readOpenList(issuerId: string): Promise<OpenList | undefined> {
    const { Item } = await this.#documents.get({
      TableName: this.#table,
      Key: openListKey(issuerId),
      ConsistentRead: true,
    });
    if (Item === undefined) return undefined;
    const list = { n: Number(Item.n), size: Number(Item.size) };
    if (this.#open.size >= MAX_CACHED_POINTERS) this.#open.clear();
    this.#open.set(issuerId, list);
    return list;
  }

  /**
   * Moves the issuer's open pointer from list `current` (0: none yet) to `current + 1` and
   * creates that list's meta item, in one transaction conditional on the pointer still being
   * at `current`: of two concurrent openers one wins, the other finds the pointer moved, and
   * both go on with the same new list.
   */
  async #openNext(issuerId: string, current: number): Promise<void> {
    const next = current + 1;
    const pointerCondition =
      current === 0 ? 'attribute_not_exists(#pk)' : 'attribute_exists(#pk) AND #n = :current';
    try {
      await transact(this.#documents, {
        TransactItems: [
          {
            Update: {
              TableName: this.#table,
              Key: openListKey(issuerId),
              UpdateExpression: 'SET #n = :next, #size = :size',
              ConditionExpression: pointerCondition,
              ExpressionAttributeNames: {
                '#pk': KEY.pk,
                '#n': 'n',
                '#size': 'size',
              },
              ExpressionAttributeValues: {
                ':next': next,
                ':size': this.#listSize,
                ...(current === 0 ? {} : { ':current': current }),
              },
            },
          },
          {
            Put: {
              TableName: this.#table,
              Item: {
                ...statusMetaKey(`${issuerId}.${next}`),
                issuerId,
                n: next,
                size: this.#listSize,
                capacity: this.#capacity,
                allocated: 0,
                revision: 0,
                order: newPermutationKey(),
              },
              ConditionExpression: 'attribute_not_exists(#pk)',
              ExpressionAttributeNames: { '#pk': KEY.pk },
            },
          },
        ],
      });
    } catch (error) {
      // Another allocator opened it first: the next round reads the pointer it wrote.
      if (!cancellationCodes(error)?.includes('ConditionalCheckFailed')) throw error;
    }
  }
}
