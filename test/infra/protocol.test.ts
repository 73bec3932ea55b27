import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { settingsForRegion } from '@infra/config/regions';
import { RewardsApiStack } from '@infra/stack';
import { routes, type RouteDefinition } from '@shared/http/routes';
import { synthesizeRegion } from './support';

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

  it('answers preflights itself (mock integration, 204) on every route for the configured origins', () => {
    const template = stackWith(['https://console.example.com', 'https://shop.example.com']);
    const preflights = template.findResources('AWS::ApiGateway::Method', { Properties: { HttpMethod: 'OPTIONS' } });
    // One per route path, plus /health and /openapi.json.
    expect(Object.keys(preflights)).toHaveLength(routePaths.length + 2);
    for (const method of Object.values(preflights)) {
      const properties = (method as { Properties: Record<string, any> }).Properties;
      expect(properties.AuthorizationType).toBe('NONE');
      expect(properties.Integration.Type).toBe('MOCK');
      const response = properties.Integration.IntegrationResponses[0];
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

  it('refuses an origin that is not scheme://host[:port] in the settings', () => {
    expect(() => settingsForRegion('eu-west-1', { corsOrigins: ['console.example.com/'] })).toThrow(/corsOrigins/);
  });
});

describe('request ids in API Gateway’s own answers', () => {
  it('carry X-Request-Id and instance urn:request:<API Gateway request id>', () => {
    const { template } = synthesizeRegion('eu-west-1');
    const responses = Object.values(template.findResources('AWS::ApiGateway::GatewayResponse'));
    expect(responses.length).toBeGreaterThan(5);
    for (const response of responses) {
      const properties = (response as { Properties: Record<string, any> }).Properties;
      expect(properties.ResponseParameters['gatewayresponse.header.X-Request-Id']).toBe('context.requestId');
      expect(properties.ResponseTemplates['application/json']).toContain('"instance":"urn:request:$context.requestId"');
    }
  });
});

describe('the cursor key', () => {
  it('is a generated secret of the stack, given only to the route functions', () => {
    const { template, stack } = synthesizeRegion('eu-west-1');
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: Match.objectLike({ PasswordLength: 48 }),
    });
    const functions = template.findResources('AWS::Lambda::Function');
    const withSecret = Object.entries(functions)
      .filter(([, fn]) => (fn as any).Properties.Environment?.Variables?.CURSOR_SECRET !== undefined)
      .map(([id]) => id);
    const routeFunctionIds = ['members', 'points', 'cashback', 'rewards', 'insights', 'admin'].map((name) =>
      stack.getLogicalId((stack.functions as any)[name].node.defaultChild),
    );
    expect(withSecret.sort()).toEqual(routeFunctionIds.sort());
    // A dynamic reference resolved by CloudFormation at deploy time: never the value itself.
    const value = JSON.stringify((functions[withSecret[0]!] as any).Properties.Environment.Variables.CURSOR_SECRET);
    expect(value).toContain('{{resolve:secretsmanager:');
  });
});
