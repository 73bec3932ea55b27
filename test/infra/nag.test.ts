import { App } from 'aws-cdk-lib';
import { Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '@infra/app';
import { tableAccess } from '@infra/config/table-access';
import { nagReport, type NagReport } from '@infra/constructs/nag-report';

describe.each(['eu-west-1', 'us-east-1'])('cdk-nag AwsSolutions on the stack of %s', (region) => {
  let report: NagReport;
  beforeAll(() => {
    const { stack } = buildApp(new App({ context: { region, 'aws:cdk:bundling-stacks': [] } }));
    report = nagReport(stack);
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

  it('acknowledges only the rules the design needs: open health/404 routes, key authorizer, zod validation, WAF, X-Ray, the API Gateway logging role, the dead-letter queues and the unrotated cursor key', () => {
    expect(
      [
        ...new Set(report.acknowledgements.map((acknowledgement) => acknowledgement.ruleId.replace(/\[.*$/, ''))),
      ].sort(),
    ).toEqual(
      [
        'AwsSolutions-APIG2',
        'AwsSolutions-APIG3',
        'AwsSolutions-APIG4',
        'AwsSolutions-COG4',
        'AwsSolutions-IAM4',
        'AwsSolutions-IAM5',
        'AwsSolutions-SMG4',
        'AwsSolutions-SQS3',
      ].sort(),
    );
    expect(
      report.acknowledgements
        .filter((acknowledgement) => acknowledgement.ruleId.startsWith('AwsSolutions-IAM5'))
        .map((acknowledgement) => acknowledgement.ruleId),
    ).toEqual(expect.arrayContaining(['AwsSolutions-IAM5[Resource::*]']));
  });

  it('acknowledges a "*" resource only on the X-Ray policy of each function, and on one role: the stream fan-out’s (ListStreams)', () => {
    const iam5 = report.acknowledgements.filter((acknowledgement) =>
      acknowledgement.ruleId.startsWith('AwsSolutions-IAM5'),
    );
    // Narrower wildcards: only the admin role's, on the API keys and usage plans API Gateway names per partner.
    const perPartner = iam5.filter((acknowledgement) => acknowledgement.ruleId !== 'AwsSolutions-IAM5[Resource::*]');
    expect(perPartner.map(({ constructPath, ruleId }) => `${constructPath} ${ruleId}`).sort()).toEqual(
      ['/apikeys/*', '/usageplans/*', '/usageplans/*/keys', '/usageplans/*/keys/*']
        .map(
          (path) =>
            `RewardsApi-${region}/AdminFunction/Role AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:apigateway:${region}::${path}]`,
        )
        .sort(),
    );
    const wildcard = iam5.filter((acknowledgement) => !perPartner.includes(acknowledgement));
    const xRay = wildcard.filter((acknowledgement) => /Function\/XRayWrite$/.test(acknowledgement.constructPath));
    expect(xRay).toHaveLength(Object.keys(tableAccess).length);
    expect(
      wildcard.filter((acknowledgement) => !xRay.includes(acknowledgement)).map(({ constructPath }) => constructPath),
    ).toEqual([`RewardsApi-${region}/Events/FanOutFunction/Role`]);
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
