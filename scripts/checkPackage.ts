/**
 * Offline checks of the managed package (docs/package.md): `npm run check:package`. Prints every
 * problem and exits 1 if there is one.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkPackage } from './package/checks.ts';
import { loadMetadataTypes } from './package/metadataTypes.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const findings = checkPackage(root, loadMetadataTypes());
for (const warning of findings.warnings) console.log(`warning: ${warning}`);
for (const error of findings.errors) console.log(`error: ${error}`);
const counted = Object.entries(findings.counts)
  .map(([what, n]) => `${n} ${what}`)
  .join(', ');
console.log(
  `package check: ${counted}; ${findings.errors.length} errors, ${findings.warnings.length} warnings`,
);
process.exitCode = findings.errors.length > 0 ? 1 : 0;
