/**
 * `npm run check:sf`: the Salesforce CLI as users run it, offline (docs/package.md, "Checks"):
 * `sf project convert source` (the Metadata API form a deploy or a package version uploads) and
 * `sf project generate manifest` (the package.xml of force-app/). Checks that every Apex class and
 * every component folder of force-app/ made it into both; exits 1 otherwise.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, runSf } from './package/tools.ts';

const out = mkdtempSync(join(tmpdir(), 'switchboard-sf-'));
const problems: string[] = [];
try {
  const started = Date.now();
  runSf([
    'project',
    'convert',
    'source',
    '--source-dir',
    'force-app',
    '--output-dir',
    join(out, 'mdapi'),
    '--json',
  ]);
  runSf(['project', 'generate', 'manifest', '--source-dir', 'force-app', '--output-dir', out, '--json']);
  const manifest = readFileSync(join(out, 'package.xml'), 'utf8');
  const converted = readFileSync(join(out, 'mdapi', 'package.xml'), 'utf8');
  const classes = readdirSync(join(ROOT, 'force-app/main/default/classes'))
    .filter((f) => f.endsWith('.cls'))
    .map((f) => f.slice(0, -'.cls'.length));
  const convertedClasses = new Set(
    readdirSync(join(out, 'mdapi', 'classes'))
      .filter((f) => f.endsWith('.cls'))
      .map((f) => f.slice(0, -'.cls'.length)),
  );
  for (const name of classes) {
    if (!manifest.includes(`<members>${name}</members>`)) problems.push(`manifest: no ApexClass ${name}`);
    if (!convertedClasses.has(name)) problems.push(`convert: ApexClass ${name} was dropped`);
  }
  for (const type of [
    'ApexClass',
    'ApexPage',
    'AuraDefinitionBundle',
    'ConversationVendorInfo',
    'CustomLabels',
    'CustomObject',
    'ExternalCredential',
    'LightningComponentBundle',
    'LightningMessageChannel',
    'NamedCredential',
    'PermissionSet',
    'StaticResource',
  ]) {
    if (!manifest.includes(`<name>${type}</name>`)) problems.push(`manifest: no ${type}`);
    if (!converted.includes(`<name>${type}</name>`)) problems.push(`convert: no ${type}`);
  }
  for (const problem of problems) console.log(`error: ${problem}`);
  console.log(
    `sf project convert source + generate manifest: ${classes.length} classes, ${problems.length} problems (${((Date.now() - started) / 1000).toFixed(1)} s)`,
  );
} finally {
  rmSync(out, { recursive: true, force: true });
}
process.exitCode = problems.length > 0 ? 1 : 0;
