import { Duration, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData, type IMetric } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { EventBus } from 'aws-cdk-lib/aws-events';
import { FilterCriteria, FilterRule, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { DynamoEventSource, SqsDlq, SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Key } from 'aws-cdk-lib/aws-kms';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { tableAccess } from '../config/table-access';
import { RewardsFunction } from './rewards-function';
import { WebhookSecretsKey } from './webhook-secrets-key';

/** FilterRule.isEqual is typed `any` in aws-cdk-lib: one typed wrapper keeps the construct free of it. */
const equalTo = (value: string): unknown => FilterRule.isEqual(value) as unknown;

export interface EventDeliveryProps {
  table: ITable;
  /** The environment every function of the stack gets (table name, service name, …). */
  environment: Record<string, string>;
  logRetention: RetentionDays;
  /** The HTTP function of the webhook routes: it queues manual retries. */
  webhookApi: NodejsFunction;
  /** Age of the oldest delivery message before the alarm fires (default 1 hour). */
  oldestMessageAlarm?: Duration;
}

/** The delivery function's timeout: a batch's attempts run at once, each within 10 s. */
const DELIVERY_TIMEOUT = Duration.seconds(30);

/**
 * Events out of the table: its stream (new event items only) → the fan-out function → one SQS
 * message per endpoint and event → the delivery function, which retries through the message's
 * visibility and sends a delivery that failed for the last time to the dead-letter queue (which
 * also takes the stream batches the fan-out could not handle). The fan-out puts every event on
 * the region's own EventBridge bus too. Alarms on the dead-letter queue's depth and on the age of the oldest delivery message go to the stack's alarm topic (`notify`).
 */
export class EventDelivery extends Construct {
  readonly bus: EventBus;
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
  readonly fanOut: NodejsFunction;
  readonly delivery: NodejsFunction;
  /** The KMS key webhook signing secrets are sealed under (only delivery and the webhook admin function use it). */
  readonly secretsKey: Key;
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: EventDeliveryProps) {
    super(scope, id);
    this.bus = new EventBus(this, 'Bus', { description: 'Every event of the rewards API (source "rewards-api")' });
    const queueDefaults = { enforceSSL: true, encryption: QueueEncryption.SQS_MANAGED };
    this.deadLetterQueue = new Queue(this, 'DeadLetters', { ...queueDefaults, retentionPeriod: Duration.days(14) });
    this.queue = new Queue(this, 'Deliveries', {
      ...queueDefaults,
      // Longer than the whole retry schedule (> 24 h).
      retentionPeriod: Duration.days(4),
      visibilityTimeout: Duration.seconds(DELIVERY_TIMEOUT.toSeconds() * 6),
      // Backstop for a crashing consumer; the schedule's own last attempt sends to the DLQ itself.
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: 25 },
    });

    const fanOut = new RewardsFunction(this, 'FanOutFunction', {
      entry: 'event-fanout',
      description: 'New events → one delivery per endpoint, and the event bus',
      table: props.table,
      tableAccess: tableAccess['event-fanout'],
      environment: {
        ...props.environment,
        DELIVERY_QUEUE_URL: this.queue.queueUrl,
        EVENT_BUS_NAME: this.bus.eventBusName,
      },
      logRetention: props.logRetention,
      timeout: Duration.seconds(60),
    });
    this.fanOut = fanOut.function;
    this.fanOut.addEventSource(
      new DynamoEventSource(props.table, {
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize: 100,
        maxBatchingWindow: Duration.seconds(1),
        bisectBatchOnError: true,
        retryAttempts: 10,
        // A batch the fan-out could not handle after its retries: its stream positions land here (the
        // events themselves stay in the table and the feed for 35 days, ready to be fanned out again).
        onFailure: new SqsDlq(this.deadLetterQueue),
        filters: [
          FilterCriteria.filter({
            eventName: equalTo('INSERT'),
            dynamodb: { NewImage: { entity: { S: equalTo('event') } } },
          }),
        ],
      }),
    );
    // The stream event source grants dynamodb:ListStreams, which has no resource-level permissions.
    Validations.of(fanOut.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'dynamodb:ListStreams (for the table stream event source) and the X-Ray actions do not support resource-level permissions; "*" is the only possible resource.',
    });
    this.queue.grantSendMessages(this.fanOut);
    this.bus.grantPutEventsTo(this.fanOut);

    this.delivery = new RewardsFunction(this, 'DeliveryFunction', {
      entry: 'webhook-delivery',
      description: 'Delivers one event to one webhook endpoint per message (signed, 10 s timeout)',
      table: props.table,
      tableAccess: tableAccess['webhook-delivery'],
      environment: { ...props.environment, DEAD_LETTER_QUEUE_URL: this.deadLetterQueue.queueUrl },
      logRetention: props.logRetention,
      timeout: DELIVERY_TIMEOUT,
      memorySize: 512,
    }).function;
    this.delivery.addEventSource(
      new SqsEventSource(this.queue, { batchSize: 10, reportBatchItemFailures: true, maxConcurrency: 20 }),
    );
    this.deadLetterQueue.grantSendMessages(this.delivery);

    this.secretsKey = new WebhookSecretsKey(this, 'WebhookSecrets', {
      delivery: this.delivery,
      admin: props.webhookApi,
    }).key;

    props.webhookApi.addEnvironment('DELIVERY_QUEUE_URL', this.queue.queueUrl);
    this.queue.grantSendMessages(props.webhookApi);

    this.alarm(
      'DeadLettersAlarm',
      'A webhook delivery failed for good, or a stream batch could not be fanned out',
      this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(1),
        statistic: 'Maximum',
      }),
      1,
    );
    this.alarm(
      'OldestDeliveryAlarm',
      'Webhook deliveries are waiting long (a receiver is down or the consumer is stuck)',
      this.queue.metricApproximateAgeOfOldestMessage({ period: Duration.minutes(5), statistic: 'Maximum' }),
      (props.oldestMessageAlarm ?? Duration.hours(1)).toSeconds(),
    );
  }

  private alarm(id: string, description: string, metric: IMetric, threshold: number): void {
    const alarm = new Alarm(this, id, {
      alarmDescription: description,
      metric,
      threshold,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    this.alarms.push(alarm);
  }

  /** Called by the stack once the alarm topic exists. */
  notify(topic: ITopic): void {
    for (const alarm of this.alarms) {
      alarm.addAlarmAction(new SnsAction(topic));
      alarm.addOkAction(new SnsAction(topic));
    }
  }
}
