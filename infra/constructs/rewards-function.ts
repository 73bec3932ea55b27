import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, Stack, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, Policy, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import {
  Alias,
  ApplicationLogLevel,
  Architecture,
  type CfnFunction,
  LoggingFormat,
  Runtime,
  SystemLogLevel,
  Tracing,
} from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { WRITE_ACTIONS, type EntryName, type TableAccess } from '../config/table-access';
import { builtinAliases, LAMBDA_BUNDLING, LAMBDA_NODE_OPTIONS } from './bundling';

const repositoryRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export type { TableAccess } from '../config/table-access';
/** Every Lambda entry point of functions/ (the list is written once, in the route table). */
export type { EntryName } from '@shared/http/routes';

const dynamo = (action: string) => `dynamodb:${action}`;

/** Powertools' settings that would put answers and errors (keys, secrets, personal data) in X-Ray traces. */
export const TRACE_CAPTURE_OFF = {
  POWERTOOLS_TRACER_CAPTURE_RESPONSE: 'false',
  POWERTOOLS_TRACER_CAPTURE_ERROR: 'false',
} as const;

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
  /** Concurrency kept for (and capped at) this function; none: it shares the account's pool. */
  reservedConcurrency?: number;
  /** Pre-initialised instances of the `live` alias; none: on-demand only. */
  provisionedConcurrency?: number;
}

/**
 * A Lambda function with every default of the project: Node.js 24 on arm64, bundled with the
 * local esbuild (no Docker) as minified ESM with its source map beside it (./bundling.ts), X-Ray
 * tracing, JSON logs in its own log group with retention, and a role that holds only what the
 * function needs.
 */
export class RewardsFunction extends Construct {
  readonly function: NodejsFunction;
  /** `live`: what API Gateway and the schedules invoke; provisioned concurrency is set on it. */
  readonly alias: Alias;
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
      // Tracing.ACTIVE would add the X-Ray statement to the role's default policy; it gets its own policy below.
      tracing: Tracing.DISABLED,
      ...(props.reservedConcurrency !== undefined ? { reservedConcurrentExecutions: props.reservedConcurrency } : {}),
      environment: {
        ...props.environment,
        // Traces never hold an answer nor an error's message (shared/observability.ts fixes the same in code).
        ...TRACE_CAPTURE_OFF,
        ...(LAMBDA_NODE_OPTIONS.length > 0 ? { NODE_OPTIONS: LAMBDA_NODE_OPTIONS.join(' ') } : {}),
      },
      projectRoot: repositoryRoot,
      depsLockFilePath: join(repositoryRoot, 'package-lock.json'),
      bundling: {
        forceDockerBundling: false,
        // The settings the benchmark bundles with too (./bundling.ts): minified ESM with a source map, the
        // DynamoDB client of the AWS SDK bundled (other clients from the runtime), node:http(s) as CommonJS.
        ...LAMBDA_BUNDLING,
        mainFields: [...LAMBDA_BUNDLING.mainFields],
        externalModules: [...LAMBDA_BUNDLING.externalModules],
        format: OutputFormat.ESM,
        esbuildArgs: {
          '--alias': Object.entries(builtinAliases()).map(([name, path]) => `${name}=${path}`),
        },
        // esbuild resolves the @shared/@functions aliases from the paths of this tsconfig.
        tsconfig: join(repositoryRoot, 'tsconfig.json'),
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

    (this.function.node.defaultChild as CfnFunction).tracingConfig = { mode: Tracing.ACTIVE };
    this.alias = new Alias(this, 'Live', {
      aliasName: 'live',
      version: this.function.currentVersion,
      ...(props.provisionedConcurrency ? { provisionedConcurrentExecutions: props.provisionedConcurrency } : {}),
    });

    this.grantTable(props.table, props.tableAccess);
    xrayWritePolicy(this).attachToRole(this.role);
  }

  /**
   * One statement per grant of the function's declaration, each limited to the partitions it names
   * (dynamodb:LeadingKeys is checked on every key of a request, batches and transactions included).
   */
  private grantTable(table: ITable, access: TableAccess): void {
    for (const grant of access.items ?? [])
      this.role.addToPolicy(
        new PolicyStatement({
          effect: Effect.ALLOW,
          actions: grant.actions.map(dynamo),
          resources: [table.tableArn],
          conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [...grant.partitions] } },
        }),
      );
    if (access.scan)
      this.role.addToPolicy(
        new PolicyStatement({ effect: Effect.ALLOW, actions: ['dynamodb:Scan'], resources: [table.tableArn] }),
      );
    const indexArns = (access.queryIndexes ?? []).map((indexName) => `${table.tableArn}/index/${indexName}`);
    if (indexArns.length > 0)
      this.role.addToPolicy(
        new PolicyStatement({ effect: Effect.ALLOW, actions: ['dynamodb:Query'], resources: indexArns }),
      );
    const key = table.encryptionKey;
    if (key && (access.items?.length || indexArns.length > 0)) {
      const writes = (access.items ?? []).some((grant) =>
        grant.actions.some((action) => WRITE_ACTIONS.includes(action)),
      );
      const keyActions = writes
        ? ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey']
        : ['kms:Decrypt', 'kms:DescribeKey'];
      this.role.addToPolicy(
        new PolicyStatement({ effect: Effect.ALLOW, actions: keyActions, resources: [key.keyArn] }),
      );
    }
  }
}

/**
 * X-Ray's two write actions support no resource-level permissions, so they sit in a policy of their
 * own and the acknowledgement covers that policy only: a "*" anywhere else still fails the synth. One
 * policy per stack, attached to every function's role: a policy per function cost a CloudFormation
 * resource each, and a stack holds at most 500.
 */
function xrayWritePolicy(scope: Construct): Policy {
  const stack = Stack.of(scope);
  const existing = stack.node.tryFindChild('XRayWrite');
  if (existing) return existing as Policy;
  const xray = new Policy(stack, 'XRayWrite', {
    statements: [
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'],
        resources: ['*'],
      }),
    ],
  });
  Validations.of(xray).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason:
      'X-Ray PutTraceSegments and PutTelemetryRecords do not support resource-level permissions; "*" is the only possible resource.',
  });
  return xray;
}
