import { MemoryEmployerListStore } from '#shared/adapters/memory/employer-list-store.ts';
import {
  MemoryAchievementStore,
  MemoryCredentialStore,
  MemoryIdempotencyStore,
  MemoryIssuerStore,
  MemoryStatusListStore,
} from '#shared/adapters/memory/issuance-stores.ts';
import {
  MemoryBatchJobStore,
  MemoryPathwayJobStore,
  MemoryPathwayStore,
} from '#shared/adapters/memory/job-stores.ts';
import {
  MemoryCandidateSourceStore,
  MemoryConsentStore,
  MemoryImportStore,
  MemorySearchAuditStore,
  MemorySearchSettingsStore,
} from '#shared/adapters/memory/learner-stores.ts';
import type { Clock } from '#shared/core/clock.ts';
import type { IdempotencyRepository } from '#shared/domain/ports/repositories.ts';
import type { StoreTable } from '#test/contract/store-fixture.ts';

/**
 * The memory adapters as a contract suite's table: one store of each kind, and for idempotency
 * a view per clock onto the one store, so a suite can look at the same records at two times.
 */
export async function newMemoryStoreTable(): Promise<StoreTable> {
  // One store of each kind per table, opened with the options of its first call (the suites
  // open each kind once per table, or again with the same options).
  let lists: MemoryStatusListStore | undefined;
  let issuers: MemoryIssuerStore | undefined;
  let achievements: MemoryAchievementStore | undefined;
  let credentials: MemoryCredentialStore | undefined;
  const statusLists = (options: { readonly listSize?: number } = {}) => {
    lists ??= new MemoryStatusListStore(options);
    return lists;
  };
  let batchJobs: MemoryBatchJobStore | undefined;
  let pathways: MemoryPathwayStore | undefined;
  let pathwayJobs: MemoryPathwayJobStore | undefined;
  let imports: MemoryImportStore | undefined;
  let consents: MemoryConsentStore | undefined;
  let searchAudit: MemorySearchAuditStore | undefined;
  let searchSettings: MemorySearchSettingsStore | undefined;
  let candidateSources: MemoryCandidateSourceStore | undefined;
  let employerLists: MemoryEmployerListStore | undefined;
  const importStore = (options: { readonly pageSize?: number } = {}) => {
    imports ??= new MemoryImportStore(options);
    return imports;
  };
  const consentStore = (options: { readonly pageSize?: number } = {}) => {
    consents ??= new MemoryConsentStore(options);
    return consents;
  };
  let now: Clock | undefined;
  const idempotency = new MemoryIdempotencyStore({
    clock: { now: () => (now as Clock).now() },
  });
  return {
    issuers: (options = {}) => {
      issuers ??= new MemoryIssuerStore(options);
      return issuers;
    },
    achievements: (options = {}) => {
      achievements ??= new MemoryAchievementStore(options);
      return achievements;
    },
    credentials: (options = {}) => {
      credentials ??= new MemoryCredentialStore(statusLists(), options);
      return credentials;
    },
    statusLists,
    batchJobs: (clock) => {
      batchJobs ??= new MemoryBatchJobStore({ clock });
      return batchJobs;
    },
    pathways: () => {
      pathways ??= new MemoryPathwayStore();
      return pathways;
    },
    pathwayJobs: (clock) => {
      pathwayJobs ??= new MemoryPathwayJobStore({ clock });
      return pathwayJobs;
    },
    imports: importStore,
    consents: consentStore,
    searchAudit: (options = {}) => {
      searchAudit ??= new MemorySearchAuditStore(options);
      return searchAudit;
    },
    searchSettings: () => {
      searchSettings ??= new MemorySearchSettingsStore();
      return searchSettings;
    },
    employerLists: (options = {}) => {
      employerLists ??= new MemoryEmployerListStore(options);
      return employerLists;
    },
    candidateSources: () => {
      candidateSources ??= new MemoryCandidateSourceStore({
        consents: consentStore(),
        imports: importStore(),
      });
      return candidateSources;
    },
    idempotency: (clock) =>
      atTime(idempotency, clock, (at) => {
        now = at;
      }),
  };
}

/** A view of the one idempotency store whose every call runs at `clock`'s time. */
function atTime(
  store: IdempotencyRepository,
  clock: Clock,
  setClock: (clock: Clock) => void,
): IdempotencyRepository {
  // Each call reads the clock before it yields, so setting it first is enough.
  return {
    begin: (...args) => {
      setClock(clock);
      return store.begin(...args);
    },
    complete: (...args) => {
      setClock(clock);
      return store.complete(...args);
    },
    release: (...args) => {
      setClock(clock);
      return store.release(...args);
    },
  };
}
