import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  actionsOf,
  logicalIdOf,
  stateMachineDefinition,
  statementsOfFunction,
  synthesizeRegion,
  type SynthesizedStack,
} from './support';

let synthesized: SynthesizedStack;
beforeAll(() => {
  synthesized = synthesizeRegion('eu-west-1');
});

/** The state machine of program simulations (infra/constructs/program-simulation.ts). */
const definition = () => stateMachineDefinition(synthesized, synthesized.stack.simulation.stateMachine);

describe('program simulation infrastructure', () => {
  it('plans, then a Distributed Map over the days and one over the member shards on the import worker, then sums', () => {
    const text = definition();
    for (const fragment of [
      '\\"ProcessorConfig\\":{\\"Mode\\":\\"DISTRIBUTED\\"',
      '\\"ItemsPath\\":\\"$.days\\"',
      '\\"ItemsPath\\":\\"$.shards\\"',
      '\\"action\\":\\"simulation-plan\\"',
      '\\"action\\":\\"simulation-day\\"',
      '\\"action\\":\\"simulation-shard\\"',
      '\\"action\\":\\"simulation-complete\\"',
      '\\"day.$\\":\\"$$.Map.Item.Value\\"',
      '\\"shard.$\\":\\"$$.Map.Item.Value\\"',
      '\\"MaxConcurrency\\":100',
      '\\"BackoffRate\\":2',
      '\\"failed\\":true',
    ])
      expect(text).toContain(fragment);
    // Every step runs on the bulk import's worker: no new function.
    const { stack } = synthesized;
    expect(text).toContain(logicalIdOf(stack, stack.bulkImport.worker));
    synthesized.template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: Match.objectLike({ Level: 'ALL' }),
    });
  });

  it('lets the simulation routes start runs (with the shards to split into); the worker reads the activity index', () => {
    const { template, stack } = synthesized;
    const imports = statementsOfFunction(template, stack, stack.functions.imports);
    expect(actionsOf(imports)).toContain('states:StartExecution');
    expect(JSON.stringify(imports)).toContain(logicalIdOf(stack, stack.simulation.stateMachine));
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('program simulations'),
      Environment: {
        Variables: Match.objectLike({
          SIMULATION_STATE_MACHINE_ARN: Match.anyValue(),
          SIMULATION_SHARDS: '256',
        }),
      },
    });
    const worker = statementsOfFunction(template, stack, stack.functions['import-worker']);
    expect(JSON.stringify(worker)).toContain('/index/GSI1');
    expect(JSON.stringify(worker)).toContain('SIMULATION#*');
  });

  it('keeps the stack under 500 CloudFormation resources', () => {
    expect(Object.keys(synthesized.template.toJSON().Resources as object).length).toBeLessThan(500);
  });
});
