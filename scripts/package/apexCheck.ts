/**
 * The Apex checks that need Java (docs/package.md, "Checks"): the semantic check of apex-ls (types,
 * signatures, unknown names) against stub classes of the `service_cloud_voice` namespace, the
 * citations those stubs must carry, and PMD's Apex rules (security, best practices).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import {
  type ApexParseTree,
  type ApexParserRuleContext,
  ApexErrorListener,
  ApexParserFactory,
  ClassDeclarationContext,
  ConstructorDeclarationContext,
  EnumConstantsContext,
  EnumDeclarationContext,
  InterfaceDeclarationContext,
  InterfaceMethodDeclarationContext,
  MethodDeclarationContext,
} from '@apexdevtools/apex-parser';
import { checkJava, ensurePmd } from './tools.ts';

/** Where the stub classes of `service_cloud_voice` live (sfdx-project.json `plugins.dependencies`). */
export const STUB_DIR = join('config', 'apex-stubs', 'service_cloud_voice');
/** The PMD ruleset of `npm test` (security and best practices, exclusions justified in it). */
export const PMD_RULESET = join('config', 'pmd-apex.xml');

/**
 * The public sources a stub member may cite: the developer guide's chapters with Apex (10, 12, 17),
 * and files of Salesforce's public sample repositories.
 */
const SOURCE =
  /^(guide ch\.(10|12|17)\b|quickstart force-app\/main\/default\/classes\/\w+\.cls\b|demo-scv-connector src\/apex\/\w+\.cls\b)/;

class CollectingListener extends ApexErrorListener {
  readonly errors: string[] = [];
  apexSyntaxError(line: number, column: number, msg: string): void {
    this.errors.push(`${line}:${column} ${msg}`);
  }
}

/** Lines (1-based) where the declarations that need a citation start. */
function declarationLines(tree: ApexParseTree, out: Array<{ line: number; what: string }>): void {
  if (
    tree instanceof ClassDeclarationContext ||
    tree instanceof InterfaceDeclarationContext ||
    tree instanceof EnumDeclarationContext ||
    tree instanceof ConstructorDeclarationContext ||
    tree instanceof MethodDeclarationContext ||
    tree instanceof InterfaceMethodDeclarationContext
  ) {
    out.push({ line: tree.start.line, what: tree.getText().slice(0, 60) });
  }
  if (tree instanceof EnumConstantsContext) {
    for (const id of tree.id_list()) out.push({ line: id.start.line, what: id.getText() });
  }
  for (const child of (tree as ApexParserRuleContext).children ?? []) declarationLines(child, out);
}

/** Why a stub's declarations are not all cited: each needs `// source: <public source>` on the line before. */
export function stubCitationProblems(root: string, stubDir: string = STUB_DIR): string[] {
  const dir = join(root, stubDir);
  if (!existsSync(dir)) return [`${stubDir}: missing`];
  const problems: string[] = [];
  for (const name of readdirSync(dir).filter((f) => f.endsWith('.cls'))) {
    const rel = join(stubDir, name);
    const source = readFileSync(join(dir, name), 'utf8');
    if (!existsSync(join(dir, `${name}-meta.xml`))) problems.push(`${rel}: no ${name}-meta.xml`);
    const listener = new CollectingListener();
    const { parser } = ApexParserFactory.createLexerAndParser(source, listener);
    const tree = parser.compilationUnit();
    if (listener.errors.length > 0) {
      problems.push(...listener.errors.map((e) => `${rel}:${e}`));
      continue;
    }
    const lines = source.split('\n');
    const declarations: Array<{ line: number; what: string }> = [];
    declarationLines(tree, declarations);
    for (const { line, what } of declarations) {
      let before = line - 2;
      while (before >= 0 && (lines[before] ?? '').trim() === '') before--;
      const comment = /^\s*\/\/ source: (.+)$/.exec(lines[before] ?? '');
      const cited = comment?.[1]?.split(';').every((part) => SOURCE.test(part.trim()));
      if (!cited) {
        problems.push(`${rel}:${line} ${what}: no "// source: <public source>" on the line before`);
      }
    }
  }
  return problems;
}

/** apex-ls's findings (errors, missing names, warnings) on an SFDX project; none when it is clean. */
export function apexLsIssues(workspace: string): string[] {
  checkJava();
  const pmd = ensurePmd();
  const run = spawnSync(
    'java',
    [
      '-cp',
      `${join(pmd, 'lib')}/*`,
      'io.github.apexdevtools.apexls.CheckForIssues',
      '-n',
      '-d',
      'warnings',
      '-w',
      workspace,
    ],
    { encoding: 'utf8' },
  );
  if (run.error) throw run.error;
  const issues: string[] = [];
  let file = '';
  for (const line of `${run.stdout}\n${run.stderr}`.split('\n')) {
    if (line.startsWith('/')) file = relative(workspace, line.trim());
    else if (/^(Error|Missing|Warning|Syntax)/.test(line)) issues.push(`${file}: ${line.trim()}`);
  }
  if (run.status !== 0 && issues.length === 0) {
    issues.push(`apex-ls exited ${run.status}: ${run.stderr.trim().slice(0, 400)}`);
  }
  return issues;
}

/** PMD's findings on the Apex classes with the project's ruleset; none when it is clean. */
export function pmdIssues(root: string): string[] {
  checkJava();
  const pmd = ensurePmd();
  const run = spawnSync(
    'java',
    [
      '-cp',
      `${join(pmd, 'lib')}/*:${join(pmd, 'conf')}`,
      'net.sourceforge.pmd.cli.PmdCli',
      'check',
      '-d',
      join(root, 'force-app'),
      '-R',
      join(root, PMD_RULESET),
      '-f',
      'text',
      '--no-cache',
      '--no-progress',
    ],
    { encoding: 'utf8' },
  );
  if (run.error) throw run.error;
  const issues = run.stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => relative(root, l.trim()));
  // PMD exits 4 when it found violations, 0 when none; anything else is PMD failing.
  if (run.status !== 0 && run.status !== 4) {
    issues.push(`PMD exited ${run.status}: ${run.stderr.trim().slice(0, 400)}`);
  }
  return issues;
}
