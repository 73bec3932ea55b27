/**
 * Bundle size and module init of every Lambda entry point: each function is bundled with the
 * esbuild settings the stack gives NodejsFunction (infra/constructs/rewards-function.ts), then a
 * fresh `node` (with the stack's NODE_OPTIONS, if any) times importing it, against importing an
 * empty module. The parts of the AWS SDK the stack leaves to the runtime are loaded from
 * node_modules, as the runtime loads its own copy: their load time counts in init. Medians of
 * several interleaved runs, since the machine is shared.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { builtinAliases, LAMBDA_BUNDLING, LAMBDA_NODE_OPTIONS } from '@infra/constructs/bundling';

const run = promisify(execFile);

export interface ColdStartResult {
  baselineInitMs: number;
  functions: Record<string, { bundleBytes: number; initMs: number }>;
}

/** The functions API Gateway calls (the targets apply to these). */
export const API_FUNCTIONS = ['members', 'points', 'cashback', 'rewards', 'insights', 'admin', 'public', 'authorizer'];

const ROOT = resolve(import.meta.dirname, '..', '..');

const TIMER = `const t0 = performance.now();
await import(process.argv[2]);
process.stdout.write(String(performance.now() - t0));
process.exit(0);
`;

async function importMs(file: string, env: NodeJS.ProcessEnv): Promise<number> {
  const { stdout } = await run(
    process.execPath,
    [...LAMBDA_NODE_OPTIONS, join(ROOT, '.bench', 'cold-start', 'timer.mjs'), pathToFileURL(file).href],
    { env, timeout: 60_000 },
  );
  return Number(stdout);
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)] ?? 0;

export async function measureColdStart(runs = 5): Promise<ColdStartResult> {
  const out = join(ROOT, '.bench', 'cold-start');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'timer.mjs'), TIMER);
  writeFileSync(join(out, 'empty.mjs'), 'export {};\n');
  const names = readdirSync(join(ROOT, 'functions'))
    .filter((f) => f.endsWith('.ts'))
    .map((f) => f.slice(0, -3));
  for (const name of names) {
    await build({
      entryPoints: [join(ROOT, 'functions', `${name}.ts`)],
      outfile: join(out, name, 'index.mjs'),
      bundle: true,
      platform: 'node',
      format: 'esm',
      // What the stack gives NodejsFunction (infra/constructs/bundling.ts), in esbuild's own names.
      target: LAMBDA_BUNDLING.target,
      minify: LAMBDA_BUNDLING.minify,
      sourcemap: LAMBDA_BUNDLING.sourceMap,
      sourcesContent: LAMBDA_BUNDLING.sourcesContent,
      mainFields: [...LAMBDA_BUNDLING.mainFields],
      banner: { js: LAMBDA_BUNDLING.banner },
      external: [...LAMBDA_BUNDLING.externalModules],
      alias: builtinAliases(),
      tsconfig: join(ROOT, 'tsconfig.json'),
      logLevel: 'error',
    });
  }
  // What the stack sets, with placeholders: module init must not need AWS to be reachable.
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    AWS_REGION: 'eu-west-1',
    TABLE_NAME: 'bench-cold-start',
    POWERTOOLS_SERVICE_NAME: 'rewards-api',
    POWERTOOLS_METRICS_NAMESPACE: 'RewardsApi',
    METRICS_EPOCH: '2026-01-01T00:00:00.000Z',
    LOG_LEVEL: 'INFO',
    DEFAULT_PROGRAM: process.env.DEFAULT_PROGRAM,
  };
  const baseline: number[] = [];
  const timings: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (let i = 0; i < runs; i += 1) {
    baseline.push(await importMs(join(out, 'empty.mjs'), env));
    for (const name of names) timings[name]?.push(await importMs(join(out, name, 'index.mjs'), env));
  }
  const functions: ColdStartResult['functions'] = {};
  for (const name of names)
    functions[name] = {
      bundleBytes: statSync(join(out, name, 'index.mjs')).size,
      initMs: Number(median(timings[name] ?? []).toFixed(1)),
    };
  return { baselineInitMs: Number(median(baseline).toFixed(1)), functions };
}
