import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { consoleContentTypes, type ConsoleAssets, type ConsoleFile } from './assets';

/**
 * Bundles the console (app/, Preact + uPlot) into static files: one hashed script, one hashed
 * stylesheet and the page that loads them. Nothing is fetched from elsewhere and nothing is
 * inline, so the page runs offline and under a Content-Security-Policy without 'unsafe-inline'.
 *
 * The local stack builds in memory when it starts; `cdk synth` runs this file after bundling the
 * public function (`tsx shared/console/build.ts <dir>`) so the files ship beside its index.mjs.
 */
const appDirectory = join(dirname(fileURLToPath(import.meta.url)), 'app');

/** A single-page app built the console's way: its entry, the name of its URL path and its page's words. */
export interface PageSpec {
  /** The URL path segment the page is served at (`console`, `card`), also the bundle's name. */
  name: string;
  entry: string;
  tsconfig: string;
  title: string;
  noscript: string;
}

const consoleSpec: PageSpec = {
  name: 'console',
  entry: join(appDirectory, 'main.tsx'),
  tsconfig: join(appDirectory, 'tsconfig.json'),
  title: 'Rewards console',
  noscript: 'The console needs JavaScript.',
};

/** Bundles a page's app into one hashed script, one hashed stylesheet and the page that loads them. */
export async function buildPage(spec: PageSpec): Promise<ConsoleAssets> {
  const result = await build({
    entryPoints: { [spec.name]: spec.entry },
    bundle: true,
    minify: true,
    format: 'esm',
    target: ['es2022'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    tsconfig: spec.tsconfig,
    entryNames: '[name]-[hash]',
    outdir: 'out',
    write: false,
    logLevel: 'silent',
    // Preact, uPlot and uqr are MIT: their notices stay in the bundle, at its end.
    legalComments: 'eof',
  });
  const files: Record<string, ConsoleFile> = {};
  for (const output of result.outputFiles) {
    const name = basename(output.path);
    const type = consoleContentTypes[extname(name)];
    if (type) files[name] = { contentType: type, body: output.text };
  }
  const script = Object.keys(files).find((name) => name.endsWith('.js'));
  const stylesheet = Object.keys(files).find((name) => name.endsWith('.css'));
  if (!script || !stylesheet) throw new Error(`The ${spec.name} build produced no script or no stylesheet`);
  return { page: pageHtml(spec, script, stylesheet), files };
}

export const buildConsole = (): Promise<ConsoleAssets> => buildPage(consoleSpec);

/** Relative URLs: the page is /<name> locally and /<stage>/<name> behind API Gateway. */
function pageHtml(spec: PageSpec, script: string, stylesheet: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${spec.title}</title>
<link rel="stylesheet" href="${spec.name}/${stylesheet}">
<script type="module" src="${spec.name}/${script}"></script>
</head>
<body>
<div id="app"><noscript>${spec.noscript}</noscript></div>
</body>
</html>
`;
}

/** Writes the page as index.html and the files beside it (what the public function reads on AWS). */
export async function writeConsole(directory: string, assets?: ConsoleAssets): Promise<void> {
  assets ??= await buildConsole();
  rmSync(directory, { recursive: true, force: true });
  mkdirSync(directory, { recursive: true });
  writeFileSync(join(directory, 'index.html'), assets.page);
  for (const [name, file] of Object.entries(assets.files)) writeFileSync(join(directory, name), file.body);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const target = process.argv[2];
  if (!target) throw new Error('usage: tsx shared/console/build.ts <output directory>');
  await writeConsole(resolve(target));
}
