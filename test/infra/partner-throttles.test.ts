import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { THROTTLE_TAG_KEY } from '@shared/adapters/api-gateway-throttles';
import { routes } from '@shared/http/routes';
import { actionsOf, logicalIdOf, statementsOfFunction, synthesizeRegion, type SynthesizedStack } from './support';

/** Per-partner throttling on AWS: usage plans found by the key the authorizer returns. */
describe('per-partner usage plans', () => {
  let synthesized: SynthesizedStack;
  beforeAll(() => {
    synthesized = synthesizeRegion('eu-west-1');
  });

  it('takes usage keys from the authorizer and requires one on every /v1 method', () => {
    const { template } = synthesized;
    template.hasResourceProperties('AWS::ApiGateway::RestApi', { ApiKeySourceType: 'AUTHORIZER' });
    const methods = Object.values(
      template.findResources('AWS::ApiGateway::Method', { Properties: { AuthorizationType: 'CUSTOM' } }),
    ) as { Properties: { ApiKeyRequired?: boolean } }[];
    expect(methods).toHaveLength(Object.keys(routes).length);
    expect(methods.every((method) => method.Properties.ApiKeyRequired === true)).toBe(true);
  });

  it('has a default plan on the stage for keys without their own, whose key the authorizer knows', () => {
    const { template, stack } = synthesized;
    template.hasResourceProperties('AWS::ApiGateway::UsagePlan', {
      Throttle: { RateLimit: Match.anyValue(), BurstLimit: Match.anyValue() },
      ApiStages: [Match.objectLike({ Stage: Match.anyValue() })],
    });
    const keys = template.findResources('AWS::ApiGateway::ApiKey');
    const values = Object.values(keys).map((key) => (key as { Properties: { Value?: string } }).Properties.Value);
    expect(values).toHaveLength(1);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ DEFAULT_USAGE_KEY: values[0] }) },
    });
    expect(logicalIdOf(stack, stack.functions.authorizer)).toBeTruthy();
  });

  it('lets only the admin function manage usage plans and API keys, and tells it the API, stage and default limit', () => {
    const { template, stack } = synthesized;
    const adminActions = actionsOf(statementsOfFunction(template, stack, stack.functions.admin));
    expect(adminActions).toEqual(expect.arrayContaining(['apigateway:POST', 'apigateway:DELETE', 'apigateway:PATCH']));
    for (const name of ['members', 'points', 'cashback', 'rewards', 'insights', 'public', 'authorizer'] as const)
      expect(
        actionsOf(statementsOfFunction(template, stack, stack.functions[name])).some((a) =>
          a.startsWith('apigateway:'),
        ),
      ).toBe(false);
    const adminId = logicalIdOf(stack, stack.functions.admin);
    const resources = (template.toJSON() as { Resources: Record<string, unknown> }).Resources;
    const admin = resources[adminId] as { Properties: { Environment: { Variables: Record<string, unknown> } } };
    expect(admin.Properties.Environment.Variables).toMatchObject({
      REST_API_ID: { Ref: expect.stringMatching(/Api/) as unknown },
      API_STAGE: 'prod',
      PARTNER_RATE_LIMIT: JSON.stringify({ perSecond: 50, burst: 100 }),
    });
    const statement = statementsOfFunction(template, stack, stack.functions.admin).find((s) =>
      actionsOf([s]).includes('apigateway:DELETE'),
    );
    expect(JSON.stringify(statement?.Resource)).toMatch(/usageplans/);
    expect(JSON.stringify(statement?.Resource)).not.toMatch(/"\*"/);
  });

  it("may change a plan's throttle (a partner's new limit, PATCH /v1/admin/partners) only on the plans it tagged", () => {
    const { template, stack } = synthesized;
    const patches = statementsOfFunction(template, stack, stack.functions.admin).filter(
      (s) => actionsOf([s]).includes('apigateway:PATCH') && /usageplans\/\*"/.test(JSON.stringify(s.Resource)),
    );
    expect(patches).toHaveLength(1);
    expect((patches[0] as { Condition?: unknown } | undefined)?.Condition).toEqual({
      StringEquals: { [`aws:ResourceTag/${THROTTLE_TAG_KEY}`]: expect.anything() as unknown },
    });
  });
});
