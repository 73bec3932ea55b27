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

/** The state machine of segment evaluations (infra/constructs/segment-evaluation.ts). */
const definition = () => stateMachineDefinition(synthesized, synthesized.stack.segmentEvaluation.stateMachine);

describe('segment evaluation infrastructure', () => {
  it('waits for the rules to reach every instance, then a map over the Scan parts, each a loop of worker calls', () => {
    const text = definition();
    for (const fragment of [
      '\\"TimestampPath\\":\\"$.notBefore\\"',
      '\\"ItemsPath\\":\\"$.parts\\"',
      '\\"action\\":\\"segment-begin\\"',
      '\\"action\\":\\"segment-part\\"',
      '\\"action\\":\\"segment-finish\\"',
      '\\"part.$\\":\\"$$.Map.Item.Value\\"',
      '\\"Variable\\":\\"$.done\\"',
      '\\"MaxConcurrency\\":40',
      '\\"BackoffRate\\":2',
    ])
      expect(text).toContain(fragment);
    // Every step runs on the bulk import's worker: no new function.
    const { stack } = synthesized;
    expect(text).toContain(logicalIdOf(stack, stack.bulkImport.worker));
    synthesized.template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      Definition: Match.absent(),
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: Match.objectLike({ Level: 'ALL' }),
    });
  });

  it('lets the segment routes start evaluations, and the worker scan the table in as many parts as the map runs', () => {
    const { template, stack } = synthesized;
    const members = statementsOfFunction(template, stack, stack.functions.members);
    expect(actionsOf(members)).toContain('states:StartExecution');
    expect(JSON.stringify(members)).toContain(logicalIdOf(stack, stack.segmentEvaluation.stateMachine));
    expect(actionsOf(members)).not.toContain('dynamodb:Scan');
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ SEGMENT_EVALUATION_STATE_MACHINE_ARN: Match.anyValue() }) },
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ SEGMENT_EVALUATION_PARTS: '40' }) },
    });
    const worker = statementsOfFunction(template, stack, stack.functions['import-worker']);
    expect(actionsOf(worker)).toContain('dynamodb:Scan');
    expect(JSON.stringify(worker)).toContain('SEGMENT#*');
  });

  it('keeps the stack under 500 CloudFormation resources', () => {
    expect(Object.keys(synthesized.template.toJSON().Resources as object).length).toBeLessThan(500);
  });
});
