import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

/**
 * The layers and the no-cycle rule of eslint.config.js, proved live: a real file of each layer,
 * linted with one import it may not have, fails with the rule that keeps the layer; the same
 * file as it is passes. (`npm test` lints shared/, functions/ and infra/ with this config.)
 */
const root = resolve(__dirname, '../..');
const eslint = new ESLint({ cwd: root });

async function rulesBroken(file: string, extraImport?: string): Promise<string[]> {
  const path = resolve(root, file);
  const text = readFileSync(path, 'utf8');
  const [result] = await eslint.lintText(extraImport ? `${extraImport}\n${text}` : text, { filePath: path });
  return (result?.messages ?? []).map((message) => String(message.ruleId));
}

describe('the lint rules that keep the layers', () => {
  it('let the files be as they are', async () => {
    for (const file of ['shared/domain/money.ts', 'shared/store/errors.ts', 'shared/app/answer-nps.ts'])
      expect(await rulesBroken(file), file).toEqual([]);
  });

  it('refuse the domain importing storage, storage importing a use case, a use case importing http', async () => {
    expect(await rulesBroken('shared/domain/money.ts', "import '@shared/store/client';")).toContain(
      'import-x/no-restricted-paths',
    );
    expect(await rulesBroken('shared/store/errors.ts', "import '@shared/app/support/execute';")).toContain(
      'import-x/no-restricted-paths',
    );
    expect(await rulesBroken('shared/app/answer-nps.ts', "import '@shared/http/problems';")).toContain(
      'import-x/no-restricted-paths',
    );
  });

  it('refuse an import cycle between files', async () => {
    // earn.ts imports money.ts: money.ts importing earn.ts closes a cycle.
    expect(await rulesBroken('shared/domain/money.ts', "import './earn';")).toContain('import-x/no-cycle');
  });
}, 180_000);
