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

const built = new Map<string, ConsoleAssets>();

/** The local stack builds each page (console, card) in memory at start and hands it over here. */
export function usePageAssets(name: string, assets: ConsoleAssets): void {
  built.set(name, assets);
}

export const useConsoleAssets = (assets: ConsoleAssets): void => usePageAssets('console', assets);

export const consoleContentTypes: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

/**
 * On AWS the bundling copies each page's built files into `<name>/` beside index.mjs (the bundle
 * this module is part of), so they are read from there once per container. Undefined when there
 * is no build at all (a function bundled without the hook): the route then answers 404.
 */
export function pageAssets(name: string): ConsoleAssets | undefined {
  const known = built.get(name);
  if (known) return known;
  const directory = new URL(`./${name}/`, import.meta.url);
  if (!existsSync(new URL('index.html', directory))) return undefined;
  const files: Record<string, ConsoleFile> = {};
  for (const file of readdirSync(directory)) {
    const contentType = consoleContentTypes[extname(file)];
    if (contentType) files[file] = { contentType, body: readFileSync(new URL(file, directory), 'utf8') };
  }
  const assets = { page: readFileSync(new URL('index.html', directory), 'utf8'), files };
  built.set(name, assets);
  return assets;
}

export const consoleAssets = (): ConsoleAssets | undefined => pageAssets('console');
