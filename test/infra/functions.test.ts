import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { operationsByGroup } from '#functions/api/app.ts';
import {
  CONFIG_VARIABLES,
  OBSERVABILITY_CONFIG_VARIABLES,
  REVERIFY_CONFIG_VARIABLES,
  SEARCH_CONFIG_VARIABLES,
} from '#functions/config.ts';
import { appRouteTable } from '../../infra/api-routes.ts';
import { REPO_ROOT } from '../../infra/bundling/lambda-build.ts';
import { FUNCTIONS, type FunctionName, functionEntries } from '../../infra/function-catalog.ts';
import { logicalIdOf, resourcesOf, type Synthesized, synthesize } from './synth.ts';

/** Every function's defaults and configuration, its trigger, and what watches it. */

let dev: Synthesized;
let prod: Synthesized;

beforeAll(() => {
  dev = synthesize({ stage: 'dev' });
  prod = synthesize({ stage: 'prod' });
});

function functionProps({ stack, template }: Synthesized, name: string): Record<string, unknown> {
  const fn = stack.functions[name];
  if (fn === undefined) throw new Error(`no function ${name}`);
  const id = logicalIdOf(fn);
  const found = resourcesOf(template, 'AWS::Lambda::Function').find((r) => r.id === id);
  if (found === undefined) throw new Error(`no resource for ${name}`);
  return found.properties;
}

const names = functionEntries().map(([name]) => name);
const namesOf = (kind: string) =>
  functionEntries()
    .filter(([, spec]) => spec.trigger.kind === kind)
    .map(([name]) => name);

describe('the function catalog', () => {
  it('names an existing entry for every function', () => {
    for (const [name, spec] of functionEntries())
      expect(existsSync(join(REPO_ROOT, spec.entry)), `${name}: ${spec.entry}`).toBe(true);
  });

  it('holds every Lambda entry in functions/lambda (modules exporting a handler)', () => {
    const dir = join(REPO_ROOT, 'functions/lambda');
    const entries = readdirSync(dir)
      .filter((file) => file.endsWith('.ts'))
      .filter((file) => /^export const handler\b/m.test(readFileSync(join(dir, file), 'utf8')))
      .map((file) => `functions/lambda/${file}`);
    const cataloged = functionEntries().map(([, spec]) => spec.entry);

    expect(entries.sort()).toEqual([...cataloged].sort());
  });
});

describe('every function', () => {
  it('runs Node 24 on arm64 with tracing, the bundled ES module and its source maps', () => {
    for (const name of names) {
      expect(functionProps(prod, name), name).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        TracingConfig: { Mode: 'Active' },
        Environment: {
          Variables: expect.objectContaining({ NODE_OPTIONS: '--enable-source-maps' }),
        },
      });
    }
  });

  it('names its service, and its stage as the metrics namespace, for logs and metrics', () => {
    for (const [synthesized, stage] of [
      [dev, 'dev'],
      [prod, 'prod'],
    ] as const) {
      for (const name of names) {
        expect(functionProps(synthesized, name).Environment, name).toEqual({
          Variables: expect.objectContaining({
            POWERTOOLS_SERVICE_NAME: 'credstack',
            POWERTOOLS_METRICS_NAMESPACE: `credstack/${stage}`,
          }),
        });
      }
    }
  });

  it('logs to its own encrypted log group, kept as long as the stage says', () => {
    for (const [synthesized, days, policy] of [
      [dev, 14, 'Delete'],
      [prod, 365, 'Retain'],
    ] as const) {
      for (const name of names) {
        const fn = synthesized.stack.functions[name]!;
        const logs = synthesized.template.toJSON().Resources[logicalIdOf(fn.serviceLogGroup)];

        expect(functionProps(synthesized, name).LoggingConfig).toEqual({
          LogGroup: { Ref: logicalIdOf(fn.serviceLogGroup) },
        });
        expect(logs, name).toMatchObject({
          DeletionPolicy: policy,
          Properties: { RetentionInDays: days, KmsKeyId: expect.anything() },
        });
      }
    }
  });

  it('gets only configuration variables that functions/config.ts reads', () => {
    const known = new Set<string>([
      ...CONFIG_VARIABLES,
      ...SEARCH_CONFIG_VARIABLES,
      ...REVERIFY_CONFIG_VARIABLES,
      ...OBSERVABILITY_CONFIG_VARIABLES,
      'NODE_OPTIONS',
    ]);
    for (const name of names) {
      const variables = Object.keys(
        (functionProps(dev, name).Environment as { Variables: object }).Variables,
      );
      expect(
        variables.filter((variable) => !known.has(variable)),
        name,
      ).toEqual([]);
    }
  });

  it('is told the table, the API URL, the token issuer and the stage', () => {
    for (const name of names.filter((n) => FUNCTIONS[n as FunctionName].access.table !== 'none')) {
      expect(functionProps(dev, name).Environment, name).toEqual({
        Variables: expect.objectContaining({
          TABLE_NAME: { Ref: logicalIdOf(dev.stack.table.table) },
          BASE_URL: { 'Fn::GetAtt': [logicalIdOf(dev.stack.api.api), 'ApiEndpoint'] },
          OIDC_ISSUER: expect.anything(),
          OIDC_AUDIENCE: expect.anything(),
          STAGE: 'dev',
        }),
      });
    }
  });

  it('has a role with no AWS managed policy unless it runs in the VPC', () => {
    for (const name of names) {
      const fn = dev.stack.functions[name]!;
      const role = dev.template.toJSON().Resources[logicalIdOf(fn.serviceRole)] as {
        Properties: { ManagedPolicyArns?: unknown[] };
      };
      const inVpc = functionProps(dev, name).VpcConfig !== undefined;

      expect(role.Properties.ManagedPolicyArns?.length ?? 0, name).toBe(inVpc ? 1 : 0);
    }
  });
});

