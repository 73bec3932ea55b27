// Type-aware typescript-eslint with its recommended rules; Prettier owns formatting.
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';

// The layers (README "Architecture"): what each folder of shared/ may not import. A zone's `from`
// is what its `target` must not reach; `domain` is pure rules, `store` is storage, `app` the use
// cases, `http` and `delivery` the edges. A broken rule fails `npm test`.
const layer = (target, from, why) => ({
  target: `./shared/${target}`,
  from: from.map((f) => `./shared/${f}`),
  message: why,
});
const LAYERS = [
  layer(
    'domain',
    ['store', 'app', 'http', 'delivery'],
    'the domain is pure rules: it reads and writes nothing and knows no caller.',
  ),
  layer('store', ['app', 'http', 'delivery'], 'storage knows items, not the use cases or the edges that call it.'),
  layer('app', ['http'], 'use cases return outcomes; the HTTP layer turns them into responses.'),
];

export default tseslint.config(
  { ignores: ['node_modules/', 'cdk.out/', '.bench/', '.data/', 'coverage/', 'test/output/', '**/*.js'] },
  eslint.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // A leading underscore names what a destructuring leaves out on purpose (`{ PK: _pk, ...rest }`).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
    },
  },
  {
    // Layers and cycles, on what is built and deployed (tests may reach anything).
    files: ['shared/**/*.ts', 'functions/**/*.ts', 'infra/**/*.ts'],
    ignores: ['shared/console/app/**', 'shared/card/app/**'],
    plugins: { 'import-x': importX },
    settings: {
      ...importX.flatConfigs.typescript.settings,
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })],
    },
    rules: {
      'import-x/no-restricted-paths': ['error', { zones: LAYERS }],
      // Type-only imports are erased at build time and do not count; a value cycle does.
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
    },
  },
  {
    // The one-line CommonJS modules the bundles take node:http(s) from (infra/constructs/bundling.ts):
    // outside the TypeScript project, so linted without type information, as CommonJS.
    files: ['**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      sourceType: 'commonjs',
      globals: { module: 'writable', process: 'readonly' },
    },
  },
  {
    // `import { z }` is a namespace re-export esbuild cannot tree-shake: every bundle would carry all of
    // zod with its 60+ locales (~440 KB instead of ~90 KB). `import * as z from 'zod'` is the same API.
    files: ['shared/**/*.ts', 'functions/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector:
            "ImportDeclaration[importKind!='type'][source.value='zod'] > :matches(ImportSpecifier[imported.name='z'], ImportDefaultSpecifier)",
          message: "Use import * as z from 'zod': a bundle then carries only the parts of zod it uses.",
        },
      ],
    },
  },
);
