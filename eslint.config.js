// Type-aware typescript-eslint with its recommended rules; Prettier owns formatting.
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

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