describe('stream consumers', () => {
  const consumers = namesOf('table-stream');

  it('read the table stream through filters, with partial batch failures, bounded retries and a DLQ', () => {
    for (const name of consumers) {
      const spec = FUNCTIONS[name as FunctionName];
      if (spec.trigger.kind !== 'table-stream') throw new Error('not a consumer');
      const [mapping] = resourcesOf(dev.template, 'AWS::Lambda::EventSourceMapping').filter(
        ({ properties }) =>
          (properties.FunctionName as { Ref: string }).Ref ===
          logicalIdOf(dev.stack.functions[name]!),
      );
      const criteria = mapping?.properties.FilterCriteria as
        | { Filters: { Pattern: string }[] }
        | undefined;
      const filters = criteria?.Filters ?? [];

      expect(mapping?.properties, name).toMatchObject({
        EventSourceArn: { 'Fn::GetAtt': [logicalIdOf(dev.stack.table.table), 'StreamArn'] },
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        BisectBatchOnFunctionError: true,
        MaximumRetryAttempts: 3,
        MaximumRecordAgeInSeconds: 86_400,
        DestinationConfig: {
          OnFailure: { Destination: { 'Fn::GetAtt': [expect.any(String), 'Arn'] } },
        },
      });
      expect(
        filters.map((filter) => JSON.parse(filter.Pattern)),
        name,
      ).toEqual(
        spec.trigger.filters.map((filter) => ({
          eventName: [...filter.events],
          dynamodb: {
            Keys: {
              PK: { S: [{ prefix: filter.pk.prefix }] },
              ...(filter.sk === undefined
                ? {}
                : {
                    SK: {
                      S: ['equals' in filter.sk ? filter.sk.equals : { prefix: filter.sk.prefix }],
                    },
                  }),
            },
          },
        })),
      );
    }
  });

  it('deliver only new batch jobs to the batch job runner', () => {
    const [mapping] = resourcesOf(dev.template, 'AWS::Lambda::EventSourceMapping').filter(
      ({ properties }) =>
        (properties.FunctionName as { Ref: string }).Ref ===
        logicalIdOf(dev.stack.functions['batch-jobs']!),
    );

    expect(mapping?.properties.FilterCriteria).toEqual({
      Filters: [
        {
          Pattern: JSON.stringify({
            eventName: ['INSERT'],
            dynamodb: { Keys: { PK: { S: [{ prefix: 'JOB#' }] }, SK: { S: ['META'] } } },
          }),
        },
      ],
    });
  });

  it('retry more in prod', () => {
    prod.template.allResourcesProperties('AWS::Lambda::EventSourceMapping', {
      MaximumRetryAttempts: 5,
    });
  });

  it('have encrypted dead-letter queues that refuse plain HTTP', () => {
    const queues = resourcesOf(dev.template, 'AWS::SQS::Queue');

    expect(queues.length).toBe(consumers.length + namesOf('schedule').length);
    dev.template.allResourcesProperties('AWS::SQS::Queue', {
      KmsMasterKeyId: Match.anyValue(),
    });
    dev.template.allResourcesProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
  });
});

