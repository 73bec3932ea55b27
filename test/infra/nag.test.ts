import { App } from 'aws-cdk-lib';
import { Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '@infra/app';
import { tableAccess } from '@infra/config/table-access';
import { nagReport, type NagReport } from '@infra/constructs/nag-report';

describe.each(['eu-west-1', 'us-east-1'])('cdk-nag AwsSolutions on the stack of %s', (region) => {
  let report: NagReport;
  let functionCount = 0;
  beforeAll(() => {
    const { stack } = buildApp(new App({ context: { region, 'aws:cdk:bundling-stacks': [] } }));
    report = nagReport(stack);
    functionCount = Object.keys(stack.functions).length;
  });

  it('reports no unacknowledged error', () => {
    expect(report.findings.filter((finding) => finding.severity === 'error')).toEqual([]);
  });

  it('reports no unacknowledged warning either', () => {
    expect(report.findings).toEqual([]);
  });

  it('gives a reason for every acknowledged rule', () => {
    expect(report.acknowledgements.length).toBeGreaterThan(0);
    for (const acknowledgement of report.acknowledgements) {
      expect(acknowledgement.ruleId).toMatch(/^AwsSolutions-/);
      expect(acknowledgement.reason.length, acknowledgement.ruleId).toBeGreaterThan(40);
    }
  });

  it('acknowledges only the rules the design needs: open health/404 routes, key authorizer, zod validation, X-Ray, the API Gateway logging role, the dead-letter queues, the unrotated cursor key and access logs of the import bucket', () => {
    expect(
      [
        ...new Set(report.acknowledgements.map((acknowledgement) => acknowledgement.ruleId.replace(/\[.*$/, ''))),
      ].sort(),
    ).toEqual(
      [
        'AwsSolutions-APIG2',
        'AwsSolutions-APIG4',
        'AwsSolutions-COG4',
        'AwsSolutions-IAM4',
        'AwsSolutions-IAM5',
        'AwsSolutions-SMG4',
        'AwsSolutions-SQS3',
        'AwsSolutions-S1',
      ].sort(),
    );
    expect(
      report.acknowledgements
        .filter((acknowledgement) => acknowledgement.ruleId.startsWith('AwsSolutions-IAM5'))
        .map((acknowledgement) => acknowledgement.ruleId),
    ).toEqual(expect.arrayContaining(['AwsSolutions-IAM5[Resource::*]']));
  });

  it('acknowledges a "*" resource on the X-Ray policy of each function, and elsewhere only where the actions allow no other', () => {
    const wildcard = report.acknowledgements.filter((acknowledgement) =>
      acknowledgement.ruleId.startsWith('AwsSolutions-IAM5'),
    );
    const inStack = (path: string) => path.replace(/^[^/]+\//, '');
    const anyResource = wildcard
      .filter((acknowledgement) => acknowledgement.ruleId === 'AwsSolutions-IAM5[Resource::*]')
      .map((acknowledgement) => inStack(acknowledgement.constructPath));
    // One X-Ray policy for the stack, attached to every function's role.
    expect(anyResource.filter((path) => path === 'XRayWrite' || path.endsWith('/XRayWrite'))).toEqual(['XRayWrite']);
    // dynamodb:ListStreams (the fan-out's stream source); X-Ray and log delivery of the import and
    // simulation state machines.
    expect(anyResource.filter((path) => path !== 'XRayWrite').sort()).toEqual([
      'BulkImport/StateMachine',
      'Events/FanOutFunction/Role',
      'ProgramSimulation/StateMachine',
    ]);
    // Narrower wildcards: objects under one prefix of the import bucket (the route and the worker), the
    // import state machine's manifest reads, worker versions and child executions (of the state machines), and the API keys and
    // usage plans API Gateway names per partner (the admin role).
    const narrower = wildcard.filter((acknowledgement) => acknowledgement.ruleId !== 'AwsSolutions-IAM5[Resource::*]');
    expect([...new Set(narrower.map((acknowledgement) => inStack(acknowledgement.constructPath)))].sort()).toEqual([
      'AdminFunction/Role',
      'BulkImport/StateMachine',
      'BulkImport/Worker/Role',
      'ImportsFunction/Role',
      'ProgramSimulation/StateMachine',
    ]);
    for (const acknowledgement of narrower.filter((a) => /(Worker|Imports\w*)\/Role$/.test(a.constructPath)))
      expect(acknowledgement.ruleId).toMatch(
        /^AwsSolutions-IAM5\[Resource::<BulkImportFiles\w+\.Arn>\/(imports|uploads|manifests)\/\*\]$/,
      );
    expect(
      narrower
        .filter((acknowledgement) => acknowledgement.constructPath.endsWith('/AdminFunction/Role'))
        .map((acknowledgement) => acknowledgement.ruleId)
        .sort(),
    ).toEqual(
      // Each limited by this API's tag (test/infra/security.test.ts).
      ['/apikeys/*', '/usageplans/*', '/usageplans/*/keys', '/usageplans/*/keys/*', '/tags/*']
        .map((path) => `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:apigateway:${region}::${path}]`)
        .sort(),
    );
  });

  it('would catch a resource that breaks a rule (the check is live)', () => {
    const { stack } = buildApp(new App({ context: { region, 'aws:cdk:bundling-stacks': [] } }));
    new Topic(stack, 'PlainTopic');
    expect(nagReport(stack).findings.map((finding) => finding.ruleId)).toContain('AwsSolutions-SNS3');
  });
});

describe('synthesis', () => {
  const inMemory = () =>
    buildApp(
      new App({ context: { region: 'eu-west-1', 'aws:cdk:bundling-stacks': [], '@aws-cdk/core:appMode': 'inmemory' } }),
    );

  it('fails when a function is granted DynamoDB on any resource', () => {
    const { app, stack } = inMemory();
    stack.functions.points.addToRolePolicy(
      new PolicyStatement({ effect: Effect.ALLOW, actions: ['dynamodb:GetItem'], resources: ['*'] }),
    );
    expect(() => app.synth()).toThrow(/AwsSolutions-IAM5/);
  }, 300_000);

  it('fails when a function is granted dynamodb:* on its table', () => {
    const { app, stack } = inMemory();
    stack.functions.points.addToRolePolicy(
      new PolicyStatement({ effect: Effect.ALLOW, actions: ['dynamodb:*'], resources: [stack.table.table.tableArn] }),
    );
    expect(() => app.synth()).toThrow(/AwsSolutions-IAM5/);
  }, 300_000);

  it('fails with the finding when an AwsSolutions error is not acknowledged', () => {
    const { app, stack } = buildApp(
      new App({ context: { region: 'eu-west-1', 'aws:cdk:bundling-stacks': [], '@aws-cdk/core:appMode': 'inmemory' } }),
    );
    new Topic(stack, 'PlainTopic');
    expect(() => app.synth()).toThrow(/AwsSolutions-SNS3/);
  });
});
