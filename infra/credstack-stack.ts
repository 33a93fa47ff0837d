import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CfnOutput, Lazy, Stack, type StackProps, Tags } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { routesOfGroup } from './api-routes.ts';
import { REPO_ROOT } from './bundling/lambda-build.ts';
import { DataKey } from './constructs/data-key.ts';
import { functionCode } from './constructs/function-code.ts';
import { type ExternalOidc, Identity } from './constructs/identity.ts';
import { ImageBucket } from './constructs/image-bucket.ts';
import { Jobs } from './constructs/jobs.ts';
import { Monitoring } from './constructs/monitoring.ts';
import { Search } from './constructs/search.ts';
import { type CustomDomain, ServiceApi } from './constructs/service-api.ts';
import { ServiceFunction } from './constructs/service-function.ts';
import { ServiceTable } from './constructs/service-table.ts';
import { SigningKeys } from './constructs/signing-keys.ts';
import { StreamConsumers } from './constructs/stream-consumers.ts';
import { WebApp, type WebDomain } from './constructs/web-app.ts';
import { FUNCTIONS, type FunctionSpec } from './function-catalog.ts';
import type { StageSettings } from './stages.ts';

export interface CredstackStackProps extends StackProps {
  readonly stage: StageSettings;
  /** Trust an external OIDC provider instead of creating a Cognito user pool. */
  readonly oidc?: ExternalOidc;
  readonly customDomain?: CustomDomain;
  /** The web app's domain and its us-east-1 certificate (default: the CloudFront domain). */
  readonly webDomain?: WebDomain;
  /** Where the built web app is (default `web/dist`; a placeholder page when absent). */
  readonly webDistDir?: string;
  /** Alarm notifications go to this address (confirm the subscription e-mail). */
  readonly alarmEmail?: string;
  /** The functions to deploy (default: the whole catalog). */
  readonly functions?: Readonly<Record<string, FunctionSpec>>;
}

/** Files whose content decides the search index; a change re-runs the deploy-time setup. */
const INDEX_DEFINITION = ['shared/adapters/opensearch/mapping.ts'];

/**
 * The whole service in one stack: the constructs below each own one concern, and this class
 * only composes them — every function of the catalog gets its code, configuration, grants and
 * trigger, and is watched by the monitoring.
 *
 * @example
 * new CredstackStack(app, 'credstack-dev', { stage: stageSettings({ stage: 'dev' }) });
 */
export class CredstackStack extends Stack {
  readonly table: ServiceTable;
  readonly api: ServiceApi;
  readonly functions: Readonly<Record<string, ServiceFunction>>;
  readonly monitoring: Monitoring;
  readonly web: WebApp;
  readonly images: ImageBucket;

