import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { regionSettings, settingsForRegion } from '@infra/config/regions';
import { entryPoints } from '@shared/http/route-definition';
import { THROTTLE_TAG_KEY } from '@shared/adapters/api-gateway-throttles';
import { logicalIdOf, statementsOfFunction, synthesizeRegion } from './support';

type FunctionResource = { Properties: { Environment?: { Variables?: Record<string, unknown> } } };

/** Security settings of the deployed template (issue: secrets in traces, throttles, keys, grants). */
describe('security of a region', () => {
  it.each(['eu-west-1', 'us-east-1'])('in %s, no function puts its answers or errors in X-Ray traces', (region) => {
    const { template } = synthesizeRegion(region);
    const functions = Object.values(template.findResources('AWS::Lambda::Function')) as FunctionResource[];
    // Every Lambda function of the stack, not only the API's: jobs, authorizer, workers.
    expect(functions).toHaveLength(entryPoints.length);
    for (const fn of functions)
      expect(fn.Properties.Environment?.Variables).toMatchObject({
        POWERTOOLS_TRACER_CAPTURE_RESPONSE: 'false',
        POWERTOOLS_TRACER_CAPTURE_ERROR: 'false',
      });
  });

  it.each(Object.keys(regionSettings))(
    'in %s, a web ACL with a rate rule for requests without a key is on by default',
    (region) => {
      const { template } = synthesizeRegion(region);
      const { wafUnauthenticatedRateLimitPer5Minutes } = settingsForRegion(region);
      template.resourceCountIs('AWS::WAFv2::WebACLAssociation', 1);
      template.hasResourceProperties('AWS::WAFv2::WebACL', {
        Rules: Match.arrayWith([
          Match.objectLike({
            Name: 'UnauthenticatedRatePerIp',
            Statement: {
              RateBasedStatement: Match.objectLike({
                Limit: wafUnauthenticatedRateLimitPer5Minutes,
                ScopeDownStatement: { NotStatement: Match.anyValue() },
              }),
            },
          }),
        ]),
      });
    },
  );

  it("refuses a partner default above the region's budget: a method's cap is never below it", () => {
    expect(() => settingsForRegion('us-east-1', { throttling: { rateLimit: 40, burstLimit: 150 } })).toThrow(
      /partnerRateLimit\.perSecond: must not exceed the region's throttling\.rateLimit \(40\)/,
    );
    expect(() => settingsForRegion('us-east-1', { partnerRateLimit: { perSecond: 50, burst: 151 } })).toThrow(
      /partnerRateLimit\.burst/,
    );
  });

  it("lets the admin function create, change and delete only this API's own keys and plans", () => {
    const { template, stack } = synthesizeRegion('eu-west-1');
    const apiRef = { Ref: logicalIdOf(stack, stack.api.api) };
    const statements = statementsOfFunction(template, stack, stack.functions.admin) as (ReturnType<
      typeof statementsOfFunction
    >[number] & { Condition?: Record<string, Record<string, unknown>> })[];
    const gateway = statements.filter((statement) =>
      [statement.Action].flat().some((action) => action.startsWith('apigateway:')),
    );
    const onStage = (statement: (typeof gateway)[number]) => JSON.stringify(statement.Resource).includes('/stages/');
    // Besides its own stage (attaching a plan), every grant is conditioned on this API's tag.
    for (const statement of gateway.filter((candidate) => !onStage(candidate))) {
      const tagged = statement.Condition?.StringEquals ?? {};
      const [conditionKey, value] = Object.entries(tagged)[0] ?? [];
      expect(conditionKey).toMatch(new RegExp(`^aws:(Resource|Request)Tag/${THROTTLE_TAG_KEY}$`));
      expect(value).toEqual(apiRef);
      if (conditionKey?.startsWith('aws:RequestTag'))
        expect(statement.Condition?.['ForAllValues:StringEquals']).toEqual({ 'aws:TagKeys': [THROTTLE_TAG_KEY] });
    }
    const byCondition = (kind: string) =>
      gateway.filter((statement) =>
        Object.keys(statement.Condition?.StringEquals ?? {}).some((key) => key.startsWith(kind)),
      );
    expect(JSON.stringify(byCondition('aws:ResourceTag').map((s) => s.Action))).toMatch(/DELETE/);
    expect(JSON.stringify(byCondition('aws:RequestTag').map((s) => s.Resource))).toMatch(/apikeys.*usageplans/);
    expect(gateway.filter(onStage).every((statement) => JSON.stringify(statement.Resource).includes(apiRef.Ref))).toBe(
      true,
    );
    // The function learns the tag to put on what it creates: this API's id.
    const resources = template.toJSON().Resources as Record<
      string,
      { Properties: { Environment: { Variables: Record<string, unknown> } } }
    >;
    expect(resources[logicalIdOf(stack, stack.functions.admin)]?.Properties.Environment.Variables.THROTTLE_TAG).toEqual(
      apiRef,
    );
  });

  it('refuses an authorizer cache over 5 minutes: a revoked key works at most that long', () => {
    expect(settingsForRegion('eu-west-1', { authorizerCacheSeconds: 300 }).authorizerCacheSeconds).toBe(300);
    expect(() => settingsForRegion('eu-west-1', { authorizerCacheSeconds: 301 })).toThrow(
      /authorizerCacheSeconds: Too big: expected number to be <=300/,
    );
  });
});
