/**
 * The package without its namespace, for a developer's own scratch org (docs/package.md,
 * "Namespace"): a copy of the SFDX project (force-app/, config/, sfdx-project.json, .forceignore)
 * where every namespaced reference takes its no-namespace form: `<ns>:name` → `c:name`,
 * `<ns>__Name` → `Name`, `@salesforce/apex/<ns>.Class` → `@salesforce/apex/Class`, and
 * `"namespace": ""`. `npm run package:no-namespace [-- --out <dir>]` (default `.cache/no-namespace`).
 */
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { projectNamespace } from './checks.ts';
import { ROOT } from './tools.ts';

const TEXT = /\.(xml|cls|js|html|cmp|page|css|json|labels-meta\.xml)$/;

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? walk(full) : [full];
  });
}

/** One file's text without the namespace `ns`. */
export function stripNamespace(text: string, ns: string): string {
  return text
    .replace(new RegExp(`@salesforce/apex/${ns}\\.`, 'g'), '@salesforce/apex/')
    .replace(new RegExp(`(?<![\\w:])${ns}:(?=\\w)`, 'g'), 'c:')
    .replace(new RegExp(`(?<![\\w])${ns}__(?=\\w)`, 'g'), '');
}

/** Writes the no-namespace copy of the project at `root` into `out`; answers the namespace removed. */
export function writeWithoutNamespace(root: string, out: string): string {
  const ns = projectNamespace(root);
  if (!ns) throw new Error('sfdx-project.json has no namespace: nothing to remove');
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  for (const part of ['force-app', 'config', '.forceignore'])
    cpSync(join(root, part), join(out, part), { recursive: true });
  for (const file of walk(join(out, 'force-app'))) {
    if (!TEXT.test(file)) continue;
    const text = readFileSync(file, 'utf8');
    const stripped = stripNamespace(text, ns);
    if (stripped !== text) writeFileSync(file, stripped);
  }
  const project = JSON.parse(readFileSync(join(root, 'sfdx-project.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  project.namespace = '';
  writeFileSync(join(out, 'sfdx-project.json'), `${JSON.stringify(project, null, 2)}\n`);
  return ns;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { out: { type: 'string' } } });
  const out = values.out ?? join(ROOT, '.cache', 'no-namespace');
  const ns = writeWithoutNamespace(ROOT, out);
  console.log(
    `${out}: the package without the namespace ${ns} (deploy it with: sf project deploy start --source-dir force-app, from that folder)`,
  );
}
