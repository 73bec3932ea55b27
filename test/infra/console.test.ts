import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { Method } from 'aws-cdk-lib/aws-apigateway';
import { beforeAll, describe, expect, it } from 'vitest';
import { settingsForRegion } from '@infra/config/regions';
import { RewardsApiStack } from '@infra/stack';
import { useConsoleAssets } from '@shared/console/assets';
import { buildConsole } from '@shared/console/build';
import { CONSOLE_CSP, consoleResponse } from '@shared/console/serve';
import { logicalIdOf } from './support';

/**
 * The console on AWS: its page and files are open GET routes of the public function (no key:
 * the page asks for the admin key itself), and it calls the API under the origin it was served
 * from — the stage's own — so the region's CORS origins (other sites' callers) need not list it.
 */
const CORS_ORIGINS = ['https://shop.example.com'];
let stack: RewardsApiStack;
let template: Template;

beforeAll(async () => {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  stack = new RewardsApiStack(app, 'ConsoleTest', {
    env: { region: 'eu-west-1' },
    settings: settingsForRegion('eu-west-1', { corsOrigins: CORS_ORIGINS }),
  });
  template = Template.fromStack(stack);
  useConsoleAssets(await buildConsole());
}, 120_000);

type MethodProperties = { HttpMethod: string; AuthorizationType: string; Integration: { Uri: unknown } };
const propertiesOf = (method: Method) =>
  (template.toJSON() as { Resources: Record<string, { Properties: MethodProperties }> }).Resources[
    logicalIdOf(stack, method)
  ]?.Properties;

describe('the console in the stack', () => {
  it('routes GET /console and GET /console/{file} to the public function, without an authorizer', () => {
    for (const path of ['/console', '/console/{file}']) {
      const method = stack.api.api.root.resourceForPath(path).node.tryFindChild('GET') as Method | undefined;
      expect(method, path).toBeDefined();
      const properties = propertiesOf(method as Method);
      expect(properties).toMatchObject({ HttpMethod: 'GET', AuthorizationType: 'NONE' });
      expect(JSON.stringify(properties?.Integration.Uri)).toContain(logicalIdOf(stack, stack.aliases.public));
    }
  });

  it('needs no CORS: the page is same-origin with the API, so the region lists only its other callers', () => {
    const consoleResource = stack.api.api.root.resourceForPath('/console');
    // No preflight on the console's own paths: its calls never leave the origin it was served from.
    expect(consoleResource.node.tryFindChild('OPTIONS')).toBeUndefined();
    // The API routes the console calls keep the region's preflights, for the region's origins only:
    // through the path's open ANY method to the public function, which knows those origins.
    const program = stack.api.api.root.resourceForPath('/v1/admin/program');
    expect(program.node.tryFindChild('ANY')).toBeDefined();
    const publicFunction = Object.values(
      template.findResources('AWS::Lambda::Function', {
        Properties: { Environment: { Variables: { CORS_ALLOWED_ORIGINS: CORS_ORIGINS.join(' ') } } },
      }),
    );
    expect(publicFunction.length).toBeGreaterThan(0);
    // …and the page may connect to nothing but its own origin.
    expect(CONSOLE_CSP).toContain("connect-src 'self'");
    expect(CONSOLE_CSP).toContain("default-src 'none'");
  });
});

describe('what the public function answers for the console', () => {
  it('serves the page with a strict CSP, never cached, loading only relative files', () => {
    const page = consoleResponse('GET', '/console');
    expect(page?.statusCode).toBe(200);
    expect(page?.headers).toMatchObject({
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Security-Policy': CONSOLE_CSP,
      'Cache-Control': 'no-store',
      'X-Frame-Options': 'DENY',
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
    });
    expect(CONSOLE_CSP).not.toMatch(/unsafe-inline|unsafe-eval|https?:/);
    const body = page?.body ?? '';
    expect(body).not.toMatch(/<script>|<style>|\sstyle=|\son[a-z]+=/i);
    expect(body).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect([...body.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1])).toEqual([
      expect.stringMatching(/^console\/console-[\w-]+\.css$/),
      expect.stringMatching(/^console\/console-[\w-]+\.js$/),
    ]);
  });

  it('serves the script and stylesheet with their content types, cached for good (hashed names), under 300 KB', () => {
    const page = consoleResponse('GET', '/console')?.body ?? '';
    const files = [...page.matchAll(/(?:src|href)="console\/([^"]+)"/g)].map((m) => m[1] ?? '');
    const types = files.map((name) => {
      const file = consoleResponse('GET', `/console/${name}`);
      expect(file?.statusCode).toBe(200);
      expect(file?.headers).toMatchObject({
        'Cache-Control': 'public, max-age=31536000, immutable',
        'X-Content-Type-Options': 'nosniff',
      });
      if (name.endsWith('.js')) expect(Buffer.byteLength(file?.body ?? '')).toBeLessThan(300 * 1024);
      return file?.headers?.['Content-Type'];
    });
    expect(types.sort()).toEqual(['text/css; charset=utf-8', 'text/javascript; charset=utf-8']);
  });

  it('sends /console/ to /console, answers HEAD, and leaves other methods and unknown files to the 404/405 answers', () => {
    expect(consoleResponse('GET', '/console/')).toMatchObject({ statusCode: 308, headers: { Location: '../console' } });
    expect(consoleResponse('HEAD', '/console')?.statusCode).toBe(200);
    expect(consoleResponse('POST', '/console')).toBeUndefined();
    expect(consoleResponse('GET', '/console/nothing.js')).toBeUndefined();
    expect(consoleResponse('GET', '/consoles')).toBeUndefined();
  });
});
