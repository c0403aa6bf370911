import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['telephony/test/**/*.test.ts', 'connector/test/**/*.test.ts', 'emulator/test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'forks',
  },
});
