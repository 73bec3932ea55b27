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

export async function buildConsole(): Promise<ConsoleAssets> {
  const result = await build({
    entryPoints: { console: join(appDirectory, 'main.tsx') },
    bundle: true,
    minify: true,
    format: 'esm',
    target: ['es2022'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    tsconfig: join(appDirectory, 'tsconfig.json'),
    entryNames: '[name]-[hash]',
    outdir: 'out',
    write: false,
    logLevel: 'silent',
    // Preact and uPlot are MIT: their notices stay in the bundle, at its end.
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
  if (!script || !stylesheet) throw new Error('The console build produced no script or no stylesheet');
  return { page: consolePage(script, stylesheet), files };
}

/** Relative URLs: the page is /console locally and /<stage>/console behind API Gateway. */
function consolePage(script: string, stylesheet: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Rewards console</title>
<link rel="stylesheet" href="console/${stylesheet}">
<script type="module" src="console/${script}"></script>
</head>
<body>
<div id="app"><noscript>The console needs JavaScript.</noscript></div>
</body>
</html>
`;
}

/** Writes the page as index.html and the files beside it (what the public function reads on AWS). */
export async function writeConsole(directory: string): Promise<void> {
  const assets = await buildConsole();
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
