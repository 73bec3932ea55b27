import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ConsoleAssets } from '@shared/console/assets';
import { buildPage, writeConsole } from '@shared/console/build';

/**
 * The member's card (`GET /card`), built like the console (shared/console/build.ts): one hashed
 * script (Preact and uqr), one stylesheet, the page; nothing inline, nothing from another host.
 * `cdk synth` runs this file after bundling the public function (`tsx shared/card/build.ts <dir>`).
 */
const appDirectory = join(dirname(fileURLToPath(import.meta.url)), 'app');

/** The card must stay light on a phone: its script (minified, before compression) stays under this. */
export const CARD_SCRIPT_BUDGET_BYTES = 60 * 1024;

export async function buildCard(): Promise<ConsoleAssets> {
  const assets = await buildPage({
    name: 'card',
    entry: join(appDirectory, 'main.tsx'),
    tsconfig: join(appDirectory, 'tsconfig.json'),
    title: 'Your loyalty card',
    noscript: 'Your card needs JavaScript.',
  });
  const scriptBytes = Object.entries(assets.files)
    .filter(([name]) => name.endsWith('.js'))
    .reduce((total, [, file]) => total + Buffer.byteLength(file.body), 0);
  if (scriptBytes > CARD_SCRIPT_BUDGET_BYTES)
    throw new Error(`The card's script is ${scriptBytes} bytes, over its budget of ${CARD_SCRIPT_BUDGET_BYTES}`);
  return assets;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const target = process.argv[2];
  if (!target) throw new Error('usage: tsx shared/card/build.ts <output directory>');
  await writeConsole(resolve(target), await buildCard());
}
