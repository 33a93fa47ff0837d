import type { RouteGroup } from '#functions/api/app.ts';
import type { StageName } from './stages.ts';

/**
 * Every Lambda function of the service, as data: its entry, what invokes it, what it may touch
 * and how big its bundle may grow. The stack turns each entry into a function, its trigger
 * and its grants; the bundle-budget test and the cold-start benchmark read the same entries.
 * Adding a function is one entry here. Nothing in this file imports the CDK.
 */

/** Table items a function may read or write; `describe` only reads the table's status. */
export type TableAccess = 'none' | 'read' | 'read-write' | 'describe';

/** KMS: create issuer keys (onboarding, rotation), sign with them, or nothing. */
export type KeyAccess = 'none' | 'manage' | 'sign';

/** OpenSearch: query, write documents, or manage the index (mapping, role mapping). */
export type SearchAccess = 'none' | 'read' | 'write' | 'admin';

/** The uploaded badge images' bucket: serve them, or also store new ones. */
export type ImageAccess = 'none' | 'read' | 'read-write';

export type StreamEventName = 'INSERT' | 'MODIFY' | 'REMOVE';

/** A DynamoDB stream filter on the item's keys (event source mapping filter criteria). */
export interface StreamFilter {
  readonly events: readonly StreamEventName[];
  readonly pk: { readonly prefix: string };
  readonly sk?: { readonly equals: string } | { readonly prefix: string };
}

export type Trigger =
  /** API Gateway routes: the operations of one route group (functions/api/app.ts). */
  | { readonly kind: 'http'; readonly group: RouteGroup; readonly fallback?: boolean }
  /** The table's stream, only records matching one of `filters`. */
  | {
      readonly kind: 'table-stream';
      readonly filters: readonly StreamFilter[];
      /** Records per invocation (default 10). */
      readonly batchSize?: number;
    }
  /** An EventBridge schedule: every `everyHours` hours. */
  | { readonly kind: 'schedule'; readonly everyHours: number }
  /** A CloudFormation custom resource (CDK Provider framework `onEvent`) run on deploy. */
  | { readonly kind: 'deploy' };

export interface FunctionAccess {
  readonly table: TableAccess;
  readonly keys: KeyAccess;
  readonly search?: SearchAccess;
  readonly images?: ImageAccess;
  /** Reaches the internet (other issuers' keys and status lists). */
  readonly internet?: boolean;
}

export interface FunctionSpec {
  /** The composition root, relative to the repository. */
  readonly entry: string;
  readonly description: string;
  readonly trigger: Trigger;
  readonly access: FunctionAccess;
  readonly memoryMb?: number;
  readonly timeoutSeconds?: number;
  /**
   * Concurrent executions set aside for this function, per stage, and also its ceiling: a
   * public function anyone can flood with costly requests is held to its own share, so the
   * account's other functions (issuance above all) keep theirs.
   */
  readonly reservedConcurrency?: Readonly<Record<StageName, number>>;
  /**
   * Largest minified bundle allowed, in KiB, every module shipped: the entry and all its
   * chunks (source maps are not counted).
   */
  readonly budgetKb: number;
  /**
   * Largest part of it allowed to load at start, in KiB: the entry module and the chunks it
   * imports statically (infra/bundling/lambda-build.ts); the rest loads on first need.
   */
  readonly startBudgetKb: number;
  /** Why a budget exceeds {@link TARGET_BUDGET_KB}, when one does. */
  readonly budgetReason?: string;
  /**
   * Bundle the lean Open Badges validator as Ajv standalone code emitted at build time
   * (infra/bundling/ob3-standalone.ts): for functions whose usual request verifies or issues a
   * credential, which would otherwise compile the schema on their first one (100+ ms). Elsewhere
   * it would be ~70 KB parsed at every start for a validator the function seldom runs.
   */
  readonly precompiledOb3Check?: boolean;
}

/** What every function should fit in: it loads and starts fast. */
export const TARGET_BUDGET_KB = 300;

