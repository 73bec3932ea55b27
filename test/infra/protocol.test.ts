import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { settingsForRegion } from '@infra/config/regions';
import { apiMethods, PREFLIGHT_OPEN_PATHS } from '@infra/constructs/rewards-rest-api';
import { RewardsApiStack } from '@infra/stack';
import { WWW_AUTHENTICATE } from '@shared/http/protocol';
import { functionNames, routes, type RouteDefinition } from '@shared/http/routes';
import { logicalIdOf, synthesizeRegion } from './support';

interface Resource {
  Properties: {
    AuthorizationType?: string;
    Integration?: { Type: string; IntegrationResponses: IntegrationResponse[] };
    ResponseParameters?: Record<string, string>;
    StatusCode?: string;
    ResponseTemplates?: Record<string, string>;
    Environment?: { Variables?: Record<string, unknown> };
  };
}
interface IntegrationResponse {
  StatusCode: string;
  ResponseParameters: Record<string, string>;
  ResponseTemplates: Record<string, string>;
}
const resources = (template: Template, type: string, props?: object) =>
  Object.entries(template.findResources(type, props ? { Properties: props } : undefined)) as [string, Resource][];

/** The protocol rules on AWS: request ids in API Gateway's own answers, CORS per region, the cursor key. */
function stackWith(corsOrigins: string[]): Template {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new RewardsApiStack(app, 'CorsTest', {
    env: { region: 'eu-west-1' },
    settings: settingsForRegion('eu-west-1', { corsOrigins }),
  });
  return Template.fromStack(stack);
}

const routePaths = [...new Set(Object.values(routes as Record<string, RouteDefinition>).map((route) => route.path))];

describe('CORS on AWS', () => {
  it('allows no origin by default: no preflight method, an empty origin list for the functions', () => {
    const { template } = synthesizeRegion('eu-west-1');
    expect(template.findResources('AWS::ApiGateway::Method', { Properties: { HttpMethod: 'OPTIONS' } })).toEqual({});
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ CORS_ALLOWED_ORIGINS: '' }) },
    });
  });

  it('answers preflights on the open paths itself (mock, 204) and on the routes through ANY, within 500 resources', () => {
    const template = stackWith(['https://console.example.com', 'https://shop.example.com']);
    const preflights = resources(template, 'AWS::ApiGateway::Method', { HttpMethod: 'OPTIONS' });
    // /health, /health/ready, /openapi.json and /.well-known/jwks.json: they have no ANY method.
    expect(preflights).toHaveLength(PREFLIGHT_OPEN_PATHS.length);
    // Every route path has an open ANY method: its preflight reaches the public function.
    const anyPaths = resources(template, 'AWS::ApiGateway::Method', { HttpMethod: 'ANY' });
    expect(anyPaths.length).toBeGreaterThanOrEqual(routePaths.length);
    // A CloudFormation stack holds at most 500 resources; a mock OPTIONS per route took it past them.
    expect(Object.keys(template.toJSON().Resources as object).length).toBeLessThan(500);
    for (const [, { Properties: properties }] of preflights) {
      expect(properties.AuthorizationType).toBe('NONE');
      expect(properties.Integration?.Type).toBe('MOCK');
      const response = properties.Integration?.IntegrationResponses[0];
      if (!response) throw new Error('a preflight has an integration response');
      expect(response.StatusCode).toBe('204');
      expect(response.ResponseParameters['method.response.header.Access-Control-Allow-Headers']).toContain(
        'Idempotency-Key',
      );
      // Several origins: the allowed one is echoed by the mapping template, never `*`.
      expect(JSON.stringify(response.ResponseTemplates)).toContain('https://shop.example.com');
      expect(JSON.stringify(properties)).not.toContain("'*'");
    }
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({ CORS_ALLOWED_ORIGINS: 'https://console.example.com https://shop.example.com' }),
      },
    });
  });

  it('caps the preflight methods like the other open methods: at a partner default, within the budget', () => {
    const settings = settingsForRegion('eu-west-1', { corsOrigins: ['https://console.example.com'] });
    const template = stackWith(['https://console.example.com']);
    const stage = Object.values(template.findResources('AWS::ApiGateway::Stage'))[0] as {
      Properties: { MethodSettings: { ResourcePath: string; HttpMethod: string; ThrottlingBurstLimit: number }[] };
    };
    const perMethod = stage.Properties.MethodSettings.filter((setting) => setting.ResourcePath !== '/*');
    const { keyed, open } = apiMethods(true);
    expect(perMethod).toHaveLength(keyed.length + open.length);
    expect(perMethod.filter((setting) => setting.HttpMethod === 'OPTIONS')).toHaveLength(PREFLIGHT_OPEN_PATHS.length);
    for (const setting of perMethod.filter((method) => method.HttpMethod === 'OPTIONS')) {
      expect(setting.ThrottlingBurstLimit).toBe(settings.partnerRateLimit.burst);
      expect(setting.ThrottlingBurstLimit).toBeLessThanOrEqual(settings.throttling.burstLimit);
    }
  });

  it('refuses an origin that is not scheme://host[:port] in the settings', () => {
    expect(() => settingsForRegion('eu-west-1', { corsOrigins: ['console.example.com/'] })).toThrow(/corsOrigins/);
  });
});

describe('request ids in API Gateway’s own answers', () => {
  it('carry X-Request-Id and instance urn:request:<API Gateway request id>', () => {
    const { template } = synthesizeRegion('eu-west-1');
    const responses = resources(template, 'AWS::ApiGateway::GatewayResponse');
    expect(responses.length).toBeGreaterThan(5);
    for (const [, { Properties: properties }] of responses) {
      expect(properties.ResponseParameters?.['gatewayresponse.header.X-Request-Id']).toBe('context.requestId');
      expect(properties.ResponseTemplates?.['application/json']).toContain(
        '"instance":"urn:request:$context.requestId"',
      );
    }
  });

  it('say how to authenticate on a 401 (WWW-Authenticate, RFC 9110), as the functions do', () => {
    const { template } = synthesizeRegion('eu-west-1');
    const unauthorized = resources(template, 'AWS::ApiGateway::GatewayResponse').filter(
      ([, { Properties: properties }]) => properties.StatusCode === '401',
    );
    expect(unauthorized.length).toBeGreaterThan(0);
    for (const [, { Properties: properties }] of unauthorized)
      expect(properties.ResponseParameters?.['gatewayresponse.header.WWW-Authenticate']).toBe(`'${WWW_AUTHENTICATE}'`);
  });
});

describe('the cursor key', () => {
  it('is a generated secret of the stack, given only to the route functions', () => {
    const { template, stack } = synthesizeRegion('eu-west-1');
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: Match.objectLike({ PasswordLength: 48 }),
    });
    const withSecret = resources(template, 'AWS::Lambda::Function').filter(
      ([, fn]) => fn.Properties.Environment?.Variables?.CURSOR_SECRET !== undefined,
    );
    const routeFunctionIds = functionNames.map((name) => logicalIdOf(stack, stack.functions[name]));
    expect(withSecret.map(([id]) => id).sort()).toEqual(routeFunctionIds.sort());
    for (const [, fn] of withSecret) {
      // A dynamic reference resolved by CloudFormation at deploy time: never the value itself.
      expect(JSON.stringify(fn.Properties.Environment?.Variables?.CURSOR_SECRET)).toContain(
        '{{resolve:secretsmanager:',
      );
    }
  });
});
