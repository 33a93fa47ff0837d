import { Duration } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IMetric,
  Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { StageSettings } from '../stages.ts';

export interface MonitoringProps {
  readonly stage: StageSettings;
  readonly encryptionKey: IKey;
  /** Subscribed to the alarm topic when given. */
  readonly alarmEmail?: string;
}

const FIVE_MINUTES = Duration.minutes(5);

/**
 * Alarms and a dashboard. Every alarm notifies one encrypted SNS topic: function errors and
 * throttles, dead-letter queues that are not empty, stream consumers falling behind (iterator
 * age), and server errors at the API. The dashboard shows the same signals side by side.
 *
 * @example
 * monitoring.watchFunction(fn);
 * monitoring.watchDeadLetters('batch-jobs', queue);
 */
export class Monitoring extends Construct {
  readonly topic: Topic;
  readonly dashboard: Dashboard;
  readonly alarms: Alarm[] = [];
  readonly #action: SnsAction;
  readonly #invocations: IMetric[] = [];
  readonly #errors: IMetric[] = [];
  readonly #durations: IMetric[] = [];
  readonly #backlog: IMetric[] = [];

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    this.topic = new Topic(this, 'alarms', {
      displayName: `credstack ${props.stage.name} alarms`,
      masterKey: props.encryptionKey,
      enforceSSL: true,
    });
    if (props.alarmEmail) this.topic.addSubscription(new EmailSubscription(props.alarmEmail));
    this.#action = new SnsAction(this.topic);
    this.dashboard = new Dashboard(this, 'dashboard', {
      defaultInterval: Duration.hours(3),
    });
  }

  #alarm(id: string, metric: IMetric, threshold: number, description: string): Alarm {
    const alarm = new Alarm(this, id, {
      metric,
      threshold,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription: description,
    });
    alarm.addAlarmAction(this.#action);
    alarm.addOkAction(this.#action);
    this.alarms.push(alarm);
    return alarm;
  }

  /** Errors (any in five minutes) and throttles of a function. */
  watchFunction(fn: IFunction): void {
    const name = fn.node.id;
    const errors = fn.metricErrors({ period: FIVE_MINUTES, statistic: 'Sum' });
    this.#alarm(`${name}-errors`, errors, 1, `${name} failed invocations`);
    this.#alarm(
      `${name}-throttles`,
      fn.metricThrottles({ period: FIVE_MINUTES, statistic: 'Sum' }),
      1,
      `${name} throttled invocations`,
    );
    this.#invocations.push(fn.metricInvocations({ period: FIVE_MINUTES, label: name }));
    this.#errors.push(errors.with({ label: name }));
    this.#durations.push(
      fn.metricDuration({ period: FIVE_MINUTES, statistic: 'p99', label: name }),
    );
  }

  /** How far behind the stream a consumer is (the age of the last record it read). */
  watchStreamConsumer(fn: IFunction, maxAgeSeconds = 300): void {
    const age = new Metric({
      namespace: 'AWS/Lambda',
      metricName: 'IteratorAge',
      dimensionsMap: { FunctionName: fn.functionName },
      statistic: 'Maximum',
      period: FIVE_MINUTES,
    });
    this.#alarm(
      `${fn.node.id}-iterator-age`,
      age,
      maxAgeSeconds * 1000,
      `${fn.node.id} is more than ${maxAgeSeconds} s behind the table stream`,
    );
    this.#backlog.push(age.with({ label: `${fn.node.id} iterator age` }));
  }

  /** Any message in a dead-letter queue. */
  watchDeadLetters(name: string, queue: IQueue): void {
    const depth = queue.metricApproximateNumberOfMessagesVisible({
      period: FIVE_MINUTES,
      statistic: 'Maximum',
    });
    this.#alarm(`${name}-dead-letters`, depth, 1, `${name} left records in its dead-letter queue`);
    this.#backlog.push(depth.with({ label: `${name} dead letters` }));
  }

  /** Server errors and latency at the API. */
  watchApi(api: HttpApi): void {
    const serverErrors = api.metricServerError({ period: FIVE_MINUTES, statistic: 'Sum' });
    this.#alarm(
      'api-5xx',
      serverErrors,
      5,
      'the API answered 5 or more server errors in 5 minutes',
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'API requests and errors',
        left: [api.metricCount({ period: FIVE_MINUTES })],
        right: [api.metricClientError({ period: FIVE_MINUTES }), serverErrors],
        width: 12,
      }),
      new GraphWidget({
        title: 'API latency p99',
        left: [api.metricLatency({ period: FIVE_MINUTES, statistic: 'p99' })],
        width: 12,
      }),
    );
  }

  /** Adds the function and backlog widgets; call once, after everything is watched. */
  finish(): void {
    this.dashboard.addWidgets(
      new GraphWidget({ title: 'Invocations', left: this.#invocations, width: 12 }),
      new GraphWidget({ title: 'Errors', left: this.#errors, width: 12 }),
      new GraphWidget({ title: 'Duration p99', left: this.#durations, width: 12 }),
      new GraphWidget({ title: 'Stream lag and dead letters', left: this.#backlog, width: 12 }),
    );
  }
}
