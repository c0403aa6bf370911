/**
 * The copy of the project a deploy sends (docs/install.md): the package as committed, or its
 * no-namespace variant, with the service URL of the installation in the named credentials and the
 * external credential's token URL instead of the shipped `https://service-url.invalid`.
 */
import { cpSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeWithoutNamespace } from './noNamespace.ts';

/** What the package ships instead of a host: it cannot resolve, and the admin replaces it. */
export const SERVICE_URL_PLACEHOLDER = 'https://service-url.invalid';

/** An https URL without path, query or credentials (the service's base URL); else throws. */
export function serviceUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`--service-url ${raw}: not a URL`);
  }
  if (
    url.protocol !== 'https:' ||
    url.username ||
    url.password ||
    url.search ||
    url.hash ||
    url.pathname !== '/'
  ) {
    throw new Error(`--service-url ${raw}: must be https://host[:port], without path, query or credentials`);
  }
  return url.origin;
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? walk(full) : [full];
  });
}

/** Writes the deploy copy into `out`; `url` null keeps the placeholder. */
export function writeDeployCopy(
  root: string,
  out: string,
  options: { namespace: boolean; url: string | null },
): void {
  if (options.namespace) {
    rmSync(out, { recursive: true, force: true });
    for (const part of ['force-app', 'config', '.forceignore', 'sfdx-project.json'])
      cpSync(join(root, part), join(out, part), { recursive: true });
  } else {
    writeWithoutNamespace(root, out);
  }
  if (options.url === null) return;
  for (const file of walk(join(out, 'force-app', 'main', 'default'))) {
    if (!/\.(namedCredential|externalCredential)-meta\.xml$/.test(file)) continue;
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, text.split(SERVICE_URL_PLACEHOLDER).join(options.url));
  }
}
