/**
 * The org and package scripts' steps (docs/install.md): each step is a command of the Salesforce CLI
 * (or of this project), printed before it runs; with `--dry-run` every step is printed and none runs.
 */
import { spawnSync } from 'node:child_process';
import { ensureSf, ROOT, SF_ENV } from './tools.ts';

export interface Step {
  /** The command as a user would type it (`sf …` or `npm run …`). */
  argv: string[];
  /** What the step does, printed above it. */
  why: string;
  /** The folder it runs in (default: the project). */
  cwd?: string;
}

/** A command line, quoted for a POSIX shell where needed. */
export function commandLine(argv: string[]): string {
  return argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

/** Prints the step; unless `dryRun`, runs it and answers its standard output (throws when it fails). */
export function runStep(step: Step, dryRun: boolean): string {
  console.log(`# ${step.why}`);
  console.log(
    `${step.cwd && step.cwd !== ROOT ? `(cd ${step.cwd} && ` : ''}${commandLine(step.argv)}${step.cwd && step.cwd !== ROOT ? ')' : ''}`,
  );
  if (dryRun) return '';
  const [tool, ...args] = step.argv as [string, ...string[]];
  const run =
    tool === 'sf'
      ? spawnSync(process.execPath, [ensureSf(), ...args], {
          cwd: step.cwd ?? ROOT,
          encoding: 'utf8',
          env: { ...process.env, ...SF_ENV },
          stdio: ['inherit', 'pipe', 'inherit'],
        })
      : spawnSync(tool, args, {
          cwd: step.cwd ?? ROOT,
          encoding: 'utf8',
          stdio: ['inherit', 'pipe', 'inherit'],
        });
  process.stdout.write(run.stdout ?? '');
  if (run.status !== 0) throw new Error(`${commandLine(step.argv)} failed (exit ${run.status})`);
  return run.stdout ?? '';
}
