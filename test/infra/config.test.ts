import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '@infra/app';
import { defaultProgram } from '@infra/config/default-program';
import { programInCurrency, regionSettings, settingsForRegion } from '@infra/config/regions';
import { RewardsApiStack } from '@infra/stack';

describe('region settings', () => {
  it('validates every configured region', () => {
    for (const region of Object.keys(regionSettings)) expect(() => settingsForRegion(region), region).not.toThrow();
  });

  it('fills in the defaults: hourly metrics, daily expiry, 60 s authorizer cache, AWS-managed table key', () => {
    const settings = settingsForRegion('eu-central-1');
    expect(settings).toMatchObject({
      metricsSchedule: 'rate(1 hour)',
      expirySchedule: 'cron(15 3 * * ? *)',
      authorizerCacheSeconds: 60,
      tableEncryption: 'aws-managed',
      logRetentionDays: 90,
      alarms: { api5xxRate: 0.01, apiP99LatencyMs: 2000, metricsStaleAfterHours: 3 },
    });
    expect(settings.alarmEmail).toBeUndefined();
  });

  it('refuses an unknown region and names the known ones', () => {
    expect(() => settingsForRegion('mars-north-1')).toThrow(/No settings for region "mars-north-1".*eu-west-1/);
    expect(() => settingsForRegion(undefined)).toThrow(/-c region=/);
  });

  it('refuses a default program in another currency than the region', () => {
    expect(() => settingsForRegion('us-east-1', { program: defaultProgram })).toThrow(
      /program\.currency: must be the region's currency USD/,
    );
  });

  it('refuses a schedule that is not an EventBridge expression', () => {
    expect(() => settingsForRegion('eu-west-1', { metricsSchedule: 'every hour' })).toThrow(/metricsSchedule/);
  });

  it('refuses a log retention CloudWatch does not offer and an invalid alarm address', () => {
    expect(() => settingsForRegion('eu-west-1', { logRetentionDays: 42 })).toThrow(/logRetentionDays/);
    expect(() => settingsForRegion('eu-west-1', { alarmEmail: 'not-an-address' })).toThrow(/alarmEmail/);
  });

  it('refuses a default program too large for the Lambda environment', () => {
    const promotions = Array.from({ length: 40 }, (_, index) => ({
      id: `promo-${index}`,
      name: `Promotion number ${index} of the year`,
      startsAt: '2026-01-01T00:00:00.000Z',
      endsAt: '2026-12-31T00:00:00.000Z',
      bonusPoints: 10,
    }));
    expect(() => settingsForRegion('eu-west-1', { program: { ...defaultProgram, promotions } })).toThrow(
      /program: is over/,
    );
  });

  it('moves every money field of a program to another currency', () => {
    const program = programInCurrency(defaultProgram, 'USD');
    expect(JSON.stringify(program)).not.toContain('EUR');
    expect(program.tiers.map((tier) => tier.minQualifyingSpend.value)).toEqual(
      defaultProgram.tiers.map((tier) => tier.minQualifyingSpend.value),
    );
  });
});

describe('the app entry', () => {
  const account = process.env.CDK_DEFAULT_ACCOUNT;
  afterEach(() => {
    if (account === undefined) delete process.env.CDK_DEFAULT_ACCOUNT;
    else process.env.CDK_DEFAULT_ACCOUNT = account;
  });

  it('needs the region as context', () => {
    expect(() => buildApp(new App({ context: { 'aws:cdk:bundling-stacks': [] } }))).toThrow(/-c region=/);
  });

  it('deploys to the account of the CLI credentials when there are some', () => {
    process.env.CDK_DEFAULT_ACCOUNT = '123456789012';
    const { stack } = buildApp(new App({ context: { region: 'eu-central-1', 'aws:cdk:bundling-stacks': [] } }));
    expect(stack.account).toBe('123456789012');
    expect(stack.region).toBe('eu-central-1');
  });

  it('stays account-agnostic offline', () => {
    delete process.env.CDK_DEFAULT_ACCOUNT;
    const { stack } = buildApp(new App({ context: { region: 'eu-central-1', 'aws:cdk:bundling-stacks': [] } }));
    expect(stack.resolve(stack.account)).toEqual({ Ref: 'AWS::AccountId' });
  });
});

describe('alarm e-mail', () => {
  it('subscribes the region’s alarm address to the alarm topic', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new RewardsApiStack(app, 'RewardsApi-eu-west-1', {
      env: { region: 'eu-west-1' },
      settings: settingsForRegion('eu-west-1', { alarmEmail: 'ops@example.com' }),
    });
    Template.fromStack(stack).hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
    });
  });

  it('has no subscription when the region gives no address', () => {
    const { stack } = buildApp(new App({ context: { region: 'eu-west-1', 'aws:cdk:bundling-stacks': [] } }));
    expect(Template.fromStack(stack).findResources('AWS::SNS::Subscription')).toEqual({});
  });
});
