/**
 * Deployment stages. A stage is chosen with `-c stage=<name>` and decides everything that
 * differs between a throwaway environment and production: what survives `cdk destroy`, how
 * long logs are kept, how big the search cluster is, how tightly the API is throttled. Other
 * context values (an external OIDC issuer, a custom domain, an alarm e-mail) layer on top.
 */

export const STAGE_NAMES = ['dev', 'prod'] as const;
export type StageName = (typeof STAGE_NAMES)[number];

/** How search is hosted: a managed domain in a VPC, or an OpenSearch Serverless collection. */
export type SearchKind = 'domain' | 'serverless';

export interface DomainSize {
  /** Data nodes; 2 or more spread across availability zones. */
  readonly dataNodes: number;
  readonly dataNodeInstanceType: string;
  /** Dedicated master nodes (0 for none, else 3). */
  readonly masterNodes: number;
  readonly masterNodeInstanceType: string;
  /** EBS gp3 volume per data node. */
  readonly volumeGb: number;
}

export interface StageSettings {
  readonly name: StageName;
  /** Stateful resources (table, keys, search, logs) are kept on stack deletion when true. */
  readonly retainData: boolean;
  /** CloudWatch Logs retention, in days (a value CloudWatch accepts). */
  readonly logRetentionDays: number;
  readonly search: { readonly kind: SearchKind; readonly domain: DomainSize };
  /** Steady-state requests per second and burst, for the whole API. */
  readonly throttle: { readonly rateLimit: number; readonly burstLimit: number };
  /** Origins allowed by CORS (`*` in dev; prod lists its front ends via `-c corsOrigins=`). */
  readonly corsOrigins: readonly string[];
  /** NAT gateways of the VPC the search domain lives in (functions there reach the JWKS). */
  readonly natGateways: number;
  /** Cognito: whether sign-in needs a second factor (TOTP). */
  readonly requireMfa: boolean;
  /** Stream consumers: retries of a failing batch before its records go to the DLQ. */
  readonly streamRetries: number;
}

const DEV_DOMAIN: DomainSize = {
  dataNodes: 1,
  dataNodeInstanceType: 't3.small.search',
  masterNodes: 0,
  masterNodeInstanceType: 'm6g.large.search',
  volumeGb: 10,
};

const PROD_DOMAIN: DomainSize = {
  dataNodes: 2,
  dataNodeInstanceType: 'r6g.large.search',
  masterNodes: 3,
  masterNodeInstanceType: 'm6g.large.search',
  volumeGb: 100,
};

/** The settings of each stage. */
export const STAGES: Readonly<Record<StageName, StageSettings>> = {
  dev: {
    name: 'dev',
    retainData: false,
    logRetentionDays: 14,
    search: { kind: 'domain', domain: DEV_DOMAIN },
    throttle: { rateLimit: 50, burstLimit: 100 },
    corsOrigins: ['*'],
    natGateways: 1,
    requireMfa: false,
    streamRetries: 3,
  },
  prod: {
    name: 'prod',
    retainData: true,
    logRetentionDays: 365,
    search: { kind: 'domain', domain: PROD_DOMAIN },
    throttle: { rateLimit: 500, burstLimit: 1000 },
    corsOrigins: [],
    natGateways: 2,
    requireMfa: true,
    streamRetries: 5,
  },
};

/** Context values that adjust a stage (`-c key=value`, or `context` in cdk.json). */
export interface StageContext {
  readonly stage?: unknown;
  readonly search?: unknown;
  readonly corsOrigins?: unknown;
}

function isStageName(value: unknown): value is StageName {
  return typeof value === 'string' && (STAGE_NAMES as readonly string[]).includes(value);
}

/**
 * The stage named by context, with `search` and `corsOrigins` overrides applied; throws naming
 * the accepted values when the stage or the search kind is unknown.
 *
 * @example
 * stageSettings({ stage: 'dev', search: 'serverless' }).search.kind; // 'serverless'
 */
export function stageSettings(context: StageContext): StageSettings {
  const { stage, search, corsOrigins } = context;
  if (!isStageName(stage))
    throw new Error(`-c stage must be one of ${STAGE_NAMES.join(', ')} (got ${String(stage)})`);
  const base = STAGES[stage];
  if (search !== undefined && search !== 'domain' && search !== 'serverless')
    throw new Error(`-c search must be domain or serverless (got ${String(search)})`);
  const origins =
    typeof corsOrigins === 'string' && corsOrigins.trim() !== ''
      ? corsOrigins.split(',').map((origin) => origin.trim())
      : base.corsOrigins;
  return {
    ...base,
    search: { ...base.search, kind: search ?? base.search.kind },
    corsOrigins: origins,
  };
}
