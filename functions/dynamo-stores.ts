import { DynamoAchievementStore } from '#shared/adapters/dynamodb/achievement-store.ts';
import { DynamoBatchJobStore } from '#shared/adapters/dynamodb/batch-job-store.ts';
import { DynamoCandidateSourceStore } from '#shared/adapters/dynamodb/candidate-source-store.ts';
import { DynamoConsentStore } from '#shared/adapters/dynamodb/consent-store.ts';
import { DynamoCredentialStore } from '#shared/adapters/dynamodb/credential-store.ts';
import type { DynamoDocuments } from '#shared/adapters/dynamodb/documents.ts';
import { DynamoEmployerListStore } from '#shared/adapters/dynamodb/employer-list-store.ts';
import { DynamoIdempotencyStore } from '#shared/adapters/dynamodb/idempotency-store.ts';
import { DynamoImportStore } from '#shared/adapters/dynamodb/import-store.ts';
import { DynamoIssuerStore } from '#shared/adapters/dynamodb/issuer-store.ts';
import { DynamoPathwayJobStore } from '#shared/adapters/dynamodb/pathway-job-store.ts';
import { DynamoPathwayStore } from '#shared/adapters/dynamodb/pathway-store.ts';
import { DynamoSearchAuditStore } from '#shared/adapters/dynamodb/search-audit-store.ts';
import { DynamoSearchSettingsStore } from '#shared/adapters/dynamodb/search-settings-store.ts';
import { DynamoStatusListStore } from '#shared/adapters/dynamodb/status-list-store.ts';
import type { Clock } from '#shared/core/clock.ts';
import type { ServiceContext } from '#shared/domain/ports/service-context.ts';

/**
 * The DynamoDB stores of the service context, one builder each. Each is its own export so a
 * Lambda function that names only the stores its routes use (functions/lambda/api-stores.ts)
 * bundles only those: esbuild drops the builders, and the store classes, nobody names.
 */

/** The repositories of the service context, each a store over the one table. */
export type StoreName = Exclude<
  keyof ServiceContext,
  'baseUrl' | 'clock' | 'vault' | 'searchIndex' | 'images'
>;

/** What every store is built over. */
export interface StoreTable {
  /** Reports an unreachable table as UNAVAILABLE (functions/service-context.ts wraps it). */
  readonly documents: DynamoDocuments;
  readonly tableName: string;
  readonly clock: Clock;
  readonly statusListSize?: number;
}

/** Builds one store of the context. */
export type StoreBuilder<Name extends StoreName> = (table: StoreTable) => ServiceContext[Name];

/** Some of the stores, by the context's name for each. */
export type StoreBuilders = { readonly [Name in StoreName]?: StoreBuilder<Name> };

const plain = ({ documents, tableName }: StoreTable) => ({ documents, tableName });
const clocked = ({ documents, tableName, clock }: StoreTable) => ({ documents, tableName, clock });

export const issuerStore: StoreBuilder<'issuers'> = (table) => new DynamoIssuerStore(plain(table));
export const achievementStore: StoreBuilder<'achievements'> = (table) =>
  new DynamoAchievementStore(plain(table));
export const credentialStore: StoreBuilder<'credentials'> = (table) =>
  new DynamoCredentialStore(plain(table));
export const statusListStore: StoreBuilder<'statusLists'> = (table) =>
  new DynamoStatusListStore({
    ...plain(table),
    ...(table.statusListSize ? { listSize: table.statusListSize } : {}),
  });
export const idempotencyStore: StoreBuilder<'idempotency'> = (table) =>
  new DynamoIdempotencyStore(clocked(table));
export const batchJobStore: StoreBuilder<'batchJobs'> = (table) =>
  new DynamoBatchJobStore(clocked(table));
export const pathwayStore: StoreBuilder<'pathways'> = (table) =>
  new DynamoPathwayStore(plain(table));
export const pathwayJobStore: StoreBuilder<'pathwayJobs'> = (table) =>
  new DynamoPathwayJobStore(clocked(table));
export const importStore: StoreBuilder<'imports'> = (table) => new DynamoImportStore(plain(table));
export const consentStore: StoreBuilder<'consents'> = (table) =>
  new DynamoConsentStore(plain(table));
export const searchAuditStore: StoreBuilder<'searchAudit'> = (table) =>
  new DynamoSearchAuditStore(plain(table));
export const searchSettingsStore: StoreBuilder<'searchSettings'> = (table) =>
  new DynamoSearchSettingsStore(plain(table));
export const employerListStore: StoreBuilder<'employerLists'> = (table) =>
  new DynamoEmployerListStore(plain(table));
export const candidateSourceStore: StoreBuilder<'candidateSources'> = (table) =>
  new DynamoCandidateSourceStore(plain(table));

/** Every store: the context of a runtime that serves everything (the local one, the workers). */
export const ALL_STORES: Required<StoreBuilders> = {
  issuers: issuerStore,
  achievements: achievementStore,
  credentials: credentialStore,
  statusLists: statusListStore,
  idempotency: idempotencyStore,
  batchJobs: batchJobStore,
  pathways: pathwayStore,
  pathwayJobs: pathwayJobStore,
  imports: importStore,
  consents: consentStore,
  searchAudit: searchAuditStore,
  searchSettings: searchSettingsStore,
  employerLists: employerListStore,
  candidateSources: candidateSourceStore,
};
