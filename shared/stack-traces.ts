import { readFileSync } from 'node:fs';
import { SourceMap, type SourceMapPayload } from 'node:module';
import { fileURLToPath } from 'node:url';

/**
 * Stack traces of a bundle, in the sources' terms, without Node's --enable-source-maps.
 *
 * With that flag Node reads and indexes the source map of every module when it loads it: on Lambda
 * that is the function's ~0.9 MB map parsed in every cold start, for the few requests that ever
 * log a stack. Instead, the bundle's map (index.mjs.map beside index.mjs) is read here the first
 * time a logged error has a frame in it, and each such frame is rewritten to its source file, line
 * and column (a function's name stays the bundle's: a frame's position does not say which name of
 * the map is its function's; the line does). Frames outside a bundle (Node's, the
 * runtime's, TypeScript run by tsx or vitest) and bundles without a map are left as they are;
 * when Node maps stacks itself (the flag is on), there is nothing to do.
 */
const maps = new Map<string, SourceMap | undefined>();

function mapOf(fileUrl: string): SourceMap | undefined {
  if (!maps.has(fileUrl)) {
    let map: SourceMap | undefined;
    try {
      map = new SourceMap(JSON.parse(readFileSync(`${fileURLToPath(fileUrl)}.map`, 'utf8')) as SourceMapPayload);
    } catch {
      map = undefined;
    }
    maps.set(fileUrl, map);
  }
  return maps.get(fileUrl);
}

/** `at name (file:///…/index.mjs:1:2345)` or `at file:///…/index.mjs:1:2345`. */
const FRAME = /^(\s*at )(?:(.*?) \()?(file:\/\/\/[^\s()]+\.mjs):(\d+):(\d+)(\)?)$/;

function mapFrame(line: string): string {
  const match = FRAME.exec(line);
  if (!match) return line;
  const [, at, name, file, row, column] = match as unknown as [
    string,
    string,
    string | undefined,
    string,
    string,
    string,
  ];
  const entry = mapOf(file)?.findEntry(Number(row) - 1, Number(column) - 1);
  if (!entry || !('originalSource' in entry)) return line;
  const source = entry.originalSource.replace(/^(\.\.\/)+/, '');
  const where = `${source}:${entry.originalLine + 1}:${entry.originalColumn + 1}`;
  return name ? `${at}${name} (${where})` : `${at}${where}`;
}

export function sourceMappedStack(stack: string): string {
  if (process.sourceMapsEnabled) return stack;
  return stack.split('\n').map(mapFrame).join('\n');
}
