import { randomInt } from 'node:crypto';
import { type Clock, systemClock } from '#shared/core/clock.ts';
import { CredstackError } from '#shared/core/errors.ts';
import { ServiceError } from '#shared/domain/errors.ts';
import type {
  AchievementRepository,
  CredentialRepository,
  IdempotencyRecord,
  IdempotencyRepository,
  IssuerRepository,
  Page,
  StateChange,
  StatusEntry,
  StatusListRepository,
  StatusPurpose,
} from '#shared/domain/ports/repositories.ts';
import type {
  AchievementRecord,
  CredentialRecord,
  CredentialState,
  IssuerKeyRecord,
  IssuerRecord,
  StatusAssignment,
} from '#shared/domain/records/records.ts';
import { conflict, keyPart, MEMORY_PAGE_SIZE, pageOf, stored } from './table.ts';

/**
 * The repositories issuance touches, held in process memory with the semantics of their
 * DynamoDB counterparts (shared/adapters/dynamodb/): the same conditional writes and error codes,
 * the same listing orders and cursors that only their own listing accepts. Each method runs
 * to completion without awaiting in between, so on one event loop every write is atomic,
 * as the DynamoDB transactions are.
 */

export interface MemoryStoreOptions {
  /** Items per listed page (default 50). */
  readonly pageSize?: number;
}

export class MemoryIssuerStore implements IssuerRepository {
  readonly #issuers = new Map<string, IssuerRecord>();
  readonly #keys = new Map<string, Map<string, IssuerKeyRecord>>();
  readonly #pageSize: number;

  constructor(options: MemoryStoreOptions = {}) {
    this.#pageSize = options.pageSize ?? MEMORY_PAGE_SIZE;
  }