// What the API functions share: jose and middy, and Ajv's run-time helpers with the format
// checks (~8 KB) that the validators generated at bundle time need: the request validators of
// the function's route group and the pathway rule validator are Ajv standalone code
// (infra/bundling/standalone-validators.ts, compacted by standalone-compact.ts; the rule
// validator loads on a function's first pathway save, reading stored rules needs only the
// hand check of pathways/rule-shape.ts), and Ajv's compiler (~145 KB with its formats and
// URI parser) is a chunk loaded on first need (a credential that fails the lean Open Badges
// check, an endorsement, a function without the precompiled validator). The table is reached
// through the SDK-free DynamoDB client (shared/adapters/dynamodb/lite/, ~10 KB with its item
// converter), not the SDK's (~180 KB with its core). In the functions that verify or issue
// credentials the Open Badges schema's lean plain validator comes as Ajv standalone code
// emitted at bundle time (~72 KB compacted, loaded at start: compiling it cost the first verification
// 100+ ms; docs/deploy.md). Parts a first request rarely needs are chunks loaded on first need:
// Ajv's compiler, the KMS and S3 clients with the SDK core they bring, jsonld with RDF
// canonicalization and the JSON-LD contexts (Data Integrity proofs, the term check), the HTML
// pages and the badge images the public routes draw (functions/api/public-presentation.ts). The
// verification function bundles only the VC-API verify route of the credential routes, not
// issuance and batch awards (functions/api/verify-routes.ts). Budgets leave about 5 % of
// headroom over the measured sizes, at start and in all.
const API_BASE =
  "request validators generated at bundle time (the pathway rule validator ~50 KB, loaded on the first pathway save where carried) and Ajv's compiler (~145 KB, loaded on first need); the structured logger and EMF metrics (~5 KB)";
// The S3 client with its XML protocol, checksums, S3 signing and the SDK core it brings:
// about 275 KB, a chunk loaded on the first image upload or read.
const S3_CLIENT =
  'the S3 client of the uploaded badge images with the SDK core (~275 KB, loaded on first need)';
// What every function that issues credentials carries besides the table client.
const ISSUING =
  "credential building with its Ajv schema check (where `precompiledOb3Check` says so, the Open Badges lean validator as standalone code, ~72 KB), and, loaded on first need, Ajv's compiler (~145 KB), the KMS client with the SDK core (~160 KB) and jsonld with the JSON-LD contexts that Data Integrity proofs are signed over; the structured logger and EMF metrics (~5 KB), with Powertools' batch processor in stream consumers (~10 KB)";

/** Every change to an item: what a consumer that mirrors items must see. */
const ALL_CHANGES = ['INSERT', 'MODIFY', 'REMOVE'] as const satisfies readonly StreamEventName[];
/** Every change to an issued credential (the pathway awards and the candidate index follow it). */
const CREDENTIAL_CHANGES = {
  events: ALL_CHANGES,
  pk: { prefix: 'CRED#' },
  sk: { equals: 'CRED' },
} as const satisfies StreamFilter;

