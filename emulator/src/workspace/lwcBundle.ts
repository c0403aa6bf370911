/**
 * The managed package's workspace LWCs for the emulated console (docs/emulator.md, "The package's
 * LWCs"): their own files under force-app/ compiled with the LWC compiler (`@lwc/compiler`, the
 * version the engine `@lwc/engine-dom` matches) and bundled by esbuild with the engine and synthetic
 * shadow, as Lightning Experience runs them. Only what Salesforce provides is stood in for:
 * `lightning/messageService`, `lightning/platformResourceLoader`, the toolkit component
 * `lightning-service-cloud-voice-toolkit-api` (page/lightning/), and the
 * `@salesforce/messageChannel` and `@salesforce/resourceUrl` imports.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'esbuild';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const LWC_DIR = path.join(ROOT, 'force-app/main/default/lwc');
export const STATIC_RESOURCES = path.join(ROOT, 'force-app/main/default/staticresources');
const PAGE = fileURLToPath(new URL('./page/', import.meta.url));
/** Where the console serves a static resource (`@salesforce/resourceUrl/<name>`). */
export const RESOURCE_PATH = '/workspace/resource/';
/** The components' apiVersion (their js-meta.xml). */
const API_VERSION = 62;

/** The app page's components, in the order an admin placed them. */
export const WORKSPACE_COMPONENTS = [
  { name: 'switchboardQueue', supervisorOnly: false },
  { name: 'switchboardSkills', supervisorOnly: false },
  { name: 'switchboardCallbacks', supervisorOnly: false },
  { name: 'switchboardStats', supervisorOnly: false },
  { name: 'switchboardHistory', supervisorOnly: false },
  { name: 'switchboardWallboard', supervisorOnly: true },
];

/** Components Salesforce provides, stood in for by LWC components of the emulator's own. */
const STAND_IN_COMPONENTS = path.join(PAGE, 'lightning');
const STAND_INS: Record<string, string> = {
  'lightning/messageService': path.join(PAGE, 'lightning/messageService.ts'),
  'lightning/platformResourceLoader': path.join(PAGE, 'lightning/platformResourceLoader.ts'),
  'lightning/serviceCloudVoiceToolkitApi': path.join(
    STAND_IN_COMPONENTS,
    'serviceCloudVoiceToolkitApi/serviceCloudVoiceToolkitApi.js',
  ),
};

const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

function entrySource(): string {
  const imports = WORKSPACE_COMPONENTS.map((c, i) => `import c${i} from 'c/${c.name}';`).join('\n');
  const list = WORKSPACE_COMPONENTS.map(
    (c, i) => `{ tag: 'c-${kebab(c.name)}', ctor: c${i}, supervisorOnly: ${c.supervisorOnly} }`,
  ).join(',\n');
  return `import '@lwc/synthetic-shadow';
import { createElement } from 'lwc';
import { mountWorkspace } from ${JSON.stringify(path.join(PAGE, 'lwcWorkspace.ts'))};
${imports}
void mountWorkspace(createElement, [${list}]);
`;
}

/** esbuild plugin: LWC modules (`c/…`, their .js/.html/.css) through the LWC compiler; the stand-ins. */
export function lwcPlugin(): Plugin {
  return {
    name: 'lwc',
    setup(build) {
      build.onResolve({ filter: /^switchboard-workspace-entry$/ }, () => ({
        path: 'entry',
        namespace: 'lwc-entry',
      }));
      build.onLoad({ filter: /.*/, namespace: 'lwc-entry' }, () => ({
        contents: entrySource(),
        loader: 'js',
        resolveDir: ROOT,
      }));
      build.onResolve({ filter: /^lwc$/ }, () => ({
        path: path.join(ROOT, 'node_modules/@lwc/engine-dom/dist/index.js'),
      }));
      build.onResolve({ filter: /^lightning\// }, (args) => {
        const file = STAND_INS[args.path];
        if (!file) return { errors: [{ text: `${args.path}: the emulator has no stand-in for it` }] };
        return { path: file };
      });
      build.onResolve({ filter: /^@salesforce\/(messageChannel|resourceUrl)\// }, (args) => ({
        path: args.path,
        namespace: 'salesforce-scoped',
      }));
      build.onLoad({ filter: /.*/, namespace: 'salesforce-scoped' }, (args) => {
        const [, kind, ref = ''] = args.path.match(/^@salesforce\/(\w+)\/(.+)$/) ?? [];
        const name = ref.replace(/^\w+?__/, '');
        const value = kind === 'resourceUrl' ? `${RESOURCE_PATH}${name}` : name;
        return { contents: `export default ${JSON.stringify(value)};`, loader: 'js' };
      });
      build.onResolve({ filter: /^c\/\w+$/ }, (args) => {
        const name = args.path.slice(2);
        return { path: path.join(LWC_DIR, name, `${name}.js`) };
      });
      // A template's implicit style sheets: the file if the bundle has one, else nothing.
      build.onResolve({ filter: /\.css(\?scoped=true)?$/ }, (args) => {
        const file = path.join(args.resolveDir, args.path.replace(/\?scoped=true$/, ''));
        if (existsSync(file)) return { path: file };
        return { path: file, namespace: 'lwc-no-style' };
      });
      build.onLoad({ filter: /.*/, namespace: 'lwc-no-style' }, () => ({
        contents: 'export default undefined;',
        loader: 'js',
      }));
      build.onLoad({ filter: /\.(js|html|css)$/ }, async (args) => {
        const namespace = args.path.startsWith(LWC_DIR)
          ? 'c'
          : args.path.startsWith(STAND_IN_COMPONENTS) && !args.path.endsWith('.ts')
            ? 'lightning'
            : null;
        if (!namespace) return undefined;
        const { transformSync } = await import('@lwc/compiler');
        const name = path.basename(path.dirname(args.path));
        const { code } = transformSync(readFileSync(args.path, 'utf8'), args.path, {
          name,
          namespace,
          apiVersion: API_VERSION,
        });
        return { contents: code, loader: 'js', resolveDir: path.dirname(args.path) };
      });
    },
  };
}

/** The console's LWC script: the app page's components, compiled and bundled (minified IIFE). */
export async function bundleWorkspaceLwc(): Promise<string> {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    entryPoints: ['switchboard-workspace-entry'],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    legalComments: 'none',
    logLevel: 'silent',
    define: { 'process.env.NODE_ENV': '"production"' },
    plugins: [lwcPlugin()],
  });
  const file = result.outputFiles[0];
  if (!file) throw new Error('esbuild produced no LWC bundle');
  return file.text;
}
