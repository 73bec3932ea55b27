import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from '@infra/app';
import { settingsForRegion, type RegionSettingsInput } from '@infra/config/regions';
import { managedRuleGroups } from '@infra/constructs/regional-waf';
import { AUTHORIZATION_HEADER_PATTERN } from '@infra/constructs/rewards-rest-api';
import { RewardsApiStack } from '@infra/stack';
import { logicalIdOf } from './support';

const noBundling = { 'aws:cdk:bundling-stacks': [] };
const directory = mkdtempSync(join(tmpdir(), 'rewards-settings-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

function settingsFile(name: string, content: unknown): string {
  const path = join(directory, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

/** eu-west-1's stack with some settings changed. */
function stackWith(overrides: Partial<RegionSettingsInput>): { stack: RewardsApiStack; template: Template } {
  const app = new App({ context: noBundling });
  const stack = new RewardsApiStack(app, 'RewardsApi-eu-west-1', {
    env: { region: 'eu-west-1' },
    settings: settingsForRegion('eu-west-1', overrides),
  });
  return { stack, template: Template.fromStack(stack) };
}

const certificateArn = 'arn:aws:acm:eu-west-1:123456789012:certificate/12345678-1234-1234-1234-123456789012';

describe('any region without editing code', () => {
  it('deploys a region nobody listed with -c region and -c currency: the default program in that currency', () => {
    const { stack } = buildApp(new App({ context: { ...noBundling, region: 'ap-southeast-2', currency: 'AUD' } }));
    expect(stack.stackName).toBe('RewardsApi-ap-southeast-2');
    const resources = Template.fromStack(stack).toJSON().Resources as Record<
      string,
      { Properties: { Environment: { Variables: Record<string, string> } } }
    >;
    const variables = resources[logicalIdOf(stack, stack.functions.points)]?.Properties.Environment.Variables ?? {};
    const program = JSON.parse(variables.DEFAULT_PROGRAM ?? '{}') as { currency: string };
    expect(program.currency).toBe('AUD');
    expect(variables.DEFAULT_PROGRAM).not.toContain('EUR');
  });

  it('refuses an unlisted region without a currency or settings, and an unknown currency', () => {
    expect(() => buildApp(new App({ context: { ...noBundling, region: 'ap-southeast-2' } }))).toThrow(
      /-c currency=<ISO code>.*-c settings=<file.json>/,
    );
    expect(() => buildApp(new App({ context: { ...noBundling, region: 'ap-southeast-2', currency: 'XYZ' } }))).toThrow(
      /currency: must be an ISO 4217 currency code/,
    );
  });

  it('reads a settings file with the same schema (program defaults to the default program in its currency)', () => {
    const settings = settingsFile('sa.json', {
      currency: 'BRL',
      apiGatewayLoggingRole: 'account',
      throttling: { rateLimit: 50, burstLimit: 100 },
      functions: { points: { reservedConcurrency: 20, provisionedConcurrency: 2 } },
    });
    const { stack } = buildApp(new App({ context: { ...noBundling, region: 'sa-east-1', settings } }));
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Lambda::Function', {
      ReservedConcurrentExecutions: 20,
      Environment: { Variables: Match.objectLike({ DEFAULT_PROGRAM: Match.stringLikeRegexp('"currency":"BRL"') }) },
    });
    template.hasResourceProperties('AWS::Lambda::Alias', {
      Name: 'live',
      FunctionName: { Ref: logicalIdOf(stack, stack.functions.points) },
      ProvisionedConcurrencyConfig: { ProvisionedConcurrentExecutions: 2 },
    });
    // The account's logging role is left alone.
    template.resourceCountIs('AWS::ApiGateway::Account', 0);
  });

  it('fails the synth on a typo in a settings file, naming the field’s path', () => {
    const typo = settingsFile('typo.json', {
      currency: 'EUR',
      apiGatewayLoggingRole: 'stack',
      alarms: { api5xxRate: 0.01, apiP99LatencyMS: 2000 },
    });
    expect(() => buildApp(new App({ context: { ...noBundling, region: 'eu-north-1', settings: typo } }))).toThrow(
      /typo\.json \(region eu-north-1\): alarms: Unrecognized key: "apiP99LatencyMS"/,
    );
    const wrongType = settingsFile('type.json', {
      currency: 'EUR',
      apiGatewayLoggingRole: 'stack',
      functions: { points: { reservedConcurrency: 'ten' } },
    });
    expect(() => buildApp(new App({ context: { ...noBundling, region: 'eu-north-1', settings: wrongType } }))).toThrow(
      /functions\.points\.reservedConcurrency/,
    );
    const notJson = settingsFile('broken.json', '{ currency: EUR');
    expect(() => buildApp(new App({ context: { ...noBundling, region: 'eu-north-1', settings: notJson } }))).toThrow(
      /not JSON/,
    );
  });

  it('makes the API Gateway logging role an explicit choice in a settings file', () => {
    const missing = settingsFile('no-role.json', { currency: 'EUR' });
    expect(() => buildApp(new App({ context: { ...noBundling, region: 'eu-north-1', settings: missing } }))).toThrow(
      /apiGatewayLoggingRole/,
    );
  });

  it('refuses provisioned concurrency above the reserved concurrency', () => {
    expect(() =>
      settingsForRegion('eu-west-1', { functions: { points: { reservedConcurrency: 2, provisionedConcurrency: 5 } } }),
    ).toThrow(/functions\.points\.provisionedConcurrency/);
  });
});

describe('the API Gateway logging role', () => {
  it('stack: this stack creates the role and sets it on the account (the settings of the listed regions)', () => {
    const { template } = stackWith({ apiGatewayLoggingRole: 'stack' });
    template.resourceCountIs('AWS::ApiGateway::Account', 1);
    template.hasResourceProperties('AWS::IAM::Role', {
      ManagedPolicyArns: [Match.objectLike({ 'Fn::Join': Match.anyValue() })],
    });
  });

  it('account: the account keeps its role; execution logs stay on', () => {
    const { template } = stackWith({ apiGatewayLoggingRole: 'account' });
    template.resourceCountIs('AWS::ApiGateway::Account', 0);
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      MethodSettings: Match.arrayWith([Match.objectLike({ ResourcePath: '/*', LoggingLevel: 'ERROR' })]),
    });
  });

  it('none: no role and no execution logs, access logs only', () => {
    const { template } = stackWith({ apiGatewayLoggingRole: 'none' });
    template.resourceCountIs('AWS::ApiGateway::Account', 0);
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      AccessLogSetting: Match.anyValue(),
      MethodSettings: Match.arrayWith([Match.objectLike({ ResourcePath: '/*', LoggingLevel: 'OFF' })]),
    });
  });
});

