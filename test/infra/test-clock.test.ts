import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { entryPoints } from '@shared/http/routes';

/**
 * The test clock is local only: no Lambda entry point may reach infra/local (where the test clock
 * and the local job runner live) or install a clock. Walks the import graph of every entry in
 * functions/ the way esbuild resolves it (the tsconfig aliases), so a bundle can never contain it.
 */
const root = resolve(import.meta.dirname, '../..');
const aliases: Record<string, string> = { '@shared/': 'shared/', '@functions/': 'functions/', '@infra/': 'infra/' };

function resolveImport(from: string, specifier: string): string | undefined {
  const alias = Object.keys(aliases).find((prefix) => specifier.startsWith(prefix));
  const base = alias
    ? join(root, aliases[alias] ?? '', specifier.slice(alias.length))
    : specifier.startsWith('.')
      ? resolve(dirname(from), specifier)
      : undefined;
  if (!base) return undefined; // a package
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, join(base, 'index.ts')])
    if (existsSync(candidate) && candidate.match(/\.tsx?$/)) return candidate;
  return undefined;
}

function reachable(entry: string): Set<string> {
  const seen = new Set<string>();
  const queue = [entry];
  for (let file = queue.pop(); file !== undefined; file = queue.pop()) {
    if (seen.has(file)) continue;
    seen.add(file);
    const source = readFileSync(file, 'utf8');
    for (const match of source.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)['"]([^'"]+)['"]/g)) {
      const next = match[1] ? resolveImport(file, match[1]) : undefined;
      if (next) queue.push(next);
    }
  }
  return seen;
}

describe('the test clock is never part of a deployed function', () => {
  it.each([...entryPoints])('%s reaches no module of infra/local and installs no clock', (entry) => {
    const files = [...reachable(join(root, 'functions', `${entry}.ts`))].map((file) => file.slice(root.length + 1));
    expect(files.length).toBeGreaterThan(1);
    expect(files.filter((file) => file.startsWith('infra/local/'))).toEqual([]);
    const installing = files.filter(
      (file) => file !== 'shared/clock.ts' && /\buseClock\s*\(/.test(readFileSync(join(root, file), 'utf8')),
    );
    expect(installing).toEqual([]);
  });

  it('is found by the walk when it is there (the check is live)', () => {
    const files = [...reachable(join(root, 'infra/local/stack.ts'))].map((file) => file.slice(root.length + 1));
    expect(files).toContain('infra/local/test-clock.ts');
    expect(files).toContain('functions/time-job.ts');
  });
});
