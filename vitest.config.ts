import { defineConfig } from 'vitest/config';

// The connector imports the library's ES source, as its bundle does (scripts/buildConnector.ts).
const scvConnectorBase = new URL('./node_modules/scv-connector-base/src/main/index.js', import.meta.url)
  .pathname;

const JANUS_MEDIA_TESTS = [
  'telephony/test/mediaCalls.test.ts',
  'telephony/test/mediaFaults.test.ts',
  'telephony/test/mediaSignaling.test.ts',
  'telephony/test/mediaSalesforce.test.ts',
];

export default defineConfig({
  resolve: { alias: { 'scv-connector-base': scvConnectorBase } },
  test: {
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: {
          name: 'main',
          include: [
            'telephony/test/**/*.test.ts',
            'connector/test/**/*.test.ts',
            'emulator/test/**/*.test.ts',
            'shared/test/**/*.test.ts',
          ],
        },
      },
      // The media tests again on a Janus media node (docs/media.md, "Engines").
      {
        extends: true,
        // A file's first set-up starts its Janus node (and makes the prompts): more time for hooks.
        test: {
          name: 'janus',
          include: JANUS_MEDIA_TESTS,
          env: { MEDIA_ENGINE: 'janus' },
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
