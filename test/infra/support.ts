import { App, type CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { buildApp } from '@infra/app';
import type { RewardsApiStack } from '@infra/stack';

export interface SynthesizedStack {
  stack: RewardsApiStack;
  template: Template;
}

/** The stack of a region as `cdk synth -c region=…` builds it, without bundling (fast). */
export function synthesizeRegion(region: string): SynthesizedStack {
  const app = new App({ context: { region, 'aws:cdk:bundling-stacks': [] } });
  const { stack } = buildApp(app);
  return { stack, template: Template.fromStack(stack) };
}

export interface PolicyStatementJson {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
}

/** The statements of every policy attached to a function's role. */
export function statementsOfFunction(template: Template, stack: RewardsApiStack, fn: IFunction): PolicyStatementJson[] {
  if (!fn.role) throw new Error(`${fn.node.path} has no role`);
  const roleId = stack.getLogicalId(fn.role.node.defaultChild as CfnElement);
  const policies = template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: roleId }] } });
  return Object.values(policies).flatMap(
    (policy) =>
      (policy as { Properties: { PolicyDocument: { Statement: PolicyStatementJson[] } } }).Properties.PolicyDocument
        .Statement,
  );
}

export const actionsOf = (statements: PolicyStatementJson[]) =>
  statements.flatMap((statement) => (Array.isArray(statement.Action) ? statement.Action : [statement.Action]));

export const logicalIdOf = (stack: RewardsApiStack, construct: { node: { defaultChild?: unknown } }) =>
  stack.getLogicalId(construct.node.defaultChild as CfnElement);

/** A state machine's definition as the template holds it (JSON text), to look for its states in. */
export function stateMachineDefinition(
  { template, stack }: SynthesizedStack,
  machine: { node: { defaultChild?: unknown } },
): string {
  const found = template.findResources('AWS::StepFunctions::StateMachine')[logicalIdOf(stack, machine)] as
    { Properties: { DefinitionString: unknown } } | undefined;
  if (!found) throw new Error(`no state machine ${machine.node.defaultChild ? logicalIdOf(stack, machine) : ''}`);
  return JSON.stringify(found.Properties.DefinitionString);
}
