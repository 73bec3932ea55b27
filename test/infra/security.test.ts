import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { regionSettings, settingsForRegion } from '@infra/config/regions';
import { entryPoints } from '@shared/http/route-definition';
import { synthesizeRegion } from './support';

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
});
