/**
 * Bundles the connector with esbuild: one minified IIFE with exactly one copy of scv-connector-base
 * (its ES source, so that only what is used is kept). Shared by scripts/buildConnector.ts and tests.
 */
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';

export const STATIC_RESOURCE = fileURLToPath(
  new URL('../force-app/main/default/staticresources/switchboardConnector.js', import.meta.url),
);
export const BUDGET_GZIP_BYTES = 28_000;

const BANNER =
  '/*! Switchboard connector. Includes scv-connector-base 4.8.10, (c) 2021 salesforce.com, inc., BSD-3-Clause (see docs/connector.md). */';

export async function bundleConnector(): Promise<string> {
  const result = await esbuild.build({
    entryPoints: [fileURLToPath(new URL('./src/main.ts', import.meta.url))],
    bundle: true,
    minify: true,
    format: 'iife',
    target: 'es2020',
    platform: 'browser',
    charset: 'utf8',
    legalComments: 'none',
    banner: { js: BANNER },
    alias: {
      'scv-connector-base': fileURLToPath(
        new URL('../node_modules/scv-connector-base/src/main/index.js', import.meta.url),
      ),
    },
    write: false,
    logLevel: 'silent',
  });
  const file = result.outputFiles[0];
  if (!file) throw new Error('esbuild produced no output');
  return file.text;
}

export function gzipSize(code: string): number {
  return gzipSync(code, { level: 9 }).length;
}
