import { ServiceError } from '#shared/domain/errors.ts';
import type {
  CandidateSourceRepository,
  ConsentRepository,
  ImportRepository,
  Page,
  SearchAuditRepository,
  SearchSettingsRepository,
} from '#shared/domain/ports/repositories.ts';
import type {
  CandidateSources,
  ConsentRecord,
  ImportRecord,
  IssuedBadgeRecord,
  KnownSkill,
  SearchAuditRecord,
  SeenRecord,
  TenantSearchSettings,
} from '#shared/domain/records/search-records.ts';
import type { MemoryStoreOptions } from './issuance-stores.ts';
import { conflict, keyPart, MEMORY_PAGE_SIZE, pageOf, stored } from './table.ts';

/**
 * What the service keeps per learner and per tenant for imports and employer search, in
 * process memory with the semantics of the DynamoDB stores.
 */

/** Consents read at once, as the DynamoDB store's BatchGetItem limit. */
const MAX_BATCH_GET = 100;

function tenantPart(tenantId: string): string {
  if (tenantId === '' || tenantId.includes('#'))
    throw new ServiceError('VALIDATION', 'a tenant id must be non-empty and must not contain "#"');
  return tenantId;
}

function order(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export class MemoryImportStore implements ImportRepository {
  /** learner id → import id → record. */
  readonly #imports = new Map<string, Map<string, ImportRecord>>();
  readonly #pageSize: number;

  constructor(options: MemoryStoreOptions = {}) {
    this.#pageSize = options.pageSize ?? MEMORY_PAGE_SIZE;
  }

  async create(record: ImportRecord): Promise<void> {
    const ofLearner = this.#ofLearner(record.learnerId, record.id);
    if (ofLearner.has(record.id)) {
      throw conflict(`learner ${record.learnerId} already imported ${record.credentialId}`);
    }
    ofLearner.set(record.id, stored(record));
  }

  async get(learnerId: string, importId: string): Promise<ImportRecord | undefined> {
    return stored(this.#ofLearner(learnerId, importId).get(importId));
  }

  /** The learner's imports in import id order. */
  async list(learnerId: string, cursor?: string): Promise<Page<ImportRecord>> {
    keyPart(learnerId, 'learner id');
    const entries = [...(this.#imports.get(learnerId) ?? new Map<string, ImportRecord>())];
    return pageOf(`LEARNER#${learnerId}/IMPORT`, entries, cursor, this.#pageSize, false);
  }

  async saveVerification(record: ImportRecord, previous: number): Promise<void> {
    const ofLearner = this.#ofLearner(record.learnerId, record.id);
    const current = ofLearner.get(record.id);
    if (current === undefined) throw new ServiceError('NOT_FOUND', `no import ${record.id}`);
    if (current.revision !== previous) {
      throw conflict(`import ${record.id} was re-verified meanwhile`);
    }
    ofLearner.set(record.id, stored(record));
  }

  async delete(learnerId: string, importId: string): Promise<void> {
    if (!this.#ofLearner(learnerId, importId).delete(importId)) {
      throw new ServiceError('NOT_FOUND', `no import ${importId}`);
    }
  }

  /** At most `limit` imports verified before `before`, oldest first. */
  async listDue(before: string, limit: number): Promise<readonly ImportRecord[]> {
    return [...this.#imports.values()]
      .flatMap((ofLearner) => [...ofLearner.values()])
      .map((record) => [`${record.verifiedAt}#${record.learnerId}#${record.id}`, record] as const)
      .filter(([key]) => key < before)
      .sort(([a], [b]) => order(a, b))
      .slice(0, Math.max(0, limit))
      .map(([, record]) => stored(record));
  }

  /** The learner's imports, for the candidate sources (one consistent read). */
  ofLearner(learnerId: string): readonly ImportRecord[] {
    return [...(this.#imports.get(learnerId)?.values() ?? [])].map((record) => stored(record));
  }

  #ofLearner(learnerId: string, importId: string): Map<string, ImportRecord> {
    keyPart(learnerId, 'learner id');
    // An id that could not be a key names no import, as on DynamoDB.
    if (importId === '' || importId.includes('#')) {
      throw new ServiceError('NOT_FOUND', `no import ${importId}`);
    }
    let ofLearner = this.#imports.get(learnerId);
    if (ofLearner === undefined) {
      ofLearner = new Map();
      this.#imports.set(learnerId, ofLearner);
    }
    return ofLearner;
  }
}

export class MemoryConsentStore implements ConsentRepository {
  /** `<tenantId>#<learnerId>` → record: the candidates listing's order. */
  readonly #consents = new Map<string, ConsentRecord>();
  readonly #pageSize: number;

  constructor(options: MemoryStoreOptions = {}) {
    this.#pageSize = options.pageSize ?? MEMORY_PAGE_SIZE;
  }

  async get(learnerId: string, tenantId: string): Promise<ConsentRecord | undefined> {
    return stored(this.#consents.get(this.#id(learnerId, tenantId)));
  }

  async getMany(
    tenantId: string,
    learnerIds: readonly string[],
  ): Promise<readonly ConsentRecord[]> {
    const unique = [...new Set(learnerIds)];
    if (unique.length > MAX_BATCH_GET) {
      throw new ServiceError('VALIDATION', `at most ${MAX_BATCH_GET} consents are read at once`);
    }
    return unique.flatMap((learnerId) => {
      const found = this.#consents.get(this.#id(learnerId, tenantId));
      return found === undefined ? [] : [stored(found)];
    });
  }

  /** Every consent of the learner, in tenant id order. */
  async list(learnerId: string): Promise<readonly ConsentRecord[]> {
    keyPart(learnerId, 'learner id');
    return [...this.#consents.values()]
      .filter((record) => record.learnerId === learnerId)
      .sort((a, b) => order(a.tenantId, b.tenantId))
      .map((record) => stored(record));
  }

  async put(record: ConsentRecord): Promise<void> {
    this.#consents.set(this.#id(record.learnerId, record.tenantId), stored(record));
  }

  /** Learners with a consent record, by tenant then learner id. */
  async listCandidates(
    tenantId: string | undefined,
    cursor?: string,
  ): Promise<Page<{ readonly tenantId: string; readonly learnerId: string }>> {
    if (tenantId !== undefined) tenantPart(tenantId);
    const entries = [...this.#consents]
      .filter(([, record]) => tenantId === undefined || record.tenantId === tenantId)
      .map(
        ([key, record]) =>
          [key, { tenantId: record.tenantId, learnerId: record.learnerId }] as const,
      );
    // One listing for every tenant filter, as on DynamoDB (one GSI partition).
    return pageOf('CANDIDATES', entries, cursor, this.#pageSize, false);
  }

  #id(learnerId: string, tenantId: string): string {
    keyPart(learnerId, 'learner id');
    return `${tenantPart(tenantId)}#${learnerId}`;
  }
}

export class MemorySearchAuditStore implements SearchAuditRepository {
  readonly #searches: SearchAuditRecord[] = [];
  readonly #seen: SeenRecord[] = [];
  readonly #pageSize: number;

  constructor(options: MemoryStoreOptions = {}) {
    this.#pageSize = options.pageSize ?? MEMORY_PAGE_SIZE;
  }

  async record(search: SearchAuditRecord, seen: readonly SeenRecord[]): Promise<void> {
    keyPart(search.tenantId, 'tenant id');
    keyPart(search.employerId, 'employer id');
    for (const event of seen) keyPart(event.learnerId, 'learner id');
    this.#searches.push(stored(search));
    this.#seen.push(...seen.map((event) => stored(event)));
  }

  async listSeen(learnerId: string, cursor?: string): Promise<Page<SeenRecord>> {
    keyPart(learnerId, 'learner id');
    const entries = this.#seen
      .filter((event) => event.learnerId === learnerId)
      .map((event) => [`${event.at}#${event.id}`, event] as const);
    return pageOf(`SEEN#${learnerId}`, entries, cursor, this.#pageSize, true);
  }

  async listSearches(
    tenantId: string,
    employerId: string,
    cursor?: string,
  ): Promise<Page<SearchAuditRecord>> {
    keyPart(tenantId, 'tenant id');
    keyPart(employerId, 'employer id');
    const entries = this.#searches
      .filter((search) => search.tenantId === tenantId && search.employerId === employerId)
      .map((search) => [`${search.at}#${search.id}`, search] as const);
    return pageOf(`EMPLOYER#${tenantId}#${employerId}`, entries, cursor, this.#pageSize, true);
  }
}

export class MemorySearchSettingsStore implements SearchSettingsRepository {
  readonly #settings = new Map<string, TenantSearchSettings>();
  readonly #skills = new Map<string, Map<string, KnownSkill>>();

  async get(tenantId: string): Promise<TenantSearchSettings | undefined> {
    return stored(this.#settings.get(tenantPart(tenantId)));
  }

  async put(settings: TenantSearchSettings): Promise<void> {
    this.#settings.set(tenantPart(settings.tenantId), stored(settings));
  }

  async recordSkills(tenantId: string, skills: readonly KnownSkill[]): Promise<void> {
    const known = this.#skills.get(tenantPart(tenantId)) ?? new Map<string, KnownSkill>();
    for (const skill of skills) known.set(skill.key, stored(skill));
    this.#skills.set(tenantId, known);
  }

  async knownSkills(tenantId: string, keys: readonly string[]): Promise<readonly KnownSkill[]> {
    const known = this.#skills.get(tenantPart(tenantId));
    return [...new Set(keys)].flatMap((key) => {
      const skill = known?.get(key);
      if (skill === undefined) return [];
      return [skill.name === undefined ? { key } : { key, name: skill.name }];
    });
  }
}

export class MemoryCandidateSourceStore implements CandidateSourceRepository {
  readonly #versions = new Map<string, number>();
  readonly #issued = new Map<string, Map<string, IssuedBadgeRecord>>();
  readonly #consents: MemoryConsentStore;
  readonly #imports: MemoryImportStore;

  /** Reads the consents and imports where they are kept, as one partition query does on DynamoDB. */
  constructor(sources: {
    readonly consents: MemoryConsentStore;
    readonly imports: MemoryImportStore;
  }) {
    this.#consents = sources.consents;
    this.#imports = sources.imports;
  }

  async nextVersion(learnerId: string): Promise<number> {
    keyPart(learnerId, 'learner id');
    const next = (this.#versions.get(learnerId) ?? 0) + 1;
    this.#versions.set(learnerId, next);
    return next;
  }

  async putIssued(record: IssuedBadgeRecord): Promise<boolean> {
    keyPart(record.learnerId, 'learner id');
    const ofLearner = this.#issued.get(record.learnerId) ?? new Map<string, IssuedBadgeRecord>();
    const held = ofLearner.get(record.credential.id);
    // A copy from a later (or the same) stream record stands.
    if (held !== undefined && !(held.sequence < record.sequence)) return false;
    ofLearner.set(record.credential.id, stored(record));
    this.#issued.set(record.learnerId, ofLearner);
    return true;
  }

  async load(learnerId: string): Promise<CandidateSources> {
    const consents = await this.#consents.list(learnerId);
    const imports = this.#imports.ofLearner(learnerId);
    const issued = [...(this.#issued.get(learnerId) ?? new Map<string, IssuedBadgeRecord>())]
      .sort(([a], [b]) => order(a, b))
      .map(([, record]) => stored(record));
    return { consents, imports, issued };
  }
}
