import { Duration } from 'aws-cdk-lib';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import {
  FilterCriteria,
  FilterRule,
  type IFunction,
  StartingPosition,
} from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { StreamFilter } from '../function-catalog.ts';
import type { StageSettings } from '../stages.ts';
import { deadLetterQueue } from './dead-letter-queue.ts';
import type { ServiceTable } from './service-table.ts';

export interface StreamConsumersProps {
  readonly stage: StageSettings;
  readonly table: ServiceTable;
  readonly encryptionKey: IKey;
}

/** A consumer with its dead-letter queue (monitoring alarms on both). */
export interface StreamConsumer {
  readonly fn: IFunction;
  readonly deadLetters: Queue;
}

export interface ConsumerOptions {
  readonly filters: readonly StreamFilter[];
  readonly batchSize?: number;
}

/**
 * The table stream's consumers. Each gets an event source mapping that only delivers the
 * records its filters match (the rest never start the function), reports partial batch
 * failures (only failed records are retried), bisects a failing batch, gives up after the
 * stage's retry count or a day, and then sends the records' coordinates to its own encrypted
 * dead-letter queue.
 *
 * @example
 * consumers.add(batchJobs, { filters: [{ events: ['INSERT'], pk: { prefix: 'JOB#' } }] });
 */
export class StreamConsumers extends Construct {
  readonly consumers: StreamConsumer[] = [];
  readonly #props: StreamConsumersProps;

  constructor(scope: Construct, id: string, props: StreamConsumersProps) {
    super(scope, id);
    this.#props = props;
  }

  /** The event source mapping filter of one {@link StreamFilter}. */
  static filterOf(filter: StreamFilter): Record<string, unknown> {
    const keys: Record<string, unknown> = { PK: { S: FilterRule.beginsWith(filter.pk.prefix) } };
    if (filter.sk !== undefined)
      keys.SK = {
        S:
          'equals' in filter.sk
            ? FilterRule.isEqual(filter.sk.equals)
            : FilterRule.beginsWith(filter.sk.prefix),
      };
    return FilterCriteria.filter({ eventName: [...filter.events], dynamodb: { Keys: keys } });
  }

  add(fn: IFunction, options: ConsumerOptions): StreamConsumer {
    const { stage, table, encryptionKey } = this.#props;
    if (options.filters.length === 0 || options.filters.length > 5)
      throw new Error(`${fn.node.id}: a stream consumer needs 1 to 5 filters`);
    const deadLetters = deadLetterQueue(this, `${fn.node.id}-dlq`, {
      stage,
      encryptionKey,
      owner: 'a stream consumer',
    });
    fn.addEventSource(
      new DynamoEventSource(table.table, {
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize: options.batchSize ?? 10,
        bisectBatchOnError: true,
        reportBatchItemFailures: true,
        retryAttempts: stage.streamRetries,
        maxRecordAge: Duration.days(1),
        onFailure: new SqsDlq(deadLetters),
        filters: options.filters.map((filter) => StreamConsumers.filterOf(filter)),
      }),
    );
    const consumer = { fn, deadLetters };
    this.consumers.push(consumer);
    return consumer;
  }
}
