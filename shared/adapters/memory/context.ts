import type { Clock } from '#shared/core/clock.ts';
import type { KeyVault } from '#shared/domain/ports/repositories.ts';
import type { SearchIndex } from '#shared/domain/ports/search-index.ts';
import type { ServiceContext } from '#shared/domain/ports/service-context.ts';
import { EmbeddedSearchIndex } from '#shared/search/embedded/embedded-search-index.ts';
import { MemoryEmployerListStore } from './employer-list-store.ts';
import { MemoryImageStore } from './image-store.ts';
import {
  MemoryAchievementStore,
  MemoryCredentialStore,
  MemoryIdempotencyStore,
  MemoryIssuerStore,
  MemoryStatusListStore,
} from './issuance-stores.ts';
import { MemoryBatchJobStore, MemoryPathwayJobStore, MemoryPathwayStore } from './job-stores.ts';
import {
  MemoryCandidateSourceStore,
  MemoryConsentStore,
  MemoryImportStore,
  MemorySearchAuditStore,
  MemorySearchSettingsStore,
} from './learner-stores.ts';

/** A ServiceContext on the in-memory stores, with the concrete stores for tests to look into. */
export interface MemoryServiceContext extends ServiceContext {
  readonly statusLists: MemoryStatusListStore;
  readonly pathwayJobs: MemoryPathwayJobStore;
}

/**
 * The service on process memory: every repository in memory with the DynamoDB stores'
 * semantics (held to the same contract suites, test/contract/), the given key vault and
 * clock, and the embedded search engine. For tests of use cases without a JVM or a network;
 * like any adapter it is wired only by composition roots and tests, never by a use case.
 *
 * @example
 * const ctx = memoryServiceContext({ vault, baseUrl: 'https://issuer.example', clock: fixedClock('2026-01-01T00:00:00Z') });
 */
export function memoryServiceContext(options: {
  readonly vault: KeyVault;
  readonly baseUrl: string;
  readonly clock: Clock;
  readonly statusListSize?: number;
  readonly pageSize?: number;
  readonly searchIndex?: SearchIndex;
}): MemoryServiceContext {
  const paging = options.pageSize === undefined ? {} : { pageSize: options.pageSize };
  const statusLists = new MemoryStatusListStore(
    options.statusListSize === undefined ? {} : { listSize: options.statusListSize },
  );
  const consents = new MemoryConsentStore(paging);
  const imports = new MemoryImportStore(paging);
  return {
    baseUrl: options.baseUrl.replace(/\/$/, ''),
    clock: options.clock,
    issuers: new MemoryIssuerStore(paging),
    achievements: new MemoryAchievementStore(paging),
    credentials: new MemoryCredentialStore(statusLists, paging),
    statusLists,
    idempotency: new MemoryIdempotencyStore({ clock: options.clock }),
    batchJobs: new MemoryBatchJobStore({ clock: options.clock }),
    pathways: new MemoryPathwayStore(),
    pathwayJobs: new MemoryPathwayJobStore({ clock: options.clock }),
    vault: options.vault,
    imports,
    consents,
    searchAudit: new MemorySearchAuditStore(paging),
    searchSettings: new MemorySearchSettingsStore(),
    employerLists: new MemoryEmployerListStore(paging),
    candidateSources: new MemoryCandidateSourceStore({ consents, imports }),
    searchIndex: options.searchIndex ?? new EmbeddedSearchIndex(),
    images: new MemoryImageStore(),
  };
}
