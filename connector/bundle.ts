/**
 * Bundles the connector (shared/pageBundler.ts, esbuild): one minified IIFE with exactly one copy of scv-connector-base
 * (its ES source, so that only what is used is kept). Shared by scripts/buildConnector.ts and tests.
 */
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { bundlePage } from '../shared/pageBundler.ts';

export const STATIC_RESOURCE = fileURLToPath(
  new URL('../force-app/main/default/staticresources/switchboardConnector.js', import.meta.url),
);
export const BUDGET_GZIP_BYTES = 28_000;

const BANNER =
  '/*! Switchboard connector. Includes scv-connector-base 4.8.10, (c) 2021 salesforce.com, inc., BSD-3-Clause (see docs/connector.md). */';

export function bundleConnector(): Promise<string> {
  return bundlePage(fileURLToPath(new URL('./src/main.ts', import.meta.url)), {
    target: 'es2020',
    banner: BANNER,
    alias: {
      'scv-connector-base': fileURLToPath(
        new URL('../node_modules/scv-connector-base/src/main/index.js', import.meta.url),
      ),
    },
  });
}

export function gzipSize(code: string): number {
  return gzipSync(code, { level: 9 }).length;
}
