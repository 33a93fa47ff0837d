import { createHash } from 'node:crypto';
import { type CfnElement, CustomResource, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Provider } from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { acknowledge } from '../nag.ts';
import type { StageSettings } from '../stages.ts';
import { deadLetterQueue } from './dead-letter-queue.ts';

export interface JobsProps {
  readonly stage: StageSettings;
  readonly encryptionKey: IKey;
}

/** A scheduled function with the queue its failed invocations land in. */
export interface ScheduledJob {
  readonly fn: IFunction;
  readonly deadLetters: Queue;
}

/**
 * Work that no request starts: functions on an EventBridge schedule (with bounded retries and
 * a dead-letter queue), and deploy-time steps run as CloudFormation custom resources through
 * the CDK Provider framework, re-run whenever their properties change.
 *
 * @example
 * jobs.schedule(reverify, 1);
 * jobs.deployStep(searchSetup, { IndexVersion: hash });
 */
export class Jobs extends Construct {
  readonly scheduled: ScheduledJob[] = [];
  readonly #props: JobsProps;

  constructor(scope: Construct, id: string, props: JobsProps) {
    super(scope, id);
    this.#props = props;
  }

  schedule(fn: IFunction, everyHours: number): ScheduledJob {
    const { stage, encryptionKey } = this.#props;
    const deadLetters = deadLetterQueue(this, `${fn.node.id}-dlq`, {
      stage,
      encryptionKey,
      owner: 'a scheduled job',
    });
    new Rule(this, `${fn.node.id}-schedule`, {
      description: `credstack ${stage.name}: run ${fn.node.id} every ${everyHours} h`,
      schedule: Schedule.rate(Duration.hours(everyHours)),
      targets: [
        new LambdaFunction(fn, {
          retryAttempts: 2,
          maxEventAge: Duration.hours(2),
          deadLetterQueue: deadLetters,
        }),
      ],
    });
    const job = { fn, deadLetters };
    this.scheduled.push(job);
    return job;
  }

  /**
   * Runs `fn` as the `onEvent` handler of a custom resource on every deploy that changes
   * `properties` (a content hash in them makes a changed input re-run the step).
   *
   * @example
   * jobs.deployStep(searchSetup, { MappingHash: Jobs.hashOf(mapping) });
   */
  deployStep(fn: IFunction, properties: Readonly<Record<string, unknown>>): CustomResource {
    const { stage, encryptionKey } = this.#props;
    const provider = new Provider(this, `${fn.node.id}-provider`, {
      onEventHandler: fn,
      logGroup: new LogGroup(this, `${fn.node.id}-provider-logs`, {
        retention: stage.logRetentionDays,
        encryptionKey,
        removalPolicy: RemovalPolicy.DESTROY,
      }),
    });
    acknowledge(
      provider,
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      'the CDK Provider framework’s own function writes its logs with the AWS managed basic execution policy',
    );
    acknowledge(
      provider,
      `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId((fn.node.defaultChild ?? fn) as CfnElement)}.Arn>:*]`,
      'the Provider framework invokes the versions of the one setup function it fronts',
    );
    return new CustomResource(this, `${fn.node.id}-step`, {
      serviceToken: provider.serviceToken,
      properties: { ...properties },
    });
  }

  /**
   * A stable hash of a JSON value, for custom resource properties.
   *
   * @example
   * Jobs.hashOf({ settings, mappings }); // 'sha256:…'
   */
  static hashOf(value: unknown): string {
    return `sha256:${createHash('sha256').update(JSON.stringify(value)).digest('hex')}`;
  }
}