describe('jobs', () => {
  it('run scheduled functions at their rate, with retries and a dead-letter queue', () => {
    for (const name of namesOf('schedule')) {
      const spec = FUNCTIONS[name as FunctionName];
      if (spec.trigger.kind !== 'schedule') throw new Error('not scheduled');
      const hours = spec.trigger.everyHours;

      dev.template.hasResourceProperties('AWS::Events::Rule', {
        ScheduleExpression:
          hours === 1
            ? 'rate(1 hour)'
            : hours % 24 === 0
              ? `rate(${hours / 24} day${hours === 24 ? '' : 's'})`
              : `rate(${hours} hours)`,
        Targets: [
          Match.objectLike({
            Arn: { 'Fn::GetAtt': [logicalIdOf(dev.stack.functions[name]!), 'Arn'] },
            RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 7200 },
            DeadLetterConfig: Match.anyValue(),
          }),
        ],
      });
    }
  });

  it('apply the search index mapping at deploy time through a custom resource', () => {
    dev.template.resourceCountIs('AWS::CloudFormation::CustomResource', namesOf('deploy').length);
    dev.template.hasResourceProperties('AWS::CloudFormation::CustomResource', {
      Search: 'domain',
      IndexDefinition: Match.stringLikeRegexp('^sha256:'),
    });
  });
});

describe('monitoring', () => {
  const alarmOn = (synthesized: Synthesized, metricName: string, target: unknown) =>
    resourcesOf(synthesized.template, 'AWS::CloudWatch::Alarm').filter(
      ({ properties }) =>
        properties.MetricName === metricName &&
        JSON.stringify(properties.Dimensions).includes(JSON.stringify(target)),
    );

  it('alarms on every function’s errors and throttles', () => {
    for (const name of names) {
      const ref = { Ref: logicalIdOf(dev.stack.functions[name]!) };

      expect(alarmOn(dev, 'Errors', ref), name).toHaveLength(1);
      expect(alarmOn(dev, 'Throttles', ref), name).toHaveLength(1);
    }
  });

  it('alarms on stream iterator age and on every dead-letter queue', () => {
    for (const name of namesOf('table-stream')) {
      expect(
        alarmOn(dev, 'IteratorAge', { Ref: logicalIdOf(dev.stack.functions[name]!) }),
        name,
      ).toHaveLength(1);
    }
    for (const { id } of resourcesOf(dev.template, 'AWS::SQS::Queue')) {
      expect(
        alarmOn(dev, 'ApproximateNumberOfMessagesVisible', { 'Fn::GetAtt': [id, 'QueueName'] }),
        id,
      ).toHaveLength(1);
    }
  });

  it('notifies an encrypted topic and draws a dashboard', () => {
    const [topic] = resourcesOf(dev.template, 'AWS::SNS::Topic');

    expect(topic?.properties.KmsMasterKeyId).toBeDefined();
    dev.template.allResourcesProperties('AWS::CloudWatch::Alarm', {
      AlarmActions: [{ Ref: topic?.id }],
    });
    dev.template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
  });

  it('alarms on server errors at the API', () => {
    dev.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: '5xx',
      Namespace: 'AWS/ApiGateway',
    });
  });
});

describe('the public verification function', () => {
  it('has its own reserved concurrency, so a verification flood cannot starve issuance', () => {
    for (const [synthesized, stage] of [
      [dev, 'dev'],
      [prod, 'prod'],
    ] as const) {
      const reserved = FUNCTIONS['api-verification'].reservedConcurrency[stage];

      expect(reserved).toBeGreaterThan(0);
      expect(functionProps(synthesized, 'api-verification').ReservedConcurrentExecutions).toBe(
        reserved,
      );
      // Issuance draws on the account's unreserved pool, which verification cannot enter.
      for (const name of names.filter((n) => n !== 'api-verification')) {
        expect(functionProps(synthesized, name).ReservedConcurrentExecutions, name).toBeUndefined();
      }
    }
  });

  it('is the function that serves POST /credentials/verify, and issuance is not', () => {
    expect(FUNCTIONS['api-verification'].trigger).toEqual({ kind: 'http', group: 'verification' });
    const groups = operationsByGroup(appRouteTable());
    expect(groups.verification).toContain('verifyCredential');
    expect(groups.issuance).not.toContain('verifyCredential');
  });
});