  async create(issuer: IssuerRecord, keys: readonly IssuerKeyRecord[] = []): Promise<void> {
    keyPart(issuer.id, 'issuer id');
    for (const key of keys) keyPart(key.keyId, 'key id');
    const taken =
      this.#issuers.has(issuer.id) ||
      keys.some((key) => this.#keys.get(key.issuerId)?.has(key.keyId));
    if (taken) throw conflict(`issuer ${issuer.id} already exists`);
    this.#issuers.set(issuer.id, stored(issuer));
    for (const key of keys) this.#keysOf(key.issuerId).set(key.keyId, stored(key));
  }

  async get(issuerId: string): Promise<IssuerRecord | undefined> {
    keyPart(issuerId, 'issuer id');
    return stored(this.#issuers.get(issuerId));
  }

  /** Issuers in id order. */
  async list(cursor?: string): Promise<Page<IssuerRecord>> {
    return pageOf('ISSUERS', [...this.#issuers], cursor, this.#pageSize, false);
  }

  async putKey(key: IssuerKeyRecord): Promise<void> {
    keyPart(key.issuerId, 'issuer id');
    keyPart(key.keyId, 'key id');
    const keys = this.#keysOf(key.issuerId);
    if (keys.has(key.keyId)) {
      throw conflict(`issuer ${key.issuerId} already has a key ${key.keyId}`);
    }
    keys.set(key.keyId, stored(key));
  }

  /** Every key of the issuer, active and retired, in key id order. */
  async listKeys(issuerId: string): Promise<readonly IssuerKeyRecord[]> {
    keyPart(issuerId, 'issuer id');
    return [...(this.#keys.get(issuerId) ?? new Map<string, IssuerKeyRecord>())]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([, key]) => stored(key));
  }

  async retireKey(issuerId: string, keyId: string, at: string): Promise<void> {
    keyPart(issuerId, 'issuer id');
    keyPart(keyId, 'key id');
    const key = this.#keys.get(issuerId)?.get(keyId);
    if (key === undefined)
      throw new ServiceError('NOT_FOUND', `issuer ${issuerId} has no key ${keyId}`);
    // A second retirement keeps the first `retiredAt`.
    this.#keysOf(issuerId).set(keyId, {
      ...key,
      status: 'retired',
      retiredAt: key.retiredAt ?? at,
    });
  }

  async updateProfile(issuerId: string, profile: IssuerRecord['profile']): Promise<void> {
    keyPart(issuerId, 'issuer id');
    const issuer = this.#issuers.get(issuerId);
    if (issuer === undefined) throw new ServiceError('NOT_FOUND', `no issuer ${issuerId}`);
    this.#issuers.set(issuerId, stored({ ...issuer, profile }));
  }

  #keysOf(issuerId: string): Map<string, IssuerKeyRecord> {
    let keys = this.#keys.get(issuerId);
    if (keys === undefined) {
      keys = new Map();
      this.#keys.set(issuerId, keys);
    }
    return keys;
  }
}

export class MemoryAchievementStore implements AchievementRepository {
  readonly #achievements = new Map<string, Map<string, AchievementRecord>>();
  readonly #pageSize: number;

  constructor(options: MemoryStoreOptions = {}) {
    this.#pageSize = options.pageSize ?? MEMORY_PAGE_SIZE;
  }

  async create(achievement: AchievementRecord): Promise<void> {
    keyPart(achievement.issuerId, 'issuer id');
    keyPart(achievement.id, 'achievement id');
    let ofIssuer = this.#achievements.get(achievement.issuerId);
    if (ofIssuer === undefined) {
      ofIssuer = new Map();
      this.#achievements.set(achievement.issuerId, ofIssuer);
    }
    if (ofIssuer.has(achievement.id)) {
      throw conflict(`issuer ${achievement.issuerId} already has an achievement ${achievement.id}`);
    }
    ofIssuer.set(achievement.id, stored(achievement));
  }

  async get(issuerId: string, achievementId: string): Promise<AchievementRecord | undefined> {
    keyPart(issuerId, 'issuer id');
    keyPart(achievementId, 'achievement id');
    return stored(this.#achievements.get(issuerId)?.get(achievementId));
  }

  /** The issuer's achievements in id order. */
  async list(issuerId: string, cursor?: string): Promise<Page<AchievementRecord>> {
    keyPart(issuerId, 'issuer id');
    const entries = [...(this.#achievements.get(issuerId) ?? new Map<string, AchievementRecord>())];
    return pageOf(`ISSUER#${issuerId}/ACH`, entries, cursor, this.#pageSize, false);
  }
}

/** Entries of a status list: the Bitstring Status List minimum (16 KiB), as on DynamoDB. */
const STATUS_LIST_SIZE = 131_072;
const STATUS_LIST_FILL_RATIO = 0.9;
const PURPOSES: ReadonlySet<string> = new Set<StatusPurpose>(['revocation', 'suspension']);

interface MemoryStatusList {
  readonly size: number;
  readonly capacity: number;
  readonly allocated: Set<number>;
  readonly bits: Record<StatusPurpose, Set<number>>;
  revision: number;
}

function checkEntry(assignment: StatusAssignment, purpose: StatusPurpose): void {
  if (!PURPOSES.has(purpose)) throw new ServiceError('VALIDATION', `no status purpose ${purpose}`);
  const { index } = assignment;
  if (!Number.isSafeInteger(index) || index < 0) {
    throw new ServiceError('VALIDATION', `status index ${index} is not a non-negative integer`);
  }
}

export class MemoryStatusListStore implements StatusListRepository {
  readonly #lists = new Map<string, MemoryStatusList>();
  /** Each issuer's open list number. */
  readonly #open = new Map<string, number>();
  readonly #listSize: number;
  readonly #capacity: number;

  constructor(options: { readonly listSize?: number; readonly fillRatio?: number } = {}) {
    const size = options.listSize ?? STATUS_LIST_SIZE;
    const ratio = options.fillRatio ?? STATUS_LIST_FILL_RATIO;
    if (!Number.isSafeInteger(size) || size < 1 || size > 2 ** 31) {
      throw new CredstackError(
        'INPUT_MALFORMED',
        `listSize must be an integer in [1, 2^31], not ${size}`,
      );
    }
    if (!(ratio > 0 && ratio <= 1))
      throw new CredstackError('INPUT_MALFORMED', `fillRatio must be in (0, 1], not ${ratio}`);
    this.#listSize = size;
    this.#capacity = Math.max(1, Math.floor(size * ratio));
  }

  /** A random free index of the open list; a full list (at capacity) opens the next one. */
  async allocate(issuerId: string): Promise<StatusAssignment> {
    keyPart(issuerId, 'issuer id');
    let n = this.#open.get(issuerId) ?? 0;
    let list = n === 0 ? undefined : this.#lists.get(`${issuerId}.${n}`);
    if (list === undefined || list.allocated.size >= list.capacity) {
      n += 1;
      list = {
        size: this.#listSize,
        capacity: this.#capacity,
        allocated: new Set(),
        bits: { revocation: new Set(), suspension: new Set() },
        revision: 0,
      };
      this.#lists.set(`${issuerId}.${n}`, list);
      this.#open.set(issuerId, n);
    }
    // Drawn at random like the DynamoDB store's probes; the free set is never empty here.
    let index = randomInt(list.size);
    while (list.allocated.has(index)) index = randomInt(list.size);
    list.allocated.add(index);
    return { listId: `${issuerId}.${n}`, index };
  }

  async allocateBlock(issuerId: string, count: number): Promise<StatusAssignment[]> {
    if (!Number.isSafeInteger(count) || count < 1 || count > 10_000)
      throw new ServiceError('VALIDATION', `a block holds 1 to 10000 status indexes, not ${count}`);
    const assignments: StatusAssignment[] = [];
    for (let i = 0; i < count; i += 1) assignments.push(await this.allocate(issuerId));
    return assignments;
  }

  async setBit(
    assignment: StatusAssignment,
    purpose: StatusPurpose,
    value: boolean,
  ): Promise<void> {
    this.applyBit(assignment, purpose, value);
  }

  async getBit(assignment: StatusAssignment, purpose: StatusPurpose): Promise<boolean> {
    checkEntry(assignment, purpose);
    keyPart(assignment.listId, 'status list id');
    return this.#lists.get(assignment.listId)?.bits[purpose].has(assignment.index) ?? false;
  }

  async revision(listId: string): Promise<number | undefined> {
    keyPart(listId, 'status list id');
    return this.#lists.get(listId)?.revision;
  }

  async read(
    listId: string,
    purpose: StatusPurpose,
  ): Promise<
    | { readonly size: number; readonly setIndexes: readonly number[]; readonly revision: number }
    | undefined
  > {
    if (!PURPOSES.has(purpose)) return undefined;
    keyPart(listId, 'status list id');
    const list = this.#lists.get(listId);
    if (list === undefined) return undefined;
    return {
      size: list.size,
      setIndexes: [...list.bits[purpose]].sort((a, b) => a - b),
      revision: list.revision,
    };
  }

  /**
   * Throws what a bit write on DynamoDB would (VALIDATION, or NOT_FOUND when the list lacks
   * the index) without writing: the credential store checks before it changes anything.
   */
  checkBit(assignment: StatusAssignment, purpose: StatusPurpose): void {
    checkEntry(assignment, purpose);
    keyPart(assignment.listId, 'status list id');
    const list = this.#lists.get(assignment.listId);
    if (list === undefined || assignment.index >= list.size) {
      throw new ServiceError(
        'NOT_FOUND',
        `status list ${assignment.listId} has no index ${assignment.index}`,
      );
    }
  }

  /** Sets or clears the bit and moves the list's revision (checked first: all or nothing). */
  applyBit(assignment: StatusAssignment, purpose: StatusPurpose, value: boolean): void {
    this.checkBit(assignment, purpose);
    const list = this.#lists.get(assignment.listId) as MemoryStatusList;
    if (value) list.bits[purpose].add(assignment.index);
    else list.bits[purpose].delete(assignment.index);
    list.revision += 1;
  }
}

export class MemoryCredentialStore implements CredentialRepository {
  readonly #credentials = new Map<string, CredentialRecord>();
  readonly #lists: MemoryStatusListStore;
  readonly #pageSize: number;

  /** `lists`: the status lists whose bits move with the credentials' states. */
  constructor(lists: MemoryStatusListStore, options: MemoryStoreOptions = {}) {
    this.#lists = lists;
    this.#pageSize = options.pageSize ?? MEMORY_PAGE_SIZE;
  }

  async create(credential: CredentialRecord): Promise<void> {
    keyPart(credential.id, 'credential id');
    keyPart(credential.issuerId, 'issuer id');
    if (credential.learnerId !== undefined) keyPart(credential.learnerId, 'learner id');
    if (this.#credentials.has(credential.id)) {
      throw conflict(`credential ${credential.id} already exists`);
    }
    this.#credentials.set(credential.id, stored(credential));
  }

  /** Stores each credential, an existing id replaced, as the DynamoDB store's BatchWriteItem. */
  async createMany(credentials: readonly CredentialRecord[]): Promise<void> {
    for (const credential of credentials) {
      keyPart(credential.id, 'credential id');
      keyPart(credential.issuerId, 'issuer id');
      if (credential.learnerId !== undefined) keyPart(credential.learnerId, 'learner id');
    }
    for (const credential of credentials) this.#credentials.set(credential.id, stored(credential));
  }

  async get(credentialId: string): Promise<CredentialRecord | undefined> {
    keyPart(credentialId, 'credential id');
    return stored(this.#credentials.get(credentialId));
  }

  /** The issuer's credentials, newest first (by issue time, then id). */
  async listByIssuer(issuerId: string, cursor?: string): Promise<Page<CredentialRecord>> {
    keyPart(issuerId, 'issuer id');
    return this.#newestFirst(`ISSUER#${issuerId}#CREDS`, (c) => c.issuerId === issuerId, cursor);
  }

  /** The learner's credentials, newest first; credentials of no known learner are on no list. */
  async listByLearner(learnerId: string, cursor?: string): Promise<Page<CredentialRecord>> {
    keyPart(learnerId, 'learner id');
    return this.#newestFirst(`LEARNER#${learnerId}`, (c) => c.learnerId === learnerId, cursor);
  }

  async setState(credentialId: string, change: StateChange): Promise<void> {
    const { from, to, reason, note, status } = change;
    const current = this.#current(
      credentialId,
      from,
      `credential ${credentialId} is no longer ${from}: another change came first`,
    );
    this.#lists.checkBit(status.assignment, status.purpose);
    // The reason belongs to this state only: a change without one clears the last one.
    const { stateReason: _previous, stateNote: _previousNote, ...rest } = current;
    this.#credentials.set(credentialId, {
      ...rest,
      state: to,
      ...(reason === undefined ? {} : { stateReason: stored(reason) }),
      ...(note === undefined ? {} : { stateNote: note }),
    });
    this.#lists.applyBit(status.assignment, status.purpose, to !== 'active');
  }

  async syncStatusBit(
    credentialId: string,
    state: CredentialState,
    status: StatusEntry,
  ): Promise<void> {
    this.#current(
      credentialId,
      state,
      `credential ${credentialId} is no longer ${state}: another change came first`,
    );
    this.#lists.applyBit(status.assignment, status.purpose, state !== 'active');
  }

  /** The credential when it is in `state`; NOT_FOUND when absent, CONFLICT when elsewhere. */
  #current(credentialId: string, state: CredentialState, message: string): CredentialRecord {
    keyPart(credentialId, 'credential id');
    const current = this.#credentials.get(credentialId);
    if (current === undefined) throw new ServiceError('NOT_FOUND', `no credential ${credentialId}`);
    if (current.state !== state) throw conflict(message);
    return current;
  }

  #newestFirst(
    listing: string,
    belongs: (credential: CredentialRecord) => boolean,
    cursor: string | undefined,
  ): Page<CredentialRecord> {
    const entries = [...this.#credentials.values()]
      .filter(belongs)
      .map((credential) => [`${credential.issuedAt}#${credential.id}`, credential] as const);
    return pageOf(listing, entries, cursor, this.#pageSize, true);
  }
}

/** How long a claim holds an idempotency key (60 s) and a record lives (24 h), as on DynamoDB. */
const IDEMPOTENCY_LEASE_SECONDS = 60;
const IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60;

interface StoredIdempotency extends IdempotencyRecord {
  readonly claim?: string;
  readonly leaseUntil?: number;
  readonly expiresAt: number;
}

export class MemoryIdempotencyStore implements IdempotencyRepository {
  readonly #records = new Map<string, StoredIdempotency>();
  readonly #clock: Clock;
  readonly #leaseSeconds: number;
  readonly #ttlSeconds: number;

  constructor(
    options: {
      readonly clock?: Clock;
      readonly leaseSeconds?: number;
      readonly ttlSeconds?: number;
    } = {},
  ) {
    this.#clock = options.clock ?? systemClock;
    this.#leaseSeconds = options.leaseSeconds ?? IDEMPOTENCY_LEASE_SECONDS;
    this.#ttlSeconds = options.ttlSeconds ?? IDEMPOTENCY_TTL_SECONDS;
  }

  async begin(
    scope: string,
    key: string,
    requestHash: string,
    claim?: string,
  ): Promise<IdempotencyRecord | undefined> {
    const id = this.#id(scope, key);
    const now = this.#nowSeconds();
    const existing = this.#records.get(id);
    // Held: done and not expired, or in progress under a lease still running.
    const held =
      existing !== undefined &&
      existing.expiresAt > now &&
      (existing.status === 'done' || (existing.leaseUntil ?? 0) > now);
    if (held) {
      return {
        key: existing.key,
        requestHash: existing.requestHash,
        status: existing.status,
        ...(existing.response === undefined ? {} : { response: { ...existing.response } }),
      };
    }
    this.#records.set(id, {
      key,
      requestHash,
      status: 'in-progress',
      ...(claim === undefined ? {} : { claim }),
      leaseUntil: now + this.#leaseSeconds,
      expiresAt: now + this.#ttlSeconds,
    });
    return undefined;
  }

  async complete(
    scope: string,
    key: string,
    response: { statusCode: number; body: string },
    claim?: string,
  ): Promise<void> {
    const id = this.#id(scope, key);
    const existing = this.#records.get(id);
    const holds =
      existing !== undefined &&
      (claim === undefined || (existing.claim === claim && existing.status === 'in-progress'));
    if (!holds) throw conflict(`idempotency key ${key} is not claimed (expired or released)`);
    const { leaseUntil: _lease, ...rest } = existing;
    this.#records.set(id, {
      ...rest,
      status: 'done',
      response: { statusCode: response.statusCode, body: response.body },
    });
  }

  async release(scope: string, key: string, claim?: string): Promise<void> {
    const id = this.#id(scope, key);
    const existing = this.#records.get(id);
    if (existing === undefined || existing.status !== 'in-progress') return;
    if (claim !== undefined && existing.claim !== claim) return;
    this.#records.delete(id);
  }

  #id(scope: string, key: string): string {
    if (key === '') throw new ServiceError('VALIDATION', 'an idempotency key must be non-empty');
    keyPart(scope, 'idempotency scope');
    return JSON.stringify([scope, key]);
  }

  #nowSeconds(): number {
    return Math.floor(this.#clock.now().getTime() / 1000);
  }
}
