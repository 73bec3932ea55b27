import { CfnOutput, Duration, Names, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Rule, RuleTargetInput, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { Alias, IFunction } from 'aws-cdk-lib/aws-lambda';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { FunctionName } from '@shared/http/routes';
import { JOB_FUNCTION_ENV } from '@shared/jobs';
import { THROTTLE_TAG_KEY } from '@shared/adapters/api-gateway-throttles';
import type { JobName } from '@shared/schemas/admin';
import type { RegionSettings } from './config/regions';
import { tableAccess, type EntryName } from './config/table-access';
import { BulkImport } from './constructs/bulk-import';
import { ProgramSimulation } from './constructs/program-simulation';
import { SegmentEvaluation } from './constructs/segment-evaluation';
import { METRICS_NAMESPACE, Monitoring, SERVICE_NAME, type ScheduledJob } from './constructs/monitoring';
import { RewardsFunction } from './constructs/rewards-function';
import { RewardsRestApi, STAGE_NAME } from './constructs/rewards-rest-api';
import { RewardsTable } from './constructs/rewards-table';
import { RegionalWaf } from './constructs/regional-waf';
import { EventDelivery } from './constructs/event-delivery';
import { MemberSessionKeys } from './constructs/member-session-keys';

export interface RewardsApiStackProps extends StackProps {
  /** The validated settings of this stack's region (infra/config/regions.ts). */
  settings: RegionSettings;
}

/** The stack name of a region: one independent stack per region. */
export const stackNameFor = (region: string) => `RewardsApi-${region}`;

interface FunctionSpec {
  description: string;
  timeout?: Duration;
  memorySize?: number;
  afterBundling?: (outputDir: string) => string[];
}

const httpFunctions: Record<FunctionName, FunctionSpec> = {
  members: { description: 'Enrolment, member reads, ledger, export and erasure' },
  points: { description: 'Earn and redeem points' },
  cashback: { description: 'Cashback credit and spend, refunds' },
  rewards: { description: 'Rewards catalog' },
  insights: { description: 'NPS answers, non-member purchases, metrics snapshots' },
  admin: { description: 'Program rules and partner keys' },
  events: { description: 'Event feed and webhook endpoints' },
  imports: {
    description: 'Bulk import: start an import, its progress and bad lines; program simulations on the same engine',
  },
  me: { description: "A member's own app (member session token): the /v1/me routes" },
  codes: { description: "Reward codes: the till's validate, use and release; members' codes; pool uploads" },
};
// Jobs are not behind API Gateway, so they may run longer than its 29 s limit.
export const JOB_TIMEOUT = Duration.minutes(5);
/** The time job stops this long before its timeout (functions/time-job.ts SAFETY_MARGIN_MS). */
export const EXPIRY_STOP_MARGIN = Duration.seconds(20);
export type JobEntry = 'metrics-job' | 'time-job';
const jobFunctions: Record<JobEntry, FunctionSpec> = {
  'metrics-job': { description: 'Scheduled metrics snapshot', timeout: JOB_TIMEOUT },
  'time-job': {
    description: 'Scheduled time rules: points expiry, points lots, changes by time, anniversary',
    timeout: JOB_TIMEOUT,
  },
};
/** What `POST /v1/admin/jobs/{job}/run` names each job function (shared/jobs.ts); the event's `job` picks the rules. */
const jobOfRoute: Record<JobName, JobEntry> = {
  metrics: 'metrics-job',
  expiry: 'time-job',
  reminders: 'time-job',
  'time-changes': 'time-job',
};
/** A failed scheduled run is retried by Lambda this often before its event goes to the job's dead-letter queue. */
export const JOB_RETRY_ATTEMPTS = 2;

/**
 * One region of the rewards API: the table, one function per route group, the REST API with
 * the key authorizer, the scheduled jobs, alarms and a dashboard. Nothing in it names a region
 * or an account: both come from the app entry, the rest from the region's settings.
 */
export class RewardsApiStack extends Stack {
  readonly table: RewardsTable;
  readonly api: RewardsRestApi;
  readonly functions: Record<EntryName, IFunction>;
  /** The `live` alias of each function: what API Gateway and the schedules invoke. */
  readonly aliases: Record<EntryName, Alias>;
  /** Where the event of a scheduled run that failed every attempt ends up. */
  readonly jobDeadLetters: Record<JobEntry, Queue>;
  readonly monitoring: Monitoring;
  readonly waf?: RegionalWaf;
  readonly events: EventDelivery;
  readonly bulkImport: BulkImport;
  readonly simulation: ProgramSimulation;
  readonly segmentEvaluation: SegmentEvaluation;
  readonly sessionKeys: MemberSessionKeys;

  constructor(scope: Construct, id: string, props: RewardsApiStackProps) {
    const { settings } = props;
    super(scope, id, {
      description: 'Rewards API: serverless loyalty engine (one independent stack per region)',
      terminationProtection: settings.terminationProtection,
      ...props,
    });
    const logRetention = settings.logRetentionDays as RetentionDays;
    this.table = new RewardsTable(this, 'Storage', { encryption: settings.tableEncryption });
    const table = this.table.table;

    const environment = {
      TABLE_NAME: table.tableName,
      POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
      POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
      DEFAULT_PROGRAM: JSON.stringify(settings.program),
      METRICS_EPOCH: `${settings.launchDate}T00:00:00.000Z`,
      LOG_LEVEL: 'INFO',
      CORS_ALLOWED_ORIGINS: settings.corsOrigins.join(' '),
      ADJUSTMENT_DAILY_POINTS_CAP: String(settings.adjustmentDailyPointsCap),
    };
    // The key page cursors are signed with (HMAC-SHA256), one per region, generated by Secrets
    // Manager at deploy time. It reaches the route functions as an environment variable through a
    // CloudFormation dynamic reference, so it is in neither the template nor the code.
    const cursorSecret = new Secret(this, 'CursorSecret', {
      description: 'Signs page cursors (HMAC-SHA256) so that a cursor cannot be forged or altered',
      generateSecretString: { passwordLength: 48, excludePunctuation: true },
    });
    Validations.of(cursorSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'The cursor key only makes page cursors tamper-evident; rotating it would only invalidate cursors in flight, so it is replaced by redeploying instead of a rotation Lambda.',
    });
    const routeEnvironment = { ...environment, CURSOR_SECRET: cursorSecret.secretValue.unsafeUnwrap() };
    const functions = {} as Record<EntryName, IFunction>;
    const aliases = {} as Record<EntryName, Alias>;
    const make = (entry: EntryName, spec: FunctionSpec, env: Record<string, string> = environment) => {
      const concurrency = settings.functions[entry] ?? {};
      const made = new RewardsFunction(this, `${pascal(entry)}Function`, {
        entry,
        description: spec.description,
        table,
        tableAccess: tableAccess[entry],
        environment: env,
        logRetention,
        ...(spec.timeout ? { timeout: spec.timeout } : {}),
        ...(spec.memorySize ? { memorySize: spec.memorySize } : {}),
        ...(spec.afterBundling ? { afterBundling: spec.afterBundling } : {}),
        ...concurrency,
      });
      functions[entry] = made.function;
      aliases[entry] = made.alias;
      return made.alias;
    };

    const routeFunctions = {} as Record<FunctionName, IFunction>;
    for (const name of Object.keys(httpFunctions) as FunctionName[])
      routeFunctions[name] = make(name, httpFunctions[name], routeEnvironment);
    const publicFunction = make('public', {
      description: 'Health, readiness, OpenAPI document, member token keys, the console and card, 404 and 405',
      memorySize: 512,
      // The console's static files ship beside index.mjs (shared/console/assets.ts reads them there).
      afterBundling: (outputDir) => [
        `node_modules/.bin/tsx shared/console/build.ts "${outputDir}/console"`,
        `node_modules/.bin/tsx shared/card/build.ts "${outputDir}/card"`,
      ],
    });
    const authorizerFunction = make('authorizer', {
      description: 'API key authorizer (TOKEN)',
      timeout: Duration.seconds(5),
      memorySize: 512,
    });
    const sessionKeys = new MemberSessionKeys(this, 'MemberSessionKeys', {
      generations: settings.memberSessionKeys,
    });
    sessionKeys.grantSign(functions.members as NodejsFunction);
    sessionKeys.grantPublicKeys(functions.authorizer as NodejsFunction);
    sessionKeys.grantPublicKeys(functions.public as NodejsFunction);
    this.sessionKeys = sessionKeys;
    const metricsJob = make('metrics-job', jobFunctions['metrics-job']);
    const timeJob = make('time-job', jobFunctions['time-job']);
    // The jobs route starts a job asynchronously: the admin function may invoke the two job aliases, nothing else.
    const adminFunction = functions.admin as NodejsFunction;
    for (const entry of new Set(Object.values(jobOfRoute))) aliases[entry].grantInvoke(adminFunction);
    for (const [job, entry] of Object.entries(jobOfRoute) as [JobName, JobEntry][])
      adminFunction.addEnvironment(JOB_FUNCTION_ENV[job], aliases[entry].functionArn);
    const events = new EventDelivery(this, 'Events', {
      table,
      environment,
      logRetention,
      webhookApi: functions.events as NodejsFunction,
    });
    this.events = events;
    functions['event-fanout'] = events.fanOut;
    functions['webhook-delivery'] = events.delivery;
    const bulkImport = new BulkImport(this, 'BulkImport', {
      table,
      apiFunction: functions.imports as NodejsFunction,
      environment,
      logRetention,
      ...settings.bulkImport,
      workerConcurrency: settings.functions['import-worker'] ?? {},
    });
    this.bulkImport = bulkImport;
    functions['import-worker'] = bulkImport.worker;
    this.simulation = new ProgramSimulation(this, 'ProgramSimulation', {
      worker: bulkImport.worker,
      apiFunction: functions.imports as NodejsFunction,
      logRetention,
    });
    // A new segment's evaluation over every member: the same worker, started by the segment routes (members).
    this.segmentEvaluation = new SegmentEvaluation(this, 'SegmentEvaluation', {
      worker: bulkImport.worker,
      apiFunction: functions.members as NodejsFunction,
      role: this.simulation.stateMachine.role,
      logs: this.simulation.logs,
    });
    this.functions = functions;
    this.aliases = aliases;

    const defaultUsageKey = `default-usage-${Names.uniqueId(this)}`;
    this.api = new RewardsRestApi(this, 'Http', {
      routeFunctions,
      publicFunction,
      authorizerFunction,
      authorizerCacheSeconds: settings.authorizerCacheSeconds,
      throttling: settings.throttling,
      partnerDefault: { rateLimit: settings.partnerRateLimit.perSecond, burstLimit: settings.partnerRateLimit.burst },
      logRetention,
      loggingRole: settings.apiGatewayLoggingRole,
      waf: settings.waf,
      ...(settings.customDomain ? { customDomain: settings.customDomain } : {}),
      corsOrigins: settings.corsOrigins,
      defaultUsageKey,
    });
    this.grantPartnerThrottles(functions.admin as NodejsFunction, functions.authorizer as NodejsFunction, {
      defaultUsageKey,
      partnerRateLimit: settings.partnerRateLimit,
    });
    if (settings.waf)
      this.waf = new RegionalWaf(this, 'Waf', {
        stageArn: this.api.api.deploymentStage.stageArn,
        ratePer5Minutes: settings.wafRateLimitPer5Minutes,
        unauthenticatedRatePer5Minutes: settings.wafUnauthenticatedRateLimitPer5Minutes,
      });

    // EventBridge invokes the jobs asynchronously: Lambda retries a failed run, then hands the event to
    // the job's queue; EventBridge's own queue catches the events it could not deliver at all.
    const deadLetters = (name: JobEntry) => {
      const queue = new Queue(this, `${pascal(name)}DeadLetters`, {
        encryption: QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        retentionPeriod: Duration.days(14),
      });
      Validations.of(queue).acknowledge({
        id: 'AwsSolutions-SQS3',
        reason:
          'This queue IS a dead-letter queue (Lambda on-failure destination and EventBridge target DLQ); cdk-nag only recognises SQS redrive policies.',
      });
      aliases[name].configureAsyncInvoke({
        retryAttempts: JOB_RETRY_ATTEMPTS,
        maxEventAge: Duration.hours(1),
        onFailure: new SqsDestination(queue),
      });
      return queue;
    };
    this.jobDeadLetters = {
      'metrics-job': deadLetters('metrics-job'),
      'time-job': deadLetters('time-job'),
    };
    new Rule(this, 'MetricsSchedule', {
      description: 'Computes a metrics snapshot',
      schedule: Schedule.expression(settings.metricsSchedule),
      targets: [
        new LambdaFunction(metricsJob, {
          retryAttempts: JOB_RETRY_ATTEMPTS,
          deadLetterQueue: this.jobDeadLetters['metrics-job'],
        }),
      ],
    });
    new Rule(this, 'TimeChangesSchedule', {
      // Balances need no job (pending cashback is settled on every read and write); the events do.
      description: 'Emits the events of changes by time alone (cashback.available, tier.changed down)',
      schedule: Schedule.expression(settings.timeChangesSchedule),
      targets: [
        new LambdaFunction(timeJob, {
          event: RuleTargetInput.fromObject({ source: 'schedule', job: 'time-changes' }),
          retryAttempts: JOB_RETRY_ATTEMPTS,
          deadLetterQueue: this.jobDeadLetters['time-job'],
        }),
      ],
    });
    new Rule(this, 'ExpirySchedule', {
      description: 'Expires the points of members inactive for the program months',
      schedule: Schedule.expression(settings.expirySchedule),
      targets: [
        new LambdaFunction(timeJob, {
          event: RuleTargetInput.fromObject({ source: 'schedule', job: 'expiry' }),
          retryAttempts: JOB_RETRY_ATTEMPTS,
          deadLetterQueue: this.jobDeadLetters['time-job'],
        }),
      ],
    });

    const jobs: ScheduledJob[] = [
      {
        name: 'metrics-job',
        fn: functions['metrics-job'],
        timeout: JOB_TIMEOUT,
        deadLetters: this.jobDeadLetters['metrics-job'],
      },
      {
        name: 'time-job',
        fn: functions['time-job'],
        timeout: JOB_TIMEOUT,
        deadLetters: this.jobDeadLetters['time-job'],
        // The run stops with members left in the indexes once less than this margin remains.
        stopsEarlyAfter: JOB_TIMEOUT.minus(EXPIRY_STOP_MARGIN),
      },
    ];
    this.monitoring = new Monitoring(this, 'Monitoring', {
      api: this.api.api,
      stageName: STAGE_NAME,
      accessLogs: this.api.accessLogs,
      table,
      functions,
      authorizer: functions.authorizer,
      metricsJob: functions['metrics-job'],
      jobs,
      ...(settings.alarmEmail ? { alarmEmail: settings.alarmEmail } : {}),
      thresholds: settings.alarms,
    });
    events.notify(this.monitoring.topic);

    new CfnOutput(this, 'ApiUrl', { value: this.api.url, description: 'Base URL of the API (routes start with /v1)' });
    if (this.api.domain)
      new CfnOutput(this, 'DomainTarget', {
        value: this.api.domain.domainNameAliasDomainName,
        description: 'Point the custom domain here (CNAME, or a Route 53 alias record)',
      });
    new CfnOutput(this, 'TableName', { value: table.tableName, description: 'The table (for npm run admin-key)' });
    new CfnOutput(this, 'AlarmTopicArn', {
      value: this.monitoring.topic.topicArn,
      description: 'Subscribe here for alarms',
    });
  }

  /**
   * Per-partner throttles on AWS: the admin function creates and deletes each partner's usage
   * plan and API key on this API's stage (and nothing else); the authorizer returns the default
   * plan's key for keys without a plan of their own. The keys and plans it makes carry the tag
   * `rewards-api:stack` = this API's id, given at creation: IAM lets it create only keys and plans
   * with that tag (and no other) and change or delete only those with it, so the account's other
   * keys and plans are out of its reach.
   */
  private grantPartnerThrottles(
    admin: NodejsFunction,
    authorizer: NodejsFunction,
    settings: { defaultUsageKey: string; partnerRateLimit: { perSecond: number; burst: number } },
  ): void {
    const api = this.api.api;
    const tag = api.restApiId;
    admin.addEnvironment('REST_API_ID', api.restApiId);
    admin.addEnvironment('API_STAGE', STAGE_NAME);
    admin.addEnvironment('THROTTLE_TAG', tag);
    admin.addEnvironment('PARTNER_RATE_LIMIT', JSON.stringify(settings.partnerRateLimit));
    authorizer.addEnvironment('DEFAULT_USAGE_KEY', settings.defaultUsageKey);
    const resource = (path: string) => `arn:${this.partition}:apigateway:${this.region}::${path}`;
    const requestTagged = {
      StringEquals: { [`aws:RequestTag/${THROTTLE_TAG_KEY}`]: tag },
      'ForAllValues:StringEquals': { 'aws:TagKeys': [THROTTLE_TAG_KEY] },
    };
    // Creating a key or a plan (and tagging it in the same call) only with this API's tag.
    admin.addToRolePolicy(
      new PolicyStatement({
        actions: ['apigateway:POST'],
        resources: [resource('/apikeys'), resource('/usageplans')],
        conditions: requestTagged,
      }),
    );
    admin.addToRolePolicy(
      new PolicyStatement({ actions: ['apigateway:PUT'], resources: [resource('/tags/*')], conditions: requestTagged }),
    );
    // Changing, filling and deleting only the keys and plans that carry it.
    const perPartner = ['/apikeys/*', '/usageplans/*', '/usageplans/*/keys', '/usageplans/*/keys/*'];
    admin.addToRolePolicy(
      new PolicyStatement({
        actions: ['apigateway:POST', 'apigateway:PATCH', 'apigateway:DELETE'],
        resources: perPartner.map(resource),
        conditions: { StringEquals: { [`aws:ResourceTag/${THROTTLE_TAG_KEY}`]: tag } },
      }),
    );
    const role = admin.role;
    if (role)
      Validations.of(role).acknowledge(
        ...[...perPartner, '/tags/*'].map((path) => ({
          id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:apigateway:${this.region}::${path}]`,
          reason:
            "A partner's API key and usage plan get their ids from API Gateway when the partner is created; " +
            "IAM cannot name them in advance, so the grant is limited by this API's tag on them instead " +
            '(aws:ResourceTag to change or delete, aws:RequestTag to create and tag).',
        })),
      );
    // Attaching a plan to the stage is checked against the stage too.
    admin.addToRolePolicy(
      new PolicyStatement({
        actions: ['apigateway:GET', 'apigateway:PATCH'],
        resources: [resource(`/restapis/${api.restApiId}/stages/${STAGE_NAME}`)],
      }),
    );
  }
}

const pascal = (name: string) =>
  name.replace(/(^|-)([a-z])/g, (_, _dash: string, letter: string) => letter.toUpperCase());