describe('WAF', () => {
  it('is on by default and absent only when the region turns it off', () => {
    for (const [overrides, count] of [
      [{}, 1],
      [{ waf: false }, 0],
    ] as const) {
      const { template } = stackWith(overrides);
      template.resourceCountIs('AWS::WAFv2::WebACL', count);
      template.resourceCountIs('AWS::WAFv2::WebACLAssociation', count);
    }
  });

  it('puts the AWS managed rule groups and two per-IP rate rules in front of the stage', () => {
    const { stack, template } = stackWith({
      waf: true,
      wafRateLimitPer5Minutes: 1_000,
      wafUnauthenticatedRateLimitPer5Minutes: 200,
    });
    template.hasResourceProperties('AWS::WAFv2::WebACL', {
      Scope: 'REGIONAL',
      DefaultAction: { Allow: {} },
      Rules: Match.arrayWith([
        ...managedRuleGroups.map((name) =>
          Match.objectLike({
            Name: name,
            OverrideAction: { None: {} },
            Statement: { ManagedRuleGroupStatement: Match.objectLike({ VendorName: 'AWS', Name: name }) },
          }),
        ),
        // Requests without a well-formed key: the open methods and probes no usage plan limits.
        Match.objectLike({
          Name: 'UnauthenticatedRatePerIp',
          Action: { Block: { CustomResponse: Match.objectLike({ ResponseCode: 429 }) } },
          Statement: {
            RateBasedStatement: {
              Limit: 200,
              AggregateKeyType: 'IP',
              ScopeDownStatement: {
                NotStatement: {
                  Statement: {
                    RegexMatchStatement: Match.objectLike({
                      FieldToMatch: { SingleHeader: { Name: 'authorization' } },
                      RegexString: AUTHORIZATION_HEADER_PATTERN,
                    }),
                  },
                },
              },
            },
          },
        }),
        Match.objectLike({
          Name: 'RatePerIp',
          Action: { Block: { CustomResponse: Match.objectLike({ ResponseCode: 429 }) } },
          Statement: { RateBasedStatement: { Limit: 1_000, AggregateKeyType: 'IP' } },
        }),
      ]),
    });
    expect(managedRuleGroups).toEqual([
      'AWSManagedRulesAmazonIpReputationList',
      'AWSManagedRulesKnownBadInputsRuleSet',
      'AWSManagedRulesCommonRuleSet',
    ]);
    const stageId = logicalIdOf(stack, stack.api.api.deploymentStage);
    template.hasResourceProperties('AWS::WAFv2::WebACLAssociation', {
      ResourceArn: Match.objectLike({ 'Fn::Join': Match.arrayWith([Match.arrayWith([{ Ref: stageId }])]) }),
    });
  });
});

