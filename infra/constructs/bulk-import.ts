import { Duration, RemovalPolicy, Stack, Validations, type CfnElement } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Rule } from 'aws-cdk-lib/aws-events';
import { SfnStateMachine } from 'aws-cdk-lib/aws-events-targets';
import { RuleTargetInput, EventField } from 'aws-cdk-lib/aws-events';
import { Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { BlockPublicAccess, Bucket, BucketEncryption, CfnBucket, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import {
  DefinitionBody,
  DistributedMap,
  ItemBatcher,
  JsonPath,
  LogLevel,
  S3JsonItemReader,
  StateMachine,
  Succeed,
  TaskInput,
} from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct, type IConstruct } from 'constructs';
import { tableAccess } from '../config/table-access';
import { RewardsFunction } from './rewards-function';

export interface BulkImportProps {
  table: ITable;
  /** The function of the import routes: it stores inline files, signs upload URLs and starts runs. */
  apiFunction: NodejsFunction;
  environment: Record<string, string>;
  logRetention: RetentionDays;
  /** Worker Lambdas at once per map; each applies LINE_CONCURRENCY lines at once. */
  maxConcurrency?: number;
  /** Chunks (of 250 lines) per worker invocation. */
  chunksPerBatch?: number;
  /** Share of bad lines above which an import stops (IMPORT_MAX_BAD_SHARE). */
  maxBadShare?: number;
  /** Reserved (and provisioned) concurrency of the worker, from the region's function settings. */
  workerConcurrency?: { reservedConcurrency?: number; provisionedConcurrency?: number };
}

export const UPLOAD_RETENTION_DAYS = 7;

/**
 * Bulk import on AWS: a private bucket for the files, and a state machine that plans the file
 * (a worker Lambda streams it once and writes a manifest of chunks: byte ranges of whole
 * lines), then runs a Distributed Map over that manifest for member lines and another for
 * purchase lines, handing batches of chunks to the worker with bounded concurrency, retries
 * with backoff, and no tolerated failure (a chunk that keeps failing, or an import with too
 * many bad lines, stops the run; the worker's checkpoints make a redrive resume it).
 * Why not the map's own JSONL reader: its items carry no line number, and a line that is not
 * JSON would fail the reader instead of being reported.
 */
export class BulkImport extends Construct {
  readonly bucket: Bucket;
  readonly worker: LambdaFunction;
  readonly stateMachine: StateMachine;

  constructor(scope: Construct, id: string, props: BulkImportProps) {
    super(scope, id);
    this.bucket = new Bucket(this, 'Files', {
      // SSE-KMS with the account's aws/s3 key (no key policy to run; S3 uses it for any principal allowed the object),
      // with a bucket key so a million-line import does not make a KMS call per read.
      encryption: BucketEncryption.KMS_MANAGED,
      bucketKeyEnabled: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      // Uploads, inline files and manifests are working copies: the members are in the table.
      lifecycleRules: [
        { expiration: Duration.days(UPLOAD_RETENTION_DAYS), abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: false,
    });
    // S3 → EventBridge set on the bucket itself: the L2 switch would add a custom-resource Lambda to do the same.
    (this.bucket.node.defaultChild as CfnBucket).notificationConfiguration = {
      eventBridgeConfiguration: { eventBridgeEnabled: true },
    };
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'Import files live at most 7 days and are written only through the admin import route (presigned, audited by the API access logs); server access logs would outlive the data they describe.',
    });

    const environment = {
      ...props.environment,
      IMPORT_BUCKET: this.bucket.bucketName,
      IMPORT_MAX_BAD_SHARE: String(props.maxBadShare ?? 0.1),
    };
    const workerFunction = new RewardsFunction(this, 'Worker', {
      entry: 'import-worker',
      description: 'Bulk import: plans a file into chunks and applies chunks of lines',
      table: props.table,
      tableAccess: tableAccess['import-worker'],
      environment,
      logRetention: props.logRetention,
      timeout: Duration.minutes(5),
      ...props.workerConcurrency,
    });
    this.worker = workerFunction.function;
    // Least privilege: read the files, write only manifests (no delete, no listing, no other action).
    const objects = (...prefixes: string[]) => prefixes.map((prefix) => this.bucket.arnForObjects(`${prefix}/*`));
    workerFunction.role.addToPolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['s3:GetObject'],
        resources: objects('imports', 'uploads'),
      }),
    );
    workerFunction.role.addToPolicy(
      new PolicyStatement({ effect: Effect.ALLOW, actions: ['s3:PutObject'], resources: objects('manifests') }),
    );

    const invoke = (name: string, payload: TaskInput) =>
      new LambdaInvoke(this, name, {
        lambdaFunction: this.worker,
        payload,
        payloadResponseOnly: true,
        retryOnServiceExceptions: true,
      });
    const plan = invoke('Plan', TaskInput.fromObject({ action: 'plan', 'bucket.$': '$.bucket', 'key.$': '$.key' }));
    const complete = (name: string, failed: boolean) =>
      invoke(name, TaskInput.fromObject({ action: 'complete', 'importId.$': '$.importId', failed }));
    const completeFailed = complete('CompleteFailed', true);

    const phaseMap = (phase: 'members' | 'purchases') => {
      const map = new DistributedMap(this, `Apply${phase === 'members' ? 'Members' : 'Purchases'}`, {
        itemReader: new S3JsonItemReader({ bucket: this.bucket, key: JsonPath.stringAt('$.manifestKey') }),
        itemBatcher: new ItemBatcher({
          maxItemsPerBatch: props.chunksPerBatch ?? 4,
          batchInput: { 'importId.$': '$.importId', 'key.$': '$.key', phase },
        }),
        maxConcurrency: props.maxConcurrency ?? 10,
        toleratedFailurePercentage: 0,
        resultPath: JsonPath.DISCARD,
      });
      const applyChunks = new LambdaInvoke(this, `ApplyChunks${phase === 'members' ? 'Members' : 'Purchases'}`, {
        lambdaFunction: this.worker,
        payloadResponseOnly: true,
        retryOnServiceExceptions: false,
      });
      // An import stopped for bad lines is final; anything else (throttles, timeouts) is retried with backoff.
      applyChunks.addRetry({ errors: ['ImportStopped'], maxAttempts: 0 });
      applyChunks.addRetry({
        errors: ['States.ALL'],
        interval: Duration.seconds(2),
        backoffRate: 2,
        maxAttempts: 6,
        maxDelay: Duration.seconds(60),
        jitterStrategy: undefined,
      });
      map.itemProcessor(applyChunks);
      map.addCatch(completeFailed, { resultPath: JsonPath.DISCARD });
      return map;
    };

    const definition = plan
      .next(phaseMap('members'))
      .next(phaseMap('purchases'))
      .next(complete('Complete', false))
      .next(new Succeed(this, 'Imported'));
    const logs = new LogGroup(this, 'StateMachineLogs', { retention: props.logRetention });
    this.stateMachine = new StateMachine(this, 'StateMachine', {
      definitionBody: DefinitionBody.fromChainable(definition),
      comment: 'Bulk import: plan a file into chunks, apply member lines, then purchase lines',
      tracingEnabled: true,
      logs: { destination: logs, level: LogLevel.ALL, includeExecutionData: false },
    });

    // An upload that lands starts its import (the route starts inline files itself).
    new Rule(this, 'UploadLanded', {
      description: 'Starts the import of a file PUT to its upload URL',
      eventPattern: {
        source: ['aws.s3'],
        detailType: ['Object Created'],
        detail: { bucket: { name: [this.bucket.bucketName] }, object: { key: [{ prefix: 'uploads/' }] } },
      },
      targets: [
        new SfnStateMachine(this.stateMachine, {
          input: RuleTargetInput.fromObject({
            bucket: EventField.fromPath('$.detail.bucket.name'),
            key: EventField.fromPath('$.detail.object.key'),
          }),
          retryAttempts: 4,
        }),
      ],
    });

    // The import routes: store inline files, sign upload URLs (PutObject on uploads/), start runs.
    const api = props.apiFunction;
    api.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['s3:PutObject'],
        resources: objects('imports', 'uploads'),
      }),
    );
    this.stateMachine.grantStartExecution(api);
    api.addEnvironment('IMPORT_BUCKET', this.bucket.bucketName);
    api.addEnvironment('IMPORT_STATE_MACHINE_ARN', this.stateMachine.stateMachineArn);
    this.acknowledgeWildcards(api);
  }

  /**
   * The wildcards that remain are the narrowest IAM can say: objects under a prefix (named by
   * import id at run time), the worker's versions, the map's child executions of this state
   * machine, and X-Ray/log delivery (no resource-level permissions).
   */
  private acknowledgeWildcards(api: NodejsFunction): void {
    const stack = Stack.of(this);
    const id = (element: IConstruct) => stack.getLogicalId(element.node.defaultChild as CfnElement);
    const [bucket, worker, machine] = [id(this.bucket), id(this.worker), id(this.stateMachine)];
    const execution = `arn:<AWS::Partition>:states:${stack.region}:<AWS::AccountId>:execution:{"Fn::Select":[6,{"Fn::Split":[":",{"Ref":"${machine}"}]}]}`;
    const prefixes = (...names: string[]) =>
      names.map((name) => `AwsSolutions-IAM5[Resource::<${bucket}.Arn>/${name}/*]`);
    const acknowledge = (scope: IConstruct, ids: string[], reason: string) =>
      Validations.of(scope).acknowledge(...ids.map((ruleId) => ({ id: ruleId, reason })));
    const objectReason =
      'Import files are named by import id at run time; the grant is s3:GetObject or s3:PutObject on one prefix of the import bucket only.';
    acknowledge(this.worker.role ?? this.worker, prefixes('imports', 'uploads', 'manifests'), objectReason);
    acknowledge(api.role ?? api, prefixes('imports', 'uploads'), objectReason);
    acknowledge(
      this.stateMachine,
      [`AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::<${bucket}>/*]`],
      "The Distributed Map's item reader reads the chunk manifest, named by import id at run time, from the import bucket.",
    );
    acknowledge(
      this.stateMachine,
      [`AwsSolutions-IAM5[Resource::<${worker}.Arn>:*]`],
      'Step Functions invokes the worker function and its versions; it may invoke no other function.',
    );
    acknowledge(
      this.stateMachine,
      [`AwsSolutions-IAM5[Resource::${execution}:*]`, `AwsSolutions-IAM5[Resource::${execution}/*:*]`],
      "A Distributed Map runs its items as child executions of this state machine; only this state machine's executions are named.",
    );
    acknowledge(
      this.stateMachine,
      ['AwsSolutions-IAM5[Resource::*]'],
      'X-Ray PutTraceSegments and CloudWatch Logs delivery actions do not support resource-level permissions; "*" is the only possible resource.',
    );
  }
}
