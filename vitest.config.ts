import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const dir = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  resolve: {
    alias: {
      '@shared': dir('./shared'),
      '@functions': dir('./functions'),
      '@infra': dir('./infra'),
    },
  },
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    env: {
      POWERTOOLS_DEV: 'true',
      LOG_LEVEL: 'ERROR',
      POWERTOOLS_METRICS_DISABLED: 'true',
      // Tests of behaviour must not fail because a loaded 2-core machine is slow; the tests of
      // deadlines and the chaos test set their own short ones.
      REQUEST_DEADLINE_MS: '25000',
      DYNAMODB_CALL_TIMEOUT_MS: '15000',
    },
  },
});
