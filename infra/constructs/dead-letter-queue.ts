import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { acknowledge } from '../nag.ts';
import type { StageSettings } from '../stages.ts';

export interface DeadLetterQueueProps {
  readonly stage: StageSettings;
  readonly encryptionKey: IKey;
  /** Whose failures the queue keeps, for the cdk-nag reason, e.g. `a scheduled job`. */
  readonly owner: string;
}

/**
 * The encrypted, TLS-only queue that keeps a function's failed events for 14 days (kept with
 * the stage's data when the stage retains data). It needs no dead-letter queue of its own.
 *
 * @example
 * const deadLetters = deadLetterQueue(this, `${fn.node.id}-dlq`, { stage, encryptionKey, owner: 'a scheduled job' });
 */
export function deadLetterQueue(scope: Construct, id: string, props: DeadLetterQueueProps): Queue {
  const queue = new Queue(scope, id, {
    encryption: QueueEncryption.KMS,
    encryptionMasterKey: props.encryptionKey,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
    removalPolicy: props.stage.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
  });
  acknowledge(
    queue,
    'AwsSolutions-SQS3',
    `this queue is itself the dead-letter queue of ${props.owner}`,
  );
  return queue;
}