/** The service's functions by name (the name is also the function's construct id). */
export const FUNCTIONS = {
  'api-issuer-admin': {
    entry: 'functions/lambda/api-issuer-admin.ts',
    description: 'Issuer onboarding, key rotation, achievements and pathways',
    trigger: { kind: 'http', group: 'issuer-admin' },
    access: { table: 'read-write', keys: 'manage', images: 'read-write' },
    budgetKb: 950,
    startBudgetKb: 280,
    budgetReason: `${API_BASE}; the KMS client (loaded on first need); ${S3_CLIENT}; credential and pathway rule validation`,
  },
  'api-issuance': {
    entry: 'functions/lambda/api-issuance.ts',
    description: 'Issuance, status changes and lists, batch awards, signed CLR',
    trigger: { kind: 'http', group: 'issuance' },
    access: { table: 'read-write', keys: 'sign' },
    timeoutSeconds: 29,
    precompiledOb3Check: true,
    budgetKb: 940,
    startBudgetKb: 300,
    budgetReason: `${API_BASE}; the Open Badges lean validator as standalone code (~72 KB); loaded on first need: the KMS client, jsonld, RDF canonicalization and the JSON-LD contexts (~200 KB) that Data Integrity proofs are signed over`,
  },
  'api-verification': {
    entry: 'functions/lambda/api-verification.ts',
    description: 'Credential verification (VC-API) and verification pages',
    trigger: { kind: 'http', group: 'verification' },
    access: { table: 'read', keys: 'none', internet: true },
    timeoutSeconds: 29,
    // Anyone may call it, and a verification may cost up to its time budget of CPU: a flood
    // of worst-case inputs occupies at most these executions, never the issuers' share.
    reservedConcurrency: { dev: 10, prod: 50 },
    precompiledOb3Check: true,
    budgetKb: 720,
    startBudgetKb: 280,
    budgetReason: `${API_BASE}; the whole verifier: the Open Badges schema with its lean validator as standalone code (~72 KB), and, loaded on the first verification, jsonld, RDF canonicalization and the JSON-LD contexts (~200 KB), with the caches that make repeat verifications cheap (shared context copies, term facts)`,
  },
  'api-public-read': {
    entry: 'functions/lambda/api-public-read.ts',
    description: 'Public documents: DIDs, key sets, achievements, credentials, badges, pathways',
    trigger: { kind: 'http', group: 'public-read', fallback: true },
    access: { table: 'read', keys: 'none', images: 'read' },
    budgetKb: 850,
    startBudgetKb: 250,
    budgetReason: `${API_BASE}; ${S3_CLIENT}; badge images and baking; pathway rule validation`,
  },
  'api-learners': {
    entry: 'functions/lambda/api-learners.ts',
    description: "A learner's credentials and pathway progress",
    trigger: { kind: 'http', group: 'learners' },
    access: { table: 'read', keys: 'none' },
    budgetKb: 230,
    startBudgetKb: 170,
    budgetReason: `${API_BASE}; the pathway evaluation engine`,
  },
  'api-system': {
    entry: 'functions/lambda/api-system.ts',
    description: 'OpenAPI document, API reference page, health check',
    trigger: { kind: 'http', group: 'system' },
    access: { table: 'describe', keys: 'none' },
    budgetKb: 780,
    startBudgetKb: 90,
    budgetReason:
      'the OpenAPI document is generated from the whole route table, so every route and its use cases are bundled (none can run: the role may only describe the table); the structured logger and EMF metrics (~5 KB)',
  },
  'api-search': {
    entry: 'functions/lambda/api-search.ts',
    description: 'Employer search, consent, search audit and credential imports',
    trigger: { kind: 'http', group: 'search' },
    access: { table: 'read-write', keys: 'none', search: 'read', internet: true },
    timeoutSeconds: 29,
    budgetKb: 710,
    startBudgetKb: 300,
    budgetReason: `${API_BASE}; the OpenSearch client; the whole verifier for imported credentials (the Open Badges schema and its standalone lean validator; jsonld and the JSON-LD contexts loaded on first need)`,
  },
  'batch-jobs': {
    entry: 'functions/lambda/batch-jobs.ts',
    description: 'Runs batch awards queued on the table stream',
    trigger: {
      kind: 'table-stream',
      filters: [{ events: ['INSERT'], pk: { prefix: 'JOB#' }, sk: { equals: 'META' } }],
      batchSize: 1,
    },
    access: { table: 'read-write', keys: 'sign' },
    memoryMb: 1024,
    timeoutSeconds: 900,
    precompiledOb3Check: true,
    budgetKb: 800,
    startBudgetKb: 210,
    budgetReason: `${ISSUING}`,
  },
  'pathway-events': {
    entry: 'functions/lambda/pathway-events.ts',
    description: 'Awards and lapses pathway credentials as credentials change',
    trigger: {
      kind: 'table-stream',
      filters: [CREDENTIAL_CHANGES],
      batchSize: 25,
    },
    access: { table: 'read-write', keys: 'sign' },
    memoryMb: 1024,
    timeoutSeconds: 300,
    precompiledOb3Check: true,
    budgetKb: 850,
    startBudgetKb: 260,
    budgetReason: `${ISSUING}; the pathway evaluation engine`,
  },
  // Retroactive evaluation runs long: its own consumer, one job at a time, so a big job
  // neither blocks credential changes on the shard nor shares their timeout.
  'pathway-jobs': {
    entry: 'functions/lambda/pathway-jobs.ts',
    description: 'Runs the retroactive evaluation of a newly published pathway version',
    trigger: {
      kind: 'table-stream',
      filters: [
        { events: ['INSERT'], pk: { prefix: 'PWJOB#' }, sk: { equals: 'META' } },
        { events: ['INSERT'], pk: { prefix: 'PWJOB#' }, sk: { prefix: 'CHUNK#' } },
      ],
      batchSize: 1,
    },
    access: { table: 'read-write', keys: 'sign' },
    memoryMb: 1024,
    timeoutSeconds: 900,
    precompiledOb3Check: true,
    budgetKb: 850,
    startBudgetKb: 260,
    budgetReason: `${ISSUING}; the pathway evaluation engine`,
  },
  'pathway-sweep': {
    entry: 'functions/lambda/pathway-sweep.ts',
    description: 'Scheduled re-check of pathway awards whose contributing credentials expired',
    trigger: { kind: 'schedule', everyHours: 24 },
    // The sweep only suspends, revokes or reinstates held awards: status bits, no signature.
    access: { table: 'read-write', keys: 'none' },
    memoryMb: 1024,
    timeoutSeconds: 900,
    budgetKb: 760,
    startBudgetKb: 170,
    budgetReason: `${ISSUING} (bundled with the award use cases, never signing here); the pathway evaluation engine`,
  },
  reverify: {
    entry: 'functions/lambda/reverify.ts',
    description: 'Scheduled re-verification of imported credentials',
    // Hourly runs, each taking the imports last verified more than REVERIFY_AFTER_HOURS ago.
    trigger: { kind: 'schedule', everyHours: 1 },
    access: { table: 'read-write', keys: 'none', internet: true },
    memoryMb: 1024,
    timeoutSeconds: 900,
    precompiledOb3Check: true,
    budgetKb: 610,
    startBudgetKb: 220,
    budgetReason:
      "the whole verifier: the Open Badges schema's standalone lean validator; Ajv's compiler, jsonld, RDF canonicalization and the JSON-LD contexts loaded on first need",
  },
  'search-indexer': {
    entry: 'functions/lambda/search-indexer.ts',
    description: 'Keeps the candidate index in step with credentials, consents and imports',
    trigger: {
      kind: 'table-stream',
      filters: [
        CREDENTIAL_CHANGES,
        { events: ALL_CHANGES, pk: { prefix: 'LEARNER#' }, sk: { prefix: 'CONSENT#' } },
        { events: ALL_CHANGES, pk: { prefix: 'LEARNER#' }, sk: { prefix: 'IMPORT#' } },
        { events: ALL_CHANGES, pk: { prefix: 'TENANT#' }, sk: { equals: 'SETTINGS' } },
      ],
      batchSize: 100,
    },
    access: { table: 'read-write', keys: 'none', search: 'write' },
    memoryMb: 1024,
    timeoutSeconds: 120,
    budgetKb: 120,
    startBudgetKb: 120,
    budgetReason:
      'the SDK-free DynamoDB client (~48 KB), the OpenSearch client with its SigV4 signer (~12 KB), the structured logger and EMF metrics (~5 KB) and the Powertools batch processor (~10 KB)',
  },
  'search-setup': {
    entry: 'functions/lambda/search-setup.ts',
    description: 'Deploy-time step: creates the candidate index or re-applies its mapping',
    trigger: { kind: 'deploy' },
    access: { table: 'none', keys: 'none', search: 'admin' },
    timeoutSeconds: 300,
    budgetKb: 100,
    startBudgetKb: 100,
  },
} as const satisfies Readonly<Record<string, FunctionSpec>>;

