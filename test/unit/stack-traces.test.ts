import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAMBDA_BUNDLING } from '@infra/constructs/bundling';
import { MaskingLogFormatter } from '@shared/observability';
import { sourceMappedStack } from '@shared/stack-traces';

/** A bundle built as the stack builds one (minified ESM, its map beside it), whose function throws. */
let directory: string;
let thrown: Error;

beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), 'rewards-stack-'));
  writeFileSync(
    join(directory, 'thrower.ts'),
    [
      '// line 1',
      'export function chargeTheCard(amount: number): number {',
      "  if (amount > 0) throw new Error('declined');",
      '  return amount;',
      '}',
      '',
    ].join('\n'),
  );
  await build({
    entryPoints: [join(directory, 'thrower.ts')],
    outfile: join(directory, 'out', 'index.mjs'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    minify: LAMBDA_BUNDLING.minify,
    sourcemap: LAMBDA_BUNDLING.sourceMap,
    sourcesContent: LAMBDA_BUNDLING.sourcesContent,
    logLevel: 'error',
  });
  // Thrown in a node of its own, as on Lambda (vitest would map the stack of a module it loads itself).
  const stack = execFileSync(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `const { chargeTheCard } = await import(${JSON.stringify(pathToFileURL(join(directory, 'out', 'index.mjs')).href)});
       try { chargeTheCard(5); } catch (error) { process.stdout.write(error.stack); }`,
    ],
    { encoding: 'utf8', env: { PATH: process.env.PATH } },
  );
  thrown = Object.assign(new Error('declined'), { stack });
});
afterAll(() => rmSync(directory, { recursive: true, force: true }));

describe('stack traces of a bundle without --enable-source-maps', () => {
  it('names the source file, line and column of a frame in the bundle', () => {
    expect(thrown.stack).toContain('index.mjs:');
    const stack = sourceMappedStack(thrown.stack ?? '');
    expect(stack.split('\n')[1]).toMatch(/^ {4}at \S+ \(.*thrower\.ts:3:\d+\)$/);
    expect(stack).not.toContain('index.mjs:');
  });

  it('leaves frames outside a bundle, and a bundle without a map, as they are', () => {
    const stack = [
      'Error: x',
      '    at run (node:internal/modules/run_main:123:4)',
      '    at file:///nowhere/index.mjs:1:200',
      `    at handler (${pathToFileURL(join(directory, 'thrower.ts')).href}:3:9)`,
    ].join('\n');
    expect(sourceMappedStack(stack)).toBe(stack);
  });

  it('is how the logger writes an error: stack and location in the sources', () => {
    const formatted = new MaskingLogFormatter().formatError(thrown);
    expect(formatted.message).toBe('declined');
    expect(String(formatted.location)).toMatch(/thrower\.ts:3$/);
    expect(JSON.stringify(formatted.stack)).toContain('thrower.ts:3:');
  });
});
