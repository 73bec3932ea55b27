import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import {
  ApplicationLogLevel,
  Architecture,
  LoggingFormat,
  Runtime,
  SystemLogLevel,
  Tracing,
} from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { RUNTIME_PROVIDED_MODULES } from './bundling';

const repositoryRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Every Lambda entry point of functions/ (the list is written once, in the route table). */
import type { EntryName } from '@shared/http/routes';

export type { EntryName };

/**
 * What a function may do on the table, derived from the store code it runs:
 * - `none`: never touches DynamoDB (health, OpenAPI, 404/405).
 * - `key-lookup`: GetItem only (the authorizer resolves a key hash).
 * - `read-write`: GetItem and Query on the table, PutItem (idempotency record of a refusal) and
 *   the item actions a TransactWriteItems is authorized by (Put/Update/Delete/ConditionCheck).
 * `queryIndexes` adds Query on the named indexes only; `batchGet` adds BatchGetItem (the
 * snapshot computation reads many members' items at once).
 */
export interface TableAccess {
  mode: 'none' | 'key-lookup' | 'read-write';
  queryIndexes?: readonly string[];
  batchGet?: boolean;
}

const READ_WRITE_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:Query',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:ConditionCheckItem',
];

export interface RewardsFunctionProps {
  entry: EntryName;
  description: string;
  table: ITable;
  tableAccess: TableAccess;
  environment: Record<string, string>;
  logRetention: RetentionDays;
  /** API functions stay well under API Gateway's 29 s integration timeout. */
  timeout?: Duration;
  memorySize?: number;
  /** Shell commands run after esbuild, in the repository root, to add files beside the bundle. */
  afterBundling?: (outputDir: string) => string[];
}

/**
 * A Lambda function with every default of the project: Node.js 24 on arm64, bundled with the
 * local esbuild (no Docker) as minified ESM with source maps, X-Ray tracing, JSON logs in its
 * own log group with retention, and a role that holds only what the function needs.
 */
export class RewardsFunction extends Construct {
  readonly function: NodejsFunction;
  readonly role: Role;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: RewardsFunctionProps) {
    super(scope, id);
    this.logGroup = new LogGroup(this, 'Logs', { retention: props.logRetention });
    // An own role instead of the AWSLambdaBasicExecutionRole managed policy: it may write only to this log group.
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Runs the ${props.entry} function`,
    });
    this.role.addToPolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [this.logGroup.logGroupArn],
      }),
    );

    this.function = new NodejsFunction(this, 'Function', {
      entry: join(repositoryRoot, 'functions', `${props.entry}.ts`),
      handler: 'handler',
      description: props.description,
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 1024,
      timeout: props.timeout ?? Duration.seconds(10),
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: LoggingFormat.JSON,
      applicationLogLevelV2: ApplicationLogLevel.INFO,
      systemLogLevelV2: SystemLogLevel.WARN,
      tracing: Tracing.ACTIVE,
      environment: { ...props.environment, NODE_OPTIONS: '--enable-source-maps' },
      projectRoot: repositoryRoot,
      depsLockFilePath: join(repositoryRoot, 'package-lock.json'),
      bundling: {
        forceDockerBundling: false,
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        target: 'node24',
        format: OutputFormat.ESM,
        mainFields: ['module', 'main'],
        // CommonJS dependencies call require(); ESM output has none unless the bundle creates it.
        banner:
          "import { createRequire as topLevelCreateRequire } from 'node:module'; const require = topLevelCreateRequire(import.meta.url);",
        // esbuild resolves the @shared/@functions aliases from the paths of this tsconfig.
        tsconfig: join(repositoryRoot, 'tsconfig.json'),
        // The AWS SDK v3 comes from the nodejs24.x runtime (see ./bundling.ts).
        externalModules: [...RUNTIME_PROVIDED_MODULES],
        ...(props.afterBundling
          ? {
              commandHooks: {
                beforeBundling: () => [],
                beforeInstall: () => [],
                afterBundling: (_inputDir: string, outputDir: string) => props.afterBundling?.(outputDir) ?? [],
              },
            }
          : {}),
      },
    });

    this.grantTable(props.table, props.tableAccess);
    // Tracing.ACTIVE adds xray:PutTraceSegments/PutTelemetryRecords on "*" to the role's default policy.
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'X-Ray PutTraceSegments and PutTelemetryRecords do not support resource-level permissions; "*" is the only possible resource.',
    });
  }

  private grantTable(table: ITable, access: TableAccess): void {
    if (access.mode === 'none') return;
    const actions =
      access.mode === 'key-lookup'
        ? ['dynamodb:GetItem']
        : [...READ_WRITE_ACTIONS, ...(access.batchGet ? ['dynamodb:BatchGetItem'] : [])];
    this.role.addToPolicy(new PolicyStatement({ effect: Effect.ALLOW, actions, resources: [table.tableArn] }));
    const indexArns = (access.queryIndexes ?? []).map((indexName) => `${table.tableArn}/index/${indexName}`);
    if (indexArns.length > 0)
      this.role.addToPolicy(
        new PolicyStatement({ effect: Effect.ALLOW, actions: ['dynamodb:Query'], resources: indexArns }),
      );
    const key = table.encryptionKey;
    if (key) {
      const keyActions =
        access.mode === 'key-lookup'
          ? ['kms:Decrypt', 'kms:DescribeKey']
          : ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey'];
      this.role.addToPolicy(
        new PolicyStatement({ effect: Effect.ALLOW, actions: keyActions, resources: [key.keyArn] }),
      );
    }
  }
}
