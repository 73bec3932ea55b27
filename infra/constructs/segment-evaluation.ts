import { Duration } from 'aws-cdk-lib';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { IRole } from 'aws-cdk-lib/aws-iam';
import type { ILogGroup } from 'aws-cdk-lib/aws-logs';
import {
  Choice,
  Condition,
  DefinitionBody,
  Map as MapState,
  JsonPath,
  LogLevel,
  StateMachine,
  Succeed,
  TaskInput,
  Wait,
  WaitTime,
} from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';

export interface SegmentEvaluationProps {
  /** The bulk import's worker: it runs the evaluation's steps too (functions/import-worker.ts). */
  worker: LambdaFunction;
  /** The function of the segment routes: a PUT that changes rules starts an evaluation. */
  apiFunction: NodejsFunction;
  /**
   * The role and log group of another state machine of the bulk engine (the simulations'): it
   * invokes the same worker, and a stack holds at most 500 resources.
   */
  role: IRole;
  logs: ILogGroup;
  /** Parts of the parallel Scan (SEGMENT_EVALUATION_PARTS): the map's width. */
  parts?: number;
}

/**
 * Parts of an evaluation on AWS: each is a segment of the parallel Scan one worker reads at a
 * time. 1M members with their ledgers are some tens of GB of table; 64 parts read it in minutes.
 */
export const AWS_SEGMENT_EVALUATION_PARTS = 40;

/**
 * A segment's evaluation of every member on AWS (issue #27), on the bulk engine: a state machine
 * that waits until every function instance holds the new rules (`notBefore`), marks the
 * evaluation running, runs a map over the parts of a parallel Scan (each part a loop
 * of worker calls, each reading pages for up to two minutes from the part's checkpoint) and marks
 * it done. Every page is checkpointed with the segment's progress in one transaction, so a
 * redriven or restarted execution resumes where it stopped.
 */
export class SegmentEvaluation extends Construct {
  readonly stateMachine: StateMachine;

  constructor(scope: Construct, id: string, props: SegmentEvaluationProps) {
    super(scope, id);
    const invoke = (name: string, payload?: TaskInput) => {
      const task = new LambdaInvoke(this, name, {
        lambdaFunction: props.worker,
        ...(payload ? { payload } : {}),
        payloadResponseOnly: true,
        retryOnServiceExceptions: true,
      });
      // Throttles and timeouts are retried with backoff; every step is idempotent.
      task.addRetry({
        errors: ['States.ALL'],
        interval: Duration.seconds(2),
        backoffRate: 2,
        maxAttempts: 6,
        maxDelay: Duration.seconds(60),
      });
      return task;
    };
    const run = { 'segmentId.$': '$.segmentId', 'revision.$': '$.revision' };
    const wait = new Wait(this, 'UntilRulesEverywhere', { time: WaitTime.timestampPath('$.notBefore') });
    const begin = invoke('Begin', TaskInput.fromObject({ action: 'segment-begin', ...run }));
    const part = invoke('EvaluatePart');
    const partLoop = part.next(
      new Choice(this, 'PartDone')
        .when(Condition.booleanEquals('$.done', true), new Succeed(this, 'PartEvaluated'))
        .otherwise(part),
    );
    // An inline map: a few tens of parts, each a few worker calls, stay far within one execution's
    // history, and it needs no policy of its own (a stack holds at most 500 resources). An inline
    // map runs at most 40 iterations at once, so the Scan has 40 parts: more would only queue.
    const parts = new MapState(this, 'EvaluateParts', {
      itemsPath: '$.parts',
      itemSelector: { action: 'segment-part', ...run, 'part.$': '$$.Map.Item.Value' },
      maxConcurrency: props.parts ?? AWS_SEGMENT_EVALUATION_PARTS,
      resultPath: JsonPath.DISCARD,
    });
    parts.itemProcessor(partLoop);
    const definition = wait
      .next(begin)
      .next(parts)
      .next(invoke('Finish', TaskInput.fromObject({ action: 'segment-finish', ...run })))
      .next(new Succeed(this, 'Evaluated'));
    this.stateMachine = new StateMachine(this, 'StateMachine', {
      role: props.role,
      definitionBody: DefinitionBody.fromChainable(definition),
      comment: "Segment evaluation: wait for the rules to reach every instance, then every member's segments",
      tracingEnabled: true,
      logs: { destination: props.logs, level: LogLevel.ALL, includeExecutionData: false },
    });

    const api = props.apiFunction;
    this.stateMachine.grantStartExecution(api);
    api.addEnvironment('SEGMENT_EVALUATION_STATE_MACHINE_ARN', this.stateMachine.stateMachineArn);
    if ('addEnvironment' in props.worker)
      props.worker.addEnvironment('SEGMENT_EVALUATION_PARTS', String(props.parts ?? AWS_SEGMENT_EVALUATION_PARTS));
  }
}
