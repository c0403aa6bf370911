import { defineConfig } from 'vitest/config';

// The connector imports the library's ES source, as its bundle does (scripts/buildConnector.ts).
const scvConnectorBase = new URL('./node_modules/scv-connector-base/src/main/index.js', import.meta.url)
  .pathname;

export default defineConfig({
  resolve: { alias: { 'scv-connector-base': scvConnectorBase } },
  test: {
    include: [
      'telephony/test/**/*.test.ts',
      'connector/test/**/*.test.ts',
      'emulator/test/**/*.test.ts',
      'shared/test/**/*.test.ts',
    ],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'forks',
  },
});
