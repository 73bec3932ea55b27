import { CfnWebACL, CfnWebACLAssociation } from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { PROBLEM_TYPE_BASE } from '@shared/http/problems';
import { AUTHORIZATION_HEADER_PATTERN } from './rewards-rest-api';

export interface RegionalWafProps {
  /** The API stage the web ACL protects. */
  stageArn: string;
  /** Requests from one IP address per five minutes before it is blocked for a while. */
  ratePer5Minutes: number;
  /** Requests without a well-formed API key from one IP address per five minutes before it is blocked. */
  unauthenticatedRatePer5Minutes: number;
}

/** The AWS managed rule groups in front of the API, in evaluation order. */
export const managedRuleGroups = [
  'AWSManagedRulesAmazonIpReputationList',
  'AWSManagedRulesKnownBadInputsRuleSet',
  'AWSManagedRulesCommonRuleSet',
] as const;

/**
 * A regional web ACL on the stage (settings `waf: true`, the default): AWS's IP reputation list,
 * known bad inputs and common rule set, then two per-IP rate rules that answer 429 with the API's
 * problem shape: one on requests without a well-formed API key (a flood of them reaches the open
 * methods and the 404 answer, which no usage plan limits), one on every request.
 * The common rule set's 8 KB body limit only counts: the functions accept 64 KB and answer 413 above.
 */
export class RegionalWaf extends Construct {
  readonly webAcl: CfnWebACL;

  constructor(scope: Construct, id: string, props: RegionalWafProps) {
    super(scope, id);
    const visibility = (metricName: string): CfnWebACL.VisibilityConfigProperty => ({
      cloudWatchMetricsEnabled: true,
      metricName,
      sampledRequestsEnabled: true,
    });
    const managed: CfnWebACL.RuleProperty[] = managedRuleGroups.map((name, index) => ({
      name,
      priority: index,
      overrideAction: { none: {} },
      statement: {
        managedRuleGroupStatement: {
          vendorName: 'AWS',
          name,
          ...(name === 'AWSManagedRulesCommonRuleSet'
            ? { ruleActionOverrides: [{ name: 'SizeRestrictions_BODY', actionToUse: { count: {} } }] }
            : {}),
        },
      },
      visibilityConfig: visibility(name),
    }));
    const problem = {
      type: `${PROBLEM_TYPE_BASE}throttled`,
      title: 'Too many requests',
      status: 429,
      detail: 'Too many requests from this address; retry after the delay in Retry-After.',
    };
    const throttled: CfnWebACL.RuleActionProperty = {
      block: {
        customResponse: {
          responseCode: 429,
          customResponseBodyKey: 'throttled',
          responseHeaders: [{ name: 'Retry-After', value: '300' }],
        },
      },
    };
    this.webAcl = new CfnWebACL(this, 'WebAcl', {
      scope: 'REGIONAL',
      description: 'Rewards API: AWS managed rule groups and per-IP rate limits',
      defaultAction: { allow: {} },
      visibilityConfig: visibility('RewardsApiWebAcl'),
      customResponseBodies: { throttled: { contentType: 'APPLICATION_JSON', content: JSON.stringify(problem) } },
      rules: [
        ...managed,
        {
          name: 'UnauthenticatedRatePerIp',
          priority: managed.length,
          action: throttled,
          statement: {
            rateBasedStatement: {
              limit: props.unauthenticatedRatePer5Minutes,
              aggregateKeyType: 'IP',
              // Counts only requests whose Authorization header is not a well-formed key (or is missing).
              scopeDownStatement: {
                notStatement: {
                  statement: {
                    regexMatchStatement: {
                      fieldToMatch: { singleHeader: { Name: 'authorization' } },
                      regexString: AUTHORIZATION_HEADER_PATTERN,
                      textTransformations: [{ priority: 0, type: 'NONE' }],
                    },
                  },
                },
              },
            },
          },
          visibilityConfig: visibility('UnauthenticatedRatePerIp'),
        },
        {
          name: 'RatePerIp',
          priority: managed.length + 1,
          action: throttled,
          statement: { rateBasedStatement: { limit: props.ratePer5Minutes, aggregateKeyType: 'IP' } },
          visibilityConfig: visibility('RatePerIp'),
        },
      ],
    });
    new CfnWebACLAssociation(this, 'Association', {
      resourceArn: props.stageArn,
      webAclArn: this.webAcl.attrArn,
    });
  }
}
