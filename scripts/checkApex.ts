/**
 * `npm run check:apex`: the Apex checks that need Java 17 (docs/package.md, "Checks"): the stubs'
 * citations, apex-ls's semantic check of force-app/ against them, and PMD. Prints every finding and
 * exits 1 if there is one.
 */
import { apexLsIssues, pmdIssues, stubCitationProblems } from './package/apexCheck.ts';
import { ROOT } from './package/tools.ts';

const sections: Array<[string, () => string[]]> = [
  ['stub citations', () => stubCitationProblems(ROOT)],
  ['apex-ls', () => apexLsIssues(ROOT)],
  ['PMD', () => pmdIssues(ROOT)],
];
let failed = false;
for (const [name, run] of sections) {
  const started = Date.now();
  const issues = run();
  for (const issue of issues) console.log(`error: ${name}: ${issue}`);
  console.log(`${name}: ${issues.length} findings (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  failed ||= issues.length > 0;
}
process.exitCode = failed ? 1 : 0;
