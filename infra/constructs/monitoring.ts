import { Duration, Stack } from 'aws-cdk-lib';
import type { RestApi } from 'aws-cdk-lib/aws-apigateway';
import {
  Alarm,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  MathExpression,
  Metric,
  SingleValueWidget,
  TextWidget,
  TreatMissingData,
  type IMetric,
  type IWidget,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Operation, type ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { FilterPattern, MetricFilter, type ILogGroup } from 'aws-cdk-lib/aws-logs';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';

/** Namespace and service dimension of the EMF metrics (Powertools Metrics adds `service` to every metric). */
export const METRICS_NAMESPACE = 'RewardsApi';
export const SERVICE_NAME = 'rewards-api';

/** The loyalty measures the metrics job publishes, one per snapshot (names agreed with the metrics job). */
/** The names the metrics job publishes (shared/domain/metrics.ts measuresAsMetrics); money in minor units. */
export const loyaltyMeasures = [
  'ClvMinorUnits',
  'RepeatCustomerRate',
  'RetentionRate',
  'Nps',
  'RedemptionRate',
  'AverageSpendPerMemberMinorUnits',
  'PointsOutstanding',
  'CashbackOutstandingMinorUnits',
  'MembersTotal',
  'MembersActive',
] as const;
/** Counted once per snapshot the job computes; its absence means the measures are stale. */
export const SNAPSHOTS_COMPUTED = 'SnapshotsComputed';

/** Counted from the access logs: requests API Gateway answered 500 because the authorizer failed. */
export const AUTHORIZER_FAILURES = 'AuthorizerFailures';
/** Counted from the access logs: adjustments made (POST …/adjustments answered 201). */
export const ADJUSTMENTS_MADE = 'AdjustmentsMade';
const ADJUSTMENTS_RESOURCE = '/v1/members/{memberId}/adjustments';

export interface AlarmThresholds {
  /** Share of API requests answered 5xx (0..1) over 5 minutes. */
  api5xxRate: number;
  /** The 5xx share is judged only from this many requests in five minutes. */
  api5xxMinRequests: number;
  apiP99LatencyMs: number;
  /** No snapshot for this many hours raises the staleness alarm. */
  metricsStaleAfterHours: number;
  /** A job run longer than this share of its timeout raises its duration alarm. */
  jobDurationShareOfTimeout: number;
  /** Adjustments made in one hour (all partners together) that raise the volume alarm. */
  adjustmentsPerHour: number;
}

export interface ScheduledJob {
  name: string;
  fn: IFunction;
  timeout: Duration;
  /** Where events of runs that failed every retry land. */
  deadLetters: IQueue;
  /** A run this long stopped before it was done (only jobs that stop early to beat their timeout). */
  stopsEarlyAfter?: Duration;
}

export interface MonitoringProps {
  api: RestApi;
  stageName: string;
  /** The stage's access logs (JSON with errorType): the authorizer's real failures are counted there. */
  accessLogs: ILogGroup;
  table: ITable;
  /** Every function of the stack, by a readable name (alarm and widget labels). */
  functions: Record<string, IFunction>;
  /** Its Errors metric counts every refused key, so it is alarmed on from the access logs instead. */
  authorizer: IFunction;
  metricsJob: IFunction;
  jobs: ScheduledJob[];
  alarmEmail?: string;
  thresholds: AlarmThresholds;
}

const FIVE_MINUTES = Duration.minutes(5);
const TABLE_OPERATIONS = [
  Operation.GET_ITEM,
  Operation.QUERY,
  Operation.PUT_ITEM,
  Operation.UPDATE_ITEM,
  Operation.DELETE_ITEM,
  Operation.TRANSACT_WRITE_ITEMS,
];

/**
 * Alarms on what a partner would notice (5xx, slow answers), on each function's errors, on the
 * table (throttles, system errors) and on the metrics job (failing or silent), all sent to one
 * encrypted SNS topic; and a dashboard with the API, the functions, the table and the measures.
 */
export class Monitoring extends Construct {
  readonly topic: Topic;
  readonly alarms: Alarm[] = [];
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    // CloudWatch cannot publish to a topic encrypted with the AWS-managed SNS key (its policy cannot
    // be changed), so the topic gets its own key that CloudWatch may use.
    const key = new Key(this, 'TopicKey', { description: 'Encrypts the alarm topic', enableKeyRotation: true });
    key.addToResourcePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
    );
    this.topic = new Topic(this, 'AlarmTopic', { displayName: 'Rewards API alarms', masterKey: key, enforceSSL: true });
    if (props.alarmEmail) this.topic.addSubscription(new EmailSubscription(props.alarmEmail));

    const apiDimensions = { ApiName: props.api.restApiName, Stage: props.stageName };
    const apiMetric = (metricName: string, statistic: string) =>
      new Metric({
        namespace: 'AWS/ApiGateway',
        metricName,
        dimensionsMap: apiDimensions,
        statistic,
        period: FIVE_MINUTES,
      });

    // The share of 5xx answers, judged only once enough requests came in: at low traffic one failed
    // call out of three is no outage (that one shows up in the function's own error alarm).
    const minRequests = props.thresholds.api5xxMinRequests;
    this.alarm('Api5xxRate', {
      metric: new MathExpression({
        expression: `IF(requests >= ${minRequests}, errors / requests, 0)`,
        usingMetrics: { errors: apiMetric('5XXError', 'Sum'), requests: apiMetric('Count', 'Sum') },
        label: '5xx share (of at least the minimum request count)',
        period: FIVE_MINUTES,
      }),
      threshold: props.thresholds.api5xxRate,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      description: `More than ${props.thresholds.api5xxRate * 100} % of API requests answered 5xx in 2 of the last 3 five-minute periods (periods with fewer than ${minRequests} requests are not judged).`,
    });
    this.alarm('ApiLatencyP99', {
      metric: apiMetric('Latency', 'p99'),
      threshold: props.thresholds.apiP99LatencyMs,
      evaluationPeriods: 3,
      datapointsToAlarm: 3,
      description: `API p99 latency above ${props.thresholds.apiP99LatencyMs} ms for 15 minutes.`,
    });
    for (const [name, fn] of Object.entries(props.functions)) {
      if (fn !== props.authorizer)
        this.alarm(`${pascal(name)}Errors`, {
          metric: fn.metricErrors({ period: FIVE_MINUTES, statistic: 'Sum' }),
          threshold: 1,
          evaluationPeriods: 1,
          description: `The ${name} function failed (an invocation error, not a 4xx answer).`,
        });
      this.alarm(`${pascal(name)}Throttles`, {
        metric: fn.metricThrottles({ period: FIVE_MINUTES, statistic: 'Sum' }),
        threshold: 1,
        evaluationPeriods: 1,
        description: `Lambda refused invocations of the ${name} function: its reserved concurrency or the account's limit is used up.`,
      });
    }

    // A refused key makes the authorizer throw "Unauthorized", which Lambda counts as an error; what
    // matters is API Gateway answering 500 because the authorizer crashed, timed out or answered nonsense.
    const authorizerFailures = new MetricFilter(this, 'AuthorizerFailureFilter', {
      logGroup: props.accessLogs,
      filterPattern: FilterPattern.any(
        FilterPattern.stringValue('$.errorType', '=', 'AUTHORIZER_FAILURE'),
        FilterPattern.stringValue('$.errorType', '=', 'AUTHORIZER_CONFIGURATION_ERROR'),
      ),
      metricNamespace: METRICS_NAMESPACE,
      metricName: AUTHORIZER_FAILURES,
      metricValue: '1',
      defaultValue: 0,
    });
    this.alarm('AuthorizerFailures', {
      metric: authorizerFailures.metric({ statistic: 'Sum', period: FIVE_MINUTES }),
      threshold: 1,
      evaluationPeriods: 1,
      description: 'API Gateway answered 500 because the key authorizer failed (not because a key was refused).',
    });

    // Points made from nothing: each partner's daily budget caps what one key can credit; this
    // alarm shows a burst of corrections early, whoever makes them.
    const adjustments = new MetricFilter(this, 'AdjustmentsFilter', {
      logGroup: props.accessLogs,
      filterPattern: FilterPattern.all(
        FilterPattern.stringValue('$.httpMethod', '=', 'POST'),
        FilterPattern.stringValue('$.resourcePath', '=', ADJUSTMENTS_RESOURCE),
        FilterPattern.stringValue('$.status', '=', '201'),
      ),
      metricNamespace: METRICS_NAMESPACE,
      metricName: ADJUSTMENTS_MADE,
      metricValue: '1',
      defaultValue: 0,
    });
    this.alarm('AdjustmentVolume', {
      metric: adjustments.metric({ statistic: 'Sum', period: Duration.hours(1) }),
      threshold: props.thresholds.adjustmentsPerHour,
      evaluationPeriods: 1,
      description: `${props.thresholds.adjustmentsPerHour} or more balance adjustments in one hour: check who makes them (partnerId in the access logs).`,
    });

    for (const job of props.jobs) {
      const durationLimit = job.timeout.toMilliseconds() * props.thresholds.jobDurationShareOfTimeout;
      this.alarm(`${pascal(job.name)}Duration`, {
        metric: job.fn.metricDuration({ period: FIVE_MINUTES, statistic: 'Maximum' }),
        threshold: Math.round(durationLimit),
        evaluationPeriods: 1,
        description: `A ${job.name} run took over ${Math.round(props.thresholds.jobDurationShareOfTimeout * 100)} % of its ${job.timeout.toSeconds()} s timeout.`,
      });
      this.alarm(`${pascal(job.name)}DeadLetters`, {
        metric: job.deadLetters.metricApproximateNumberOfMessagesVisible({
          period: FIVE_MINUTES,
          statistic: 'Maximum',
        }),
        threshold: 1,
        evaluationPeriods: 1,
        description: `A scheduled ${job.name} run failed after every retry; its event waits in the dead-letter queue.`,
      });
      if (job.stopsEarlyAfter)
        this.alarm(`${pascal(job.name)}FellBehind`, {
          metric: job.fn.metricDuration({ period: FIVE_MINUTES, statistic: 'Maximum' }),
          threshold: job.stopsEarlyAfter.toMilliseconds(),
          evaluationPeriods: 1,
          description: `A ${job.name} run stopped before its timeout with work left: the due items wait for the next run.`,
        });
    }

    const throttles = new MathExpression({
      expression: 'reads + writes',
      usingMetrics: {
        reads: props.table.metric('ReadThrottleEvents', { statistic: 'Sum', period: FIVE_MINUTES }),
        writes: props.table.metric('WriteThrottleEvents', { statistic: 'Sum', period: FIVE_MINUTES }),
      },
      label: 'Throttle events',
      period: FIVE_MINUTES,
    });
    this.alarm('TableThrottles', {
      metric: throttles,
      threshold: 1,
      evaluationPeriods: 2,
      datapointsToAlarm: 2,
      description: 'DynamoDB throttled requests in two consecutive five-minute periods.',
    });
    const systemErrors = props.table.metricSystemErrorsForOperations({
      operations: TABLE_OPERATIONS,
      period: FIVE_MINUTES,
      statistic: 'Sum',
    });
    this.alarm('TableSystemErrors', {
      metric: systemErrors,
      threshold: 1,
      evaluationPeriods: 1,
      description: 'DynamoDB answered with system errors (HTTP 500).',
    });

    const snapshots = new Metric({
      namespace: METRICS_NAMESPACE,
      metricName: SNAPSHOTS_COMPUTED,
      dimensionsMap: { service: SERVICE_NAME },
      statistic: 'Sum',
      period: Duration.hours(1),
    });
    this.alarm('MetricsStale', {
      metric: snapshots,
      threshold: 1,
      comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: props.thresholds.metricsStaleAfterHours,
      // No data at all is exactly the failure this alarm exists for.
      treatMissingData: TreatMissingData.BREACHING,
      description: `No metrics snapshot computed for ${props.thresholds.metricsStaleAfterHours} hours: the loyalty measures are stale.`,
    });
    this.alarm('MetricsJobFailed', {
      metric: props.metricsJob.metricErrors({ period: Duration.hours(1), statistic: 'Sum' }),
      threshold: 1,
      evaluationPeriods: 1,
      description: 'The scheduled metrics job failed.',
    });

    this.dashboard = new Dashboard(this, 'Dashboard', {
      widgets: this.widgets(props, apiMetric, throttles, systemErrors),
    });
  }

  private alarm(
    id: string,
    options: {
      metric: IMetric;
      threshold: number;
      evaluationPeriods: number;
      datapointsToAlarm?: number;
      comparisonOperator?: ComparisonOperator;
      treatMissingData?: TreatMissingData;
      description: string;
    },
  ): void {
    const alarm = new Alarm(this, id, {
      metric: options.metric,
      threshold: options.threshold,
      evaluationPeriods: options.evaluationPeriods,
      ...(options.datapointsToAlarm ? { datapointsToAlarm: options.datapointsToAlarm } : {}),
      comparisonOperator: options.comparisonOperator ?? ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: options.treatMissingData ?? TreatMissingData.NOT_BREACHING,
      alarmDescription: options.description,
    });
    alarm.addAlarmAction(new SnsAction(this.topic));
    alarm.addOkAction(new SnsAction(this.topic));
    this.alarms.push(alarm);
  }

  private widgets(
    props: MonitoringProps,
    apiMetric: (name: string, statistic: string) => Metric,
    throttles: IMetric,
    systemErrors: IMetric,
  ): IWidget[][] {
    const measure = (metricName: (typeof loyaltyMeasures)[number] | typeof SNAPSHOTS_COMPUTED, statistic = 'Maximum') =>
      new Metric({
        namespace: METRICS_NAMESPACE,
        metricName,
        dimensionsMap: { service: SERVICE_NAME },
        statistic,
        period: Duration.hours(1),
      });
    const functions = Object.entries(props.functions);
    return [
      [
        new TextWidget({
          markdown:
            '# Rewards API\nRequests, errors and latency of the API; function errors and duration; the table; the loyalty measures of the latest snapshots.',
          width: 24,
          height: 2,
        }),
      ],
      [
        new GraphWidget({
          title: 'API requests and errors',
          left: [apiMetric('Count', 'Sum'), apiMetric('4XXError', 'Sum'), apiMetric('5XXError', 'Sum')],
          width: 12,
        }),
        new GraphWidget({
          title: 'API latency (ms)',
          left: [apiMetric('Latency', 'p50'), apiMetric('Latency', 'p99'), apiMetric('IntegrationLatency', 'p99')],
          width: 12,
        }),
      ],
      [
        new GraphWidget({
          title: 'Function errors',
          left: functions.map(([name, fn]) => fn.metricErrors({ period: FIVE_MINUTES, label: name })),
          width: 12,
        }),
        new GraphWidget({
          title: 'Function duration p99 (ms)',
          left: functions.map(([name, fn]) =>
            fn.metricDuration({ period: FIVE_MINUTES, statistic: 'p99', label: name }),
          ),
          width: 12,
        }),
      ],
      [
        new GraphWidget({
          title: 'Table capacity consumed',
          left: [
            props.table.metricConsumedReadCapacityUnits({ period: FIVE_MINUTES }),
            props.table.metricConsumedWriteCapacityUnits({ period: FIVE_MINUTES }),
          ],
          width: 12,
        }),
        new GraphWidget({ title: 'Table throttles and system errors', left: [throttles, systemErrors], width: 12 }),
      ],
      [
        new SingleValueWidget({
          title: 'Members',
          metrics: [measure('MembersTotal'), measure('MembersActive')],
          width: 8,
        }),
        new SingleValueWidget({
          title: 'Outstanding (what the program owes)',
          metrics: [measure('PointsOutstanding'), measure('CashbackOutstandingMinorUnits')],
          width: 8,
        }),
        new SingleValueWidget({
          title: 'Value',
          metrics: [measure('ClvMinorUnits'), measure('AverageSpendPerMemberMinorUnits')],
          width: 8,
        }),
      ],
      [
        new GraphWidget({
          title: 'Loyalty rates (0..1)',
          left: [measure('RepeatCustomerRate'), measure('RetentionRate'), measure('RedemptionRate')],
          width: 12,
        }),
        new GraphWidget({
          title: 'NPS (-100..100) and snapshots',
          left: [measure('Nps')],
          right: [measure(SNAPSHOTS_COMPUTED, 'Sum')],
          width: 12,
        }),
      ],
    ];
  }
}

const pascal = (name: string) =>
  name.replace(/(^|-)([a-z])/g, (_, _dash: string, letter: string) => letter.toUpperCase());
