import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import type { StageSettings } from '../stages.ts';

export interface DataKeyProps {
  readonly stage: StageSettings;
}

/**
 * The customer managed key that encrypts the service's data at rest: the table (and so its
 * stream and backups), the dead-letter queues, the alarm topic and every log group. One
 * symmetric key with yearly rotation; CloudWatch Logs, CloudWatch alarms (publishing to the
 * encrypted topic) and EventBridge (a schedule's dead-letter queue) are allowed to use it. Issuer signing keys are separate asymmetric keys,
 * created per issuer by the service (see SigningKeys).
 *
 * @example
 * const { key } = new DataKey(this, 'data-key', { stage });
 */
export class DataKey extends Construct {
  readonly key: Key;

  constructor(scope: Construct, id: string, props: DataKeyProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.key = new Key(this, 'key', {
      description: `credstack ${props.stage.name}: data at rest (table, queues, topic, logs)`,
      enableKeyRotation: true,
      rotationPeriod: Duration.days(365),
      removalPolicy: props.stage.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
      ...(props.stage.retainData ? {} : { pendingWindow: Duration.days(7) }),
    });
    this.key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudWatchLogsEncryptTheStacksLogGroups',
        principals: [new ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
        actions: [
          'kms:Encrypt*',
          'kms:Decrypt*',
          'kms:ReEncrypt*',
          'kms:GenerateDataKey*',
          'kms:Describe*',
        ],
        resources: ['*'],
        conditions: {
          ArnLike: {
            'kms:EncryptionContext:aws:logs:arn': `arn:${stack.partition}:logs:${stack.region}:${stack.account}:log-group:*`,
          },
        },
      }),
    );
    this.key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AlarmsAndSchedulesWriteToEncryptedTopicAndQueues',
        principals: [
          new ServicePrincipal('cloudwatch.amazonaws.com'),
          new ServicePrincipal('events.amazonaws.com'),
        ],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
    );
  }
}