export type FunctionName = keyof typeof FUNCTIONS;

/**
 * The catalog as a list, typed as specs.
 *
 * @example
 * for (const [name, spec] of functionEntries()) console.log(name, spec.entry);
 */
export function functionEntries(): readonly (readonly [FunctionName, FunctionSpec])[] {
  return Object.entries(FUNCTIONS) as [FunctionName, FunctionSpec][];
}

/** A function's bundle size: what loads at start and everything shipped, in bytes. */
export interface BundleSize {
  readonly startBytes: number;
  readonly totalBytes: number;
}

/**
 * The functions among `sizes` whose bundle outgrows a budget (everything shipped, or what
 * loads at start), each as a sentence naming both sizes; empty when all fit. The CDK build
 * refuses to ship such a bundle (infra/bundling/bundle-command.ts) and the bundle-budget test
 * fails on it.
 *
 * @example
 * bundleBudgetViolations({ 'search-setup': { startBytes: 120 * 1024, totalBytes: 120 * 1024 } });
 * // ['search-setup: 120.0 KB at start > 100 KB', 'search-setup: 120.0 KB in all > 100 KB']
 */
export function bundleBudgetViolations(sizes: Readonly<Record<string, BundleSize>>): string[] {
  const specs: Readonly<Record<string, FunctionSpec>> = FUNCTIONS;
  const over: string[] = [];
  for (const [name, size] of Object.entries(sizes)) {
    const spec = specs[name];
    if (spec === undefined) continue;
    if (size.startBytes > spec.startBudgetKb * 1024)
      over.push(
        `${name}: ${(size.startBytes / 1024).toFixed(1)} KB at start > ${spec.startBudgetKb} KB`,
      );
    if (size.totalBytes > spec.budgetKb * 1024)
      over.push(`${name}: ${(size.totalBytes / 1024).toFixed(1)} KB in all > ${spec.budgetKb} KB`);
  }
  return over;
}
