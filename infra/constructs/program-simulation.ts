import { Duration, Stack, Validations, type CfnElement } from 'aws-cdk-lib';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import {
  DefinitionBody,
  DistributedMap,
  JsonPath,
  LogLevel,
  StateMachine,
  Succeed,
  TaskInput,
} from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct, type IConstruct } from 'constructs';

export interface ProgramSimulationProps {
  /** The bulk import's worker: it runs the simulation's steps too (functions/import-worker.ts). */
  worker: LambdaFunction;
  /** The function of the simulation routes: it stores a simulation and starts its run. */
  apiFunction: NodejsFunction;
  logRetention: RetentionDays;
  /** Worker Lambdas at once per map. */
  maxConcurrency?: number;
  /** Member shards per simulation (SIMULATION_SHARDS): the replay map's width. */
  shards?: number;
}

/** Shards of a simulation on AWS: 1M members are ~3,900 per shard, each shard one worker call of seconds. */
export const AWS_SIMULATION_SHARDS = 256;
/** Workers at once per map (within the worker's reserved concurrency, when one is set). */
export const AWS_SIMULATION_CONCURRENCY = 100;

/**
 * Program simulations on AWS (issue #28), on the bulk engine: a state machine whose first step
 * plans the run (the days of activity to read, the member shards), then a Distributed Map over
 * the days (each worker stores the members who bought that day, by shard), a Distributed Map over
 * the shards (each worker replays its members and writes a partial result) and a final step that
 * sums them. Every step writes by key and is counted once, so a redriven execution resumes where
 * it stopped; a step that keeps failing marks the simulation failed.
 */
export class ProgramSimulation extends Construct {
  readonly stateMachine: StateMachine;
  /** Its executions' log group: the segment evaluations' state machine logs there too. */
  readonly logs: LogGroup;

  constructor(scope: Construct, id: string, props: ProgramSimulationProps) {
    super(scope, id);
    const invoke = (name: string, payload?: TaskInput) =>
      new LambdaInvoke(this, name, {
        lambdaFunction: props.worker,
        ...(payload ? { payload } : {}),
        payloadResponseOnly: true,
        retryOnServiceExceptions: true,
      });
    const complete = (name: string, failed: boolean) =>
      invoke(name, TaskInput.fromObject({ action: 'simulation-complete', 'simulationId.$': '$.simulationId', failed }));
    const completeFailed = complete('CompleteFailed', true);
    const plan = invoke(
      'Plan',
      TaskInput.fromObject({ action: 'simulation-plan', 'simulationId.$': '$.simulationId' }),
    );
    plan.addCatch(completeFailed, { resultPath: JsonPath.DISCARD });

    const stepMap = (name: string, items: 'days' | 'shards') => {
      const map = new DistributedMap(this, name, {
        itemsPath: `$.${items}`,
        itemSelector: {
          action: items === 'days' ? 'simulation-day' : 'simulation-shard',
          'simulationId.$': '$.simulationId',
          [items === 'days' ? 'day.$' : 'shard.$']: '$$.Map.Item.Value',
        },
        maxConcurrency: props.maxConcurrency ?? AWS_SIMULATION_CONCURRENCY,
        toleratedFailurePercentage: 0,
        resultPath: JsonPath.DISCARD,
      });
      const step = invoke(`${name}Step`);
      // Throttles and timeouts are retried with backoff; every step is idempotent.
      step.addRetry({
        errors: ['States.ALL'],
        interval: Duration.seconds(2),
        backoffRate: 2,
        maxAttempts: 6,
        maxDelay: Duration.seconds(60),
      });
      map.itemProcessor(step);
      map.addCatch(completeFailed, { resultPath: JsonPath.DISCARD });
      return map;
    };

    const definition = plan
      .next(stepMap('ReadDays', 'days'))
      .next(stepMap('ReplayShards', 'shards'))
      .next(complete('Complete', false))
      .next(new Succeed(this, 'Simulated'));
    const logs = new LogGroup(this, 'StateMachineLogs', { retention: props.logRetention });
    this.logs = logs;
    this.stateMachine = new StateMachine(this, 'StateMachine', {
      definitionBody: DefinitionBody.fromChainable(definition),
      comment: 'Program simulation: read the days of activity, replay the member shards, sum the partial results',
      tracingEnabled: true,
      logs: { destination: logs, level: LogLevel.ALL, includeExecutionData: false },
    });

    const api = props.apiFunction;
    this.stateMachine.grantStartExecution(api);
    api.addEnvironment('SIMULATION_STATE_MACHINE_ARN', this.stateMachine.stateMachineArn);
    api.addEnvironment('SIMULATION_SHARDS', String(props.shards ?? AWS_SIMULATION_SHARDS));
    this.acknowledgeWildcards(props.worker);
  }

  /** The wildcards left are the narrowest IAM can say (as for the bulk import's state machine). */
  private acknowledgeWildcards(worker: LambdaFunction): void {
    const stack = Stack.of(this);
    const id = (element: IConstruct) => stack.getLogicalId(element.node.defaultChild as CfnElement);
    const [workerId, machine] = [id(worker), id(this.stateMachine)];
    const execution = `arn:<AWS::Partition>:states:${stack.region}:<AWS::AccountId>:execution:{"Fn::Select":[6,{"Fn::Split":[":",{"Ref":"${machine}"}]}]}`;
    const acknowledge = (ids: string[], reason: string) =>
      Validations.of(this.stateMachine).acknowledge(...ids.map((ruleId) => ({ id: ruleId, reason })));
    acknowledge(
      [`AwsSolutions-IAM5[Resource::<${workerId}.Arn>:*]`],
      'Step Functions invokes the worker function and its versions; it may invoke no other function.',
    );
    acknowledge(
      [`AwsSolutions-IAM5[Resource::${execution}:*]`, `AwsSolutions-IAM5[Resource::${execution}/*:*]`],
      "A Distributed Map runs its items as child executions of this state machine; only this state machine's executions are named.",
    );
    acknowledge(
      ['AwsSolutions-IAM5[Resource::*]'],
      'X-Ray PutTraceSegments and CloudWatch Logs delivery actions do not support resource-level permissions; "*" is the only possible resource.',
    );
  }
}
