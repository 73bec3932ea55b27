import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repositoryRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * Modules a bundle leaves to the Lambda runtime, which ships the AWS SDK for JavaScript v3 (every
 * client, with its @smithy dependencies). Everything else of the SDK is bundled, tree-shaken, as AWS
 * recommends for cold starts: loading the runtime's copy reads and compiles a few hundred CommonJS
 * files at every cold start (the DynamoDB client alone, ~40 ms of a function's init on our bench
 * machine), whereas bundled ESM keeps only what we call.
 *
 * What stays outside:
 * - the clients other than DynamoDB, which only a few functions use (API Gateway usage plans in
 *   admin, imported when a partner's plan is first changed; S3 and Step Functions for bulk imports;
 *   SQS and EventBridge for events; Lambda for a job run by hand): bundled, they would take those
 *   functions over 600 KB;
 * - the credential providers the default chain tries after the environment's: on Lambda the role's
 *   credentials are in the environment, so the SSO, ini, process, web-identity, HTTP, login and
 *   instance-metadata links (and the STS/SSO clients they use) are never imported there; the chain
 *   imports each one only when it reaches it.
 * Shared with the benchmark (test/bench/cold-start.ts), which bundles exactly as the stack does.
 */
export const RUNTIME_PROVIDED_MODULES = [
  '@aws-sdk/client-api-gateway',
  '@aws-sdk/client-eventbridge',
  '@aws-sdk/client-lambda',
  '@aws-sdk/client-s3',
  '@aws-sdk/client-sfn',
  '@aws-sdk/client-sqs',
  '@aws-sdk/s3-request-presigner',
  '@aws-sdk/credential-provider-http',
  '@aws-sdk/credential-provider-ini',
  '@aws-sdk/credential-provider-login',
  '@aws-sdk/credential-provider-process',
  '@aws-sdk/credential-provider-sso',
  '@aws-sdk/credential-provider-web-identity',
  '@aws-sdk/nested-clients',
  '@aws-sdk/token-providers',
] as const;

/**
 * Node built-ins a bundle takes as CommonJS exports (process.getBuiltinModule) instead of an ESM
 * `import`. Importing a built-in as ESM makes Node build a module facade that reads every export
 * once; on Node 24 the exports of node:http include lazy getters (WebSocket, MessageEvent, …) that
 * load Node's bundled undici: ~30 ms of init for a function that never opens a WebSocket. The
 * exports object itself reads nothing. Powertools' tracer, middy and the SDK's HTTP handler import
 * these two; each name is aliased to a one-line CommonJS module beside this file.
 */
export const NODE_BUILTINS_AS_COMMONJS = ['http', 'https'] as const;

/** esbuild aliases (`node:http` and `http` → ./node-builtins/http.cjs, …), as absolute paths. */
export function builtinAliases(): Record<string, string> {
  return Object.fromEntries(
    NODE_BUILTINS_AS_COMMONJS.flatMap((name) => {
      const shim = join(repositoryRoot, 'infra', 'constructs', 'node-builtins', `${name}.cjs`);
      return [
        [`node:${name}`, shim],
        [name, shim],
      ];
    }),
  );
}

/** The esbuild settings of every function, read by the stack (NodejsFunction) and the benchmark. */
export const LAMBDA_BUNDLING = {
  minify: true,
  sourceMap: true,
  sourcesContent: false,
  target: 'node24',
  mainFields: ['module', 'main'],
  // CommonJS dependencies call require(); ESM output has none unless the bundle creates it.
  banner:
    "import { createRequire as topLevelCreateRequire } from 'node:module'; const require = topLevelCreateRequire(import.meta.url);",
  externalModules: [...RUNTIME_PROVIDED_MODULES],
} as const;

/**
 * Node options of every function (NODE_OPTIONS), read by the stack and the benchmark. None: in
 * particular not --enable-source-maps, with which Node reads and indexes a function's whole source
 * map (~0.9 MB) at every cold start, ~15–30 ms of init on our bench machine. The maps still ship
 * beside each bundle, and the logger maps the stack of a logged error when it logs one
 * (shared/stack-traces.ts), so stack traces keep naming source files and lines.
 */
export const LAMBDA_NODE_OPTIONS: readonly string[] = [];
