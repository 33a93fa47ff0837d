import { DynamoAchievementStore } from '#shared/adapters/dynamodb/achievement-store.ts';
import { DynamoBatchJobStore } from '#shared/adapters/dynamodb/batch-job-store.ts';
import { DynamoCandidateSourceStore } from '#shared/adapters/dynamodb/candidate-source-store.ts';
import { DynamoConsentStore } from '#shared/adapters/dynamodb/consent-store.ts';
import { DynamoCredentialStore } from '#shared/adapters/dynamodb/credential-store.ts';
import { DynamoEmployerListStore } from '#shared/adapters/dynamodb/employer-list-store.ts';
import { DynamoIdempotencyStore } from '#shared/adapters/dynamodb/idempotency-store.ts';
import { DynamoImportStore } from '#shared/adapters/dynamodb/import-store.ts';
import { DynamoIssuerStore } from '#shared/adapters/dynamodb/issuer-store.ts';
import { DynamoPathwayJobStore } from '#shared/adapters/dynamodb/pathway-job-store.ts';
import { DynamoPathwayStore } from '#shared/adapters/dynamodb/pathway-store.ts';
import { DynamoSearchAuditStore } from '#shared/adapters/dynamodb/search-audit-store.ts';
import { DynamoSearchSettingsStore } from '#shared/adapters/dynamodb/search-settings-store.ts';
import { DynamoStatusListStore } from '#shared/adapters/dynamodb/status-list-store.ts';
import type { StoreTable } from '#test/contract/store-fixture.ts';
import type { TestTable } from './dynamodb.ts';

/**
 * A fresh DynamoDB Local table as a contract suite's table: every call opens a new store on
 * it, as another process would.
 */
export async function dynamoStoreTable(db: TestTable): Promise<StoreTable> {
  const tableName = await db.newTable();
  const table = { documents: db.documents, tableName };
  return {
    issuers: (options = {}) => new DynamoIssuerStore({ ...table, ...options }),
    achievements: (options = {}) => new DynamoAchievementStore({ ...table, ...options }),
    credentials: (options = {}) => new DynamoCredentialStore({ ...table, ...options }),
    statusLists: (options = {}) => new DynamoStatusListStore({ ...table, ...options }),
    idempotency: (clock) => new DynamoIdempotencyStore({ ...table, clock }),
    batchJobs: (clock) => new DynamoBatchJobStore({ ...table, clock }),
    pathways: () => new DynamoPathwayStore(table),
    pathwayJobs: (clock) => new DynamoPathwayJobStore({ ...table, clock }),
    imports: (options = {}) => new DynamoImportStore({ ...table, ...options }),
    consents: (options = {}) => new DynamoConsentStore({ ...table, ...options }),
    searchAudit: (options = {}) => new DynamoSearchAuditStore({ ...table, ...options }),
    searchSettings: () => new DynamoSearchSettingsStore(table),
    employerLists: (options = {}) => new DynamoEmployerListStore({ ...table, ...options }),
    candidateSources: () => new DynamoCandidateSourceStore(table),
  };
}
