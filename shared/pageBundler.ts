/**
 * The one esbuild set-up for browser code: a TypeScript entry bundled into one minified IIFE, kept
 * in memory. Used by the connector's build (connector/bundle.ts), the Voice Call Simulator page
 * (telephony/src/api/simulatorPage.ts) and the emulator's console (emulator/src/workspace/server.ts).
 * esbuild is a development dependency: it is loaded only when something is bundled.
 */

export interface BundleOptions {
  /** ECMAScript target (es2022 unless told). */
  target?: string;
  /** A comment put first (licences). */
  banner?: string;
  /** Module name → file (e.g. a library's ES source instead of its CommonJS build). */
  alias?: Record<string, string>;
}

/** Bundles `entry` (an absolute path) into a minified IIFE for the browser; resolves with its text. */
export async function bundlePage(entry: string, options: BundleOptions = {}): Promise<string> {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: options.target ?? 'es2022',
    charset: 'utf8',
    minify: true,
    legalComments: 'none',
    logLevel: 'silent',
    ...(options.banner ? { banner: { js: options.banner } } : {}),
    ...(options.alias ? { alias: options.alias } : {}),
  });
  const file = result.outputFiles[0];
  if (!file) throw new Error(`esbuild produced no output for ${entry}`);
  return file.text;
}

/**
 * A page's script, bundled on first use and kept; a failed build is forgotten, so the next request
 * tries again (after the source was fixed, say).
 */
export function pageScript(entry: string, options: BundleOptions = {}): () => Promise<string> {
  let script: Promise<string> | null = null;
  return () => {
    script ??= bundlePage(entry, options).catch((err: unknown) => {
      script = null;
      throw err;
    });
    return script;
  };
}
