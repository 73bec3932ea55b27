import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { FunctionName } from '@shared/http/routes';
import { indexNames } from '@shared/store/table';
import type { RegionSettings } from './config/regions';
import { BulkImport } from './constructs/bulk-import';
import { METRICS_NAMESPACE, Monitoring, SERVICE_NAME } from './constructs/monitoring';
import { RewardsFunction, type EntryName, type TableAccess } from './constructs/rewards-function';
import { RewardsRestApi, STAGE_NAME } from './constructs/rewards-rest-api';
import { RewardsTable } from './constructs/rewards-table';

export interface RewardsApiStackProps extends StackProps {
  /** The validated settings of this stack's region (infra/config/regions.ts). */
  settings: RegionSettings;
}

/** The stack name of a region: one independent stack per region. */
export const stackNameFor = (region: string) => `RewardsApi-${region}`;

interface FunctionSpec {
  description: string;
  access: TableAccess;
  timeout?: Duration;
  memorySize?: number;
  afterBundling?: (outputDir: string) => string[];
}

/**
 * What each entry point may do on the table, from the store code it runs. The HTTP functions
 * read and write items (their use cases commit with TransactWriteItems); only the jobs and the
 * snapshot route query an index (each only the one it reads) or batch-read members.
 */
const readWrite: TableAccess = { mode: 'read-write' };
const httpFunctions: Record<FunctionName, FunctionSpec> = {
  members: { description: 'Enrolment, member reads, ledger, export and erasure', access: readWrite },
  points: { description: 'Earn and redeem points', access: readWrite },
  cashback: { description: 'Cashback credit and spend, refunds', access: readWrite },
  rewards: { description: 'Rewards catalog', access: readWrite },
  insights: {
    description: 'NPS answers, non-member purchases, metrics snapshots',
    access: { mode: 'read-write', queryIndexes: [indexNames.activityByDay], batchGet: true },
  },
  admin: { description: 'Program rules and partner keys', access: readWrite },
  imports: { description: 'Bulk import: start an import, its progress and bad lines', access: readWrite },
};
// Jobs are not behind API Gateway, so they may run longer than its 29 s limit.
const jobFunctions: Record<'metrics-job' | 'expiry-job', FunctionSpec> = {
  'metrics-job': {
    description: 'Scheduled metrics snapshot',
    access: { mode: 'read-write', queryIndexes: [indexNames.activityByDay], batchGet: true },
    timeout: Duration.minutes(5),
  },
  'expiry-job': {
    description: 'Scheduled points expiry',
    access: { mode: 'read-write', queryIndexes: [indexNames.dueByDay] },
    timeout: Duration.minutes(5),
  },
};

/**
 * One region of the rewards API: the table, one function per route group, the REST API with
 * the key authorizer, the scheduled jobs, alarms and a dashboard. Nothing in it names a region
 * or an account: both come from the app entry, the rest from the region's settings.
 */
export class RewardsApiStack extends Stack {
  readonly table: RewardsTable;
  readonly api: RewardsRestApi;
  readonly functions: Record<EntryName, IFunction>;
  readonly monitoring: Monitoring;

  constructor(scope: Construct, id: string, props: RewardsApiStackProps) {
    super(scope, id, {
      description: 'Rewards API: serverless loyalty engine (one independent stack per region)',
      ...props,
    });
    const { settings } = props;
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
    };
    const make = (entry: EntryName, spec: FunctionSpec) =>
      new RewardsFunction(this, `${pascal(entry)}Function`, {
        entry,
        description: spec.description,
        table,
        tableAccess: spec.access,
        environment,
        logRetention,
        ...(spec.timeout ? { timeout: spec.timeout } : {}),
        ...(spec.memorySize ? { memorySize: spec.memorySize } : {}),
        ...(spec.afterBundling ? { afterBundling: spec.afterBundling } : {}),
      }).function;

    const routeFunctions = {} as Record<FunctionName, IFunction>;
    for (const name of Object.keys(httpFunctions) as FunctionName[])
      routeFunctions[name] = make(name, httpFunctions[name]);
    const publicFunction = make('public', {
      description: 'Health, OpenAPI document, the console, 404 and 405 answers',
      access: { mode: 'none' },
      memorySize: 512,
      // The console's static files ship beside index.mjs (shared/console/assets.ts reads them there).
      afterBundling: (outputDir) => [`node_modules/.bin/tsx shared/console/build.ts "${outputDir}/console"`],
    });
    const authorizerFunction = make('authorizer', {
      description: 'API key authorizer (TOKEN)',
      access: { mode: 'key-lookup' },
      timeout: Duration.seconds(5),
      memorySize: 512,
    });
    const metricsJob = make('metrics-job', jobFunctions['metrics-job']);
    const expiryJob = make('expiry-job', jobFunctions['expiry-job']);
    const bulkImport = new BulkImport(this, 'BulkImport', {
      table,
      apiFunction: routeFunctions.imports,
      environment,
      logRetention,
      ...settings.bulkImport,
    });
    this.functions = {
      ...routeFunctions,
      'import-worker': bulkImport.worker,
      public: publicFunction,
      authorizer: authorizerFunction,
      'metrics-job': metricsJob,
      'expiry-job': expiryJob,
    };

    this.api = new RewardsRestApi(this, 'Http', {
      routeFunctions,
      publicFunction,
      authorizerFunction,
      authorizerCacheSeconds: settings.authorizerCacheSeconds,
      throttling: settings.throttling,
      logRetention,
    });

    new Rule(this, 'MetricsSchedule', {
      description: 'Computes a metrics snapshot',
      schedule: Schedule.expression(settings.metricsSchedule),
      targets: [new LambdaFunction(metricsJob, { retryAttempts: 2 })],
    });
    new Rule(this, 'ExpirySchedule', {
      // Pending cashback needs no job: it is settled on every read and write (shared/domain/cashback.ts).
      description: 'Expires the points of members inactive for the program months',
      schedule: Schedule.expression(settings.expirySchedule),
      targets: [new LambdaFunction(expiryJob, { retryAttempts: 2 })],
    });

    this.monitoring = new Monitoring(this, 'Monitoring', {
      api: this.api.api,
      stageName: STAGE_NAME,
      table,
      functions: this.functions,
      metricsJob,
      ...(settings.alarmEmail ? { alarmEmail: settings.alarmEmail } : {}),
      thresholds: settings.alarms,
    });

    new CfnOutput(this, 'ApiUrl', { value: this.api.url, description: 'Base URL of the API (routes start with /v1)' });
    new CfnOutput(this, 'TableName', { value: table.tableName, description: 'The table (for npm run admin-key)' });
    new CfnOutput(this, 'AlarmTopicArn', {
      value: this.monitoring.topic.topicArn,
      description: 'Subscribe here for alarms',
    });
  }
}

const pascal = (name: string) =>
  name.replace(/(^|-)([a-z])/g, (_, _dash: string, letter: string) => letter.toUpperCase());