describe('custom domain', () => {
  it('is absent unless the region names one: ApiUrl is the execute-api URL', () => {
    const { template } = stackWith({});
    template.resourceCountIs('AWS::ApiGateway::DomainName', 0);
    template.hasOutput('ApiUrl', { Value: Match.objectLike({ 'Fn::Join': Match.anyValue() }) });
  });

  it('serves the API on the domain: TLS 1.2, the stage mapped at its root, ApiUrl is the domain', () => {
    const { template } = stackWith({ customDomain: { domainName: 'rewards.example.com', certificateArn } });
    template.hasResourceProperties('AWS::ApiGateway::DomainName', {
      DomainName: 'rewards.example.com',
      RegionalCertificateArn: certificateArn,
      EndpointConfiguration: { Types: ['REGIONAL'] },
      SecurityPolicy: 'TLS_1_2',
    });
    template.resourceCountIs('AWS::ApiGateway::BasePathMapping', 1);
    template.hasOutput('ApiUrl', { Value: 'https://rewards.example.com/' });
    template.hasOutput('DomainTarget', { Value: Match.anyValue() });
    // One way in: the execute-api address is closed.
    template.hasResourceProperties('AWS::ApiGateway::RestApi', { DisableExecuteApiEndpoint: true });
  });

  it('refuses a certificate of another region and a name that is not a DNS name', () => {
    expect(() =>
      settingsForRegion('eu-west-1', {
        customDomain: {
          domainName: 'rewards.example.com',
          certificateArn: certificateArn.replace('eu-west-1', 'us-east-1'),
        },
      }),
    ).toThrow(/customDomain\.certificateArn: must be a certificate in eu-west-1/);
    expect(() =>
      settingsForRegion('eu-west-1', { customDomain: { domainName: 'Rewards Example', certificateArn } }),
    ).toThrow(/customDomain\.domainName/);
  });
});

describe('termination protection', () => {
  it('is on by default and off only when the settings say so', () => {
    expect(stackWith({}).stack.terminationProtection).toBe(true);
    expect(stackWith({ terminationProtection: false }).stack.terminationProtection).toBe(false);
  });
});
