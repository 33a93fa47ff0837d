import {
  achievementStore,
  batchJobStore,
  candidateSourceStore,
  consentStore,
  credentialStore,
  employerListStore,
  idempotencyStore,
  importStore,
  issuerStore,
  pathwayJobStore,
  pathwayStore,
  type StoreBuilders,
  searchAuditStore,
  searchSettingsStore,
  statusListStore,
} from '../dynamo-stores.ts';

/**
 * The stores each API function (and the scheduled re-verification) builds: those its code
 * names, no more, so its bundle holds no other store. test/infra/api-stores.test.ts checks
 * each list against the code its function bundles; a store left out fails its calls with a
 * 500 naming it.
 */

// Each list is written out in full: esbuild keeps an object built with a spread (a spread may
// run getters), and with it every store the spread names.

export const ISSUER_ADMIN_STORES = {
  issuers: issuerStore,
  achievements: achievementStore,
  credentials: credentialStore,
  statusLists: statusListStore,
  pathways: pathwayStore,
  imports: importStore,
  pathwayJobs: pathwayJobStore,
} satisfies StoreBuilders;

export const ISSUANCE_STORES = {
  issuers: issuerStore,
  achievements: achievementStore,
  credentials: credentialStore,
  statusLists: statusListStore,
  pathways: pathwayStore,
  imports: importStore,
  batchJobs: batchJobStore,
  idempotency: idempotencyStore,
} satisfies StoreBuilders;

export const VERIFICATION_STORES = {
  issuers: issuerStore,
  achievements: achievementStore,
  credentials: credentialStore,
  statusLists: statusListStore,
  pathways: pathwayStore,
  imports: importStore,
} satisfies StoreBuilders;

export const PUBLIC_READ_STORES = {
  issuers: issuerStore,
  achievements: achievementStore,
  credentials: credentialStore,
  statusLists: statusListStore,
  pathways: pathwayStore,
  imports: importStore,
  pathwayJobs: pathwayJobStore,
} satisfies StoreBuilders;

export const LEARNER_STORES = {
  issuers: issuerStore,
  achievements: achievementStore,
  credentials: credentialStore,
  statusLists: statusListStore,
  pathways: pathwayStore,
  pathwayJobs: pathwayJobStore,
} satisfies StoreBuilders;

/** The system function serves the OpenAPI document, its page and /health: no store. */
export const SYSTEM_STORES = {} satisfies StoreBuilders;

export const SEARCH_STORES = {
  issuers: issuerStore,
  credentials: credentialStore,
  statusLists: statusListStore,
  imports: importStore,
  consents: consentStore,
  searchSettings: searchSettingsStore,
  candidateSources: candidateSourceStore,
  searchAudit: searchAuditStore,
  employerLists: employerListStore,
} satisfies StoreBuilders;

/**
 * The scheduled re-verification (functions/lambda/reverify.ts): the imports it re-verifies and
 * what the service's verifier reads for its own credentials.
 */
export const REVERIFY_STORES = {
  issuers: issuerStore,
  credentials: credentialStore,
  statusLists: statusListStore,
  imports: importStore,
} satisfies StoreBuilders;
