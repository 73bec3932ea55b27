import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { extname } from 'node:path';

export interface ConsoleFile {
  contentType: string;
  body: string;
}

/** The built console: its page and the static files the page loads (by file name). */
export interface ConsoleAssets {
  page: string;
  files: Record<string, ConsoleFile>;
}

let assets: ConsoleAssets | undefined;

/** The local stack builds the console in memory at start and hands it over here. */
export function useConsoleAssets(built: ConsoleAssets): void {
  assets = built;
}

export const consoleContentTypes: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

/**
 * On AWS the bundling copies the built files into `console/` beside index.mjs (the bundle this
 * module is part of), so they are read from there once per container. Undefined when there is
 * no build at all (a function bundled without the hook): the route then answers 404.
 */
export function consoleAssets(): ConsoleAssets | undefined {
  if (assets) return assets;
  const directory = new URL('./console/', import.meta.url);
  if (!existsSync(new URL('index.html', directory))) return undefined;
  const files: Record<string, ConsoleFile> = {};
  for (const name of readdirSync(directory)) {
    const contentType = consoleContentTypes[extname(name)];
    if (contentType) files[name] = { contentType, body: readFileSync(new URL(name, directory), 'utf8') };
  }
  assets = { page: readFileSync(new URL('index.html', directory), 'utf8'), files };
  return assets;
}
