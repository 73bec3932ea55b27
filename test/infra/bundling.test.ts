import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type {
  APIGatewayProxyEvent,
  APIGatewayProxyResult,
  APIGatewayTokenAuthorizerEvent,
  APIGatewayAuthorizerResult,
} from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '@infra/app';
import type { EntryName } from '@infra/constructs/rewards-function';
import type { RewardsApiStack } from '@infra/stack';
import { putKnownKey } from '@shared/store/partners';
import { useFreshTable } from '../support/table';
import { logicalIdOf } from './support';

/** The one infra test that bundles for real, with the local esbuild (no Docker), as `cdk synth` does. */
let outdir: string;
let stack: RewardsApiStack;
let template: Template;

beforeAll(() => {
  outdir = mkdtempSync(join(tmpdir(), 'rewards-cdk-'));
  // What of the AWS SDK is left to the Lambda runtime (infra/constructs/bundling.ts): here the repository's
  // copy plays the runtime's, found from the bundles' directories as /var/runtime/node_modules is.
  mkdirSync(join(outdir, 'node_modules'));
  symlinkSync(resolve('node_modules', '@aws-sdk'), join(outdir, 'node_modules', '@aws-sdk'));
  ({ stack } = buildApp(new App({ outdir, context: { region: 'eu-west-1' } })));
  template = Template.fromStack(stack);
}, 180_000);
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

function bundleOf(entry: EntryName): string {
  const code = template.toJSON().Resources[logicalIdOf(stack, stack.functions[entry])].Properties.Code as {
    S3Key: string;
  };
  return join(outdir, `asset.${code.S3Key.replace(/\.zip$/, '')}`);
}

const entries: EntryName[] = [
  'members',
  'points',
  'cashback',
  'rewards',
  'insights',
  'admin',
  'events',
  'event-fanout',
  'webhook-delivery',
  'public',
  'authorizer',
  'metrics-job',
  'time-job',
];

describe('bundles', () => {
  it.each(entries)(
    '%s is a minified ESM bundle with a source map and a require() for CommonJS dependencies',
    (entry) => {
      const directory = bundleOf(entry);
      const code = readFileSync(join(directory, 'index.mjs'), 'utf8');
      expect(
        code.startsWith(
          "import { createRequire as topLevelCreateRequire } from 'node:module'; const require = topLevelCreateRequire(import.meta.url);",
        ),
      ).toBe(true);
      expect(code).toContain('//# sourceMappingURL=index.mjs.map');
      expect(existsSync(join(directory, 'index.mjs.map'))).toBe(true);
      // esbuild resolved the tsconfig path aliases: no import of @shared/… is left for the runtime.
      expect(code).not.toContain('@shared/');
    },
  );

  it('runs the public bundle: health, the OpenAPI document and a 404 problem', async () => {
    const { handler } = (await import(pathToFileURL(join(bundleOf('public'), 'index.mjs')).href)) as {
      handler: (event: APIGatewayProxyEvent, context: unknown) => Promise<APIGatewayProxyResult>;
    };
    const call = (httpMethod: string, path: string) =>
      handler({ httpMethod, path, resource: '/{proxy+}', headers: {}, body: null } as APIGatewayProxyEvent, {});
    expect(await call('GET', '/health')).toMatchObject({ statusCode: 200, body: JSON.stringify({ status: 'ok' }) });
    const openapi = await call('GET', '/openapi.json');
    expect(openapi.statusCode).toBe(200);
    expect(JSON.parse(openapi.body).openapi).toMatch(/^3\.1/);
    const missing = await call('GET', '/v1/nothing-here');
    expect(missing.statusCode).toBe(404);
    expect(missing.headers?.['Content-Type']).toBe('application/problem+json');
  });

  it('runs the public bundle: the console page under a strict CSP, and its script from the files shipped beside it', async () => {
    const { handler } = (await import(pathToFileURL(join(bundleOf('public'), 'index.mjs')).href)) as {
      handler: (event: APIGatewayProxyEvent, context: unknown) => Promise<APIGatewayProxyResult>;
    };
    const get = (path: string) =>
      handler({ httpMethod: 'GET', path, resource: '/console', headers: {}, body: null } as APIGatewayProxyEvent, {});
    const page = await get('/console');
    expect(page.statusCode).toBe(200);
    expect(page.headers?.['Content-Type']).toBe('text/html; charset=utf-8');
    expect(page.headers?.['Content-Security-Policy']).toContain("default-src 'none'; script-src 'self'");
    const script = /src="console\/([^"]+\.js)"/.exec(page.body)?.[1];
    expect(script).toBeDefined();
    expect(existsSync(join(bundleOf('public'), 'console', script ?? ''))).toBe(true);
    const file = await get(`/console/${script}`);
    expect(file.statusCode).toBe(200);
    expect(file.headers?.['Content-Type']).toBe('text/javascript; charset=utf-8');
    expect(file.body.length).toBeLessThan(300 * 1024);
    expect((await get('/console/nothing.js')).statusCode).toBe(404);
  });

  it('runs the authorizer bundle against DynamoDB Local: a known key is allowed with its role', async () => {
    await useFreshTable();
    await putKnownKey({
      partnerId: 'bundle-admin',
      name: 'Bundle admin',
      scopes: [],
      apiKey: 'rk_bundle_test_key',
      role: 'admin',
    });
    const { handler } = (await import(pathToFileURL(join(bundleOf('authorizer'), 'index.mjs')).href)) as {
      handler: (event: APIGatewayTokenAuthorizerEvent) => Promise<APIGatewayAuthorizerResult>;
    };
    const methodArn = 'arn:aws:execute-api:eu-west-1:123456789012:abcdef/prod/GET/v1/members/mem_1';
    const result = await handler({ type: 'TOKEN', authorizationToken: 'Bearer rk_bundle_test_key', methodArn });
    expect(result).toMatchObject({
      principalId: 'bundle-admin',
      context: { role: 'admin' },
      policyDocument: {
        Statement: [{ Effect: 'Allow', Resource: ['arn:aws:execute-api:eu-west-1:123456789012:abcdef/prod/*'] }],
      },
    });
    await expect(handler({ type: 'TOKEN', authorizationToken: 'Bearer rk_unknown', methodArn })).rejects.toThrow(
      'Unauthorized',
    );
  });
});
