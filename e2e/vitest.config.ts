import { defineConfig } from 'vitest/config';

// The end-to-end suite (npm run test:e2e): one local stack and one Chromium per file, files one after another.
export default defineConfig({
  test: {
    include: ['e2e/**/*.e2e.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