  constructor(scope: Construct, id: string, props: CredstackStackProps) {
    super(scope, id, {
      description: `credstack (${props.stage.name}): Open Badges 3.0 credentials on AWS`,
      ...props,
    });
    const { stage } = props;
    Tags.of(this).add('credstack:stage', stage.name);
    const catalog = props.functions ?? FUNCTIONS;

    const { key: dataKey } = new DataKey(this, 'data-key', { stage });
    this.table = new ServiceTable(this, 'table', { stage, encryptionKey: dataKey });
    const signingKeys = new SigningKeys(this, 'signing-keys', { stage });
    const search = new Search(this, 'search', { stage, encryptionKey: dataKey }).backend;
    const identity = new Identity(this, 'identity', {
      stage,
      ...(props.oidc ? { external: props.oidc } : {}),
    });
    this.api = new ServiceApi(this, 'api', {
      stage,
      identity,
      logKey: dataKey,
      ...(props.customDomain ? { customDomain: props.customDomain } : {}),
    });
    // Before the functions: it adds the web client, one of the audiences they accept.
    this.web = new WebApp(this, 'web', {
      stage,
      api: this.api.api,
      identity,
      ...(props.webDomain ? { domain: props.webDomain } : {}),
      ...(props.webDistDir ? { distDir: props.webDistDir } : {}),
    });
    // Its access logs go where the web app's bucket logs, the stack's one log bucket.
    this.images = new ImageBucket(this, 'images', { stage, logs: this.web.logs });
    const consumers = new StreamConsumers(this, 'streams', {
      stage,
      table: this.table,
      encryptionKey: dataKey,
    });
    const jobs = new Jobs(this, 'jobs', { stage, encryptionKey: dataKey });
    this.monitoring = new Monitoring(this, 'monitoring', {
      stage,
      encryptionKey: dataKey,
      ...(props.alarmEmail ? { alarmEmail: props.alarmEmail } : {}),
    });

    const entries = Object.fromEntries(
      Object.entries(catalog).map(([name, spec]) => [name, spec.entry]),
    );
    const functions: Record<string, ServiceFunction> = {};
    for (const [name, spec] of Object.entries(catalog)) {
      const searchAccess = spec.access.search ?? 'none';
      const fn = new ServiceFunction(this, name, {
        description: spec.description,
        code: functionCode(this, entries, name),
        stage,
        logKey: dataKey,
        ...(spec.memoryMb ? { memoryMb: spec.memoryMb } : {}),
        ...(spec.timeoutSeconds ? { timeoutSeconds: spec.timeoutSeconds } : {}),
        ...(spec.reservedConcurrency
          ? { reservedConcurrency: spec.reservedConcurrency[stage.name] }
          : {}),
        ...(searchAccess !== 'none' && search.placement ? { vpc: search.placement } : {}),
      });
      fn.setConfig('BASE_URL', this.api.baseUrl)
        .setConfig('OIDC_ISSUER', identity.issuer)
        .setConfig('OIDC_AUDIENCE', identity.audienceList)
        .setConfig('STAGE', stage.name)
        .bindTable(this.table, spec.access.table)
        .bindSigningKeys(signingKeys, spec.access.keys)
        .bindSearch(search, searchAccess)
        .bindImages(this.images, spec.access.images ?? 'none');
      if (identity.jwksUrl !== undefined) fn.setConfig('OIDC_JWKS_URL', identity.jwksUrl);
      this.monitoring.watchFunction(fn);
      const { trigger } = spec;
      if (trigger.kind === 'http') {
        this.api.addRoutes(fn, routesOfGroup(trigger.group));
        if (trigger.fallback) this.api.addFallback(fn);
      } else if (trigger.kind === 'table-stream') {
        const consumer = consumers.add(fn, {
          filters: trigger.filters,
          ...(trigger.batchSize ? { batchSize: trigger.batchSize } : {}),
        });
        this.monitoring.watchStreamConsumer(fn);
        this.monitoring.watchDeadLetters(name, consumer.deadLetters);
      } else if (trigger.kind === 'schedule') {
        this.monitoring.watchDeadLetters(name, jobs.schedule(fn, trigger.everyHours).deadLetters);
      } else {
        jobs.deployStep(fn, {
          Search: search.kind,
          IndexDefinition: Jobs.hashOf(
            INDEX_DEFINITION.map((file) => readFileSync(join(REPO_ROOT, file), 'utf8')),
          ),
          // Complete only once every function is bound, so resolved at synthesis.
          ReaderRoleArns: Lazy.list({ produce: () => [...search.principals.read] }),
          WriterRoleArns: Lazy.list({ produce: () => [...search.principals.write] }),
        });
      }
      functions[name] = fn;
    }
    this.functions = functions;
    this.monitoring.watchApi(this.api.api);
    this.monitoring.finish();

    new CfnOutput(this, 'ApiUrl', { value: this.api.baseUrl, description: 'BASE_URL' });
    new CfnOutput(this, 'WebUrl', { value: this.web.url, description: 'the web app' });
    new CfnOutput(this, 'OidcIssuer', { value: identity.issuer });
    new CfnOutput(this, 'OidcAudience', { value: identity.audience });
    if (identity.userPool)
      new CfnOutput(this, 'UserPoolId', { value: identity.userPool.userPoolId });
    new CfnOutput(this, 'SearchEndpoint', { value: search.endpoint });
    new CfnOutput(this, 'AlarmTopic', { value: this.monitoring.topic.topicArn });
  }
}
