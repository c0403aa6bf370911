/**
 * `npm run org:deploy -- [--alias <a>] [--target-dev-hub <hub>] [--service-url <url>] [--no-namespace]
 * [--duration-days <n>] [--dry-run]`: a scratch org with the package (docs/install.md): the connector
 * bundle, a scratch org from `config/project-scratch-def.json` (with its Partner Telephony feature
 * quantity), the deploy of the package with the installation's service URL, the permission sets, the
 * Apex tests in the org, then what to do next (the contact center import). `--no-namespace` deploys
 * the no-namespace variant into a scratch org without the Dev Hub's namespace. `--dry-run` prints
 * every command and runs none.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { readdirSync } from 'node:fs';
import { projectNamespace } from './package/checks.ts';
import { runStep, type Step } from './package/commands.ts';
import { serviceUrl, writeDeployCopy } from './package/deployCopy.ts';
import { ROOT } from './package/tools.ts';

const { values } = parseArgs({
  options: {
    alias: { type: 'string', default: 'switchboard' },
    'target-dev-hub': { type: 'string' },
    'service-url': { type: 'string' },
    'no-namespace': { type: 'boolean', default: false },
    'duration-days': { type: 'string', default: '7' },
    'dry-run': { type: 'boolean', default: false },
  },
});

try {
  const alias = values.alias as string;
  const dryRun = values['dry-run'] as boolean;
  const withNamespace = !values['no-namespace'];
  const namespace = withNamespace ? projectNamespace(ROOT) : '';
  if (!/^\d+$/.test(values['duration-days'] as string) || Number(values['duration-days']) > 30) {
    throw new Error('--duration-days must be a whole number of days, 1 to 30');
  }
  const url = values['service-url'] ? serviceUrl(values['service-url']) : null;
  const copy = join(ROOT, '.cache', 'deploy', alias);
  const hub = values['target-dev-hub'] ? ['--target-dev-hub', values['target-dev-hub']] : [];
  const tests = readdirSync(join(ROOT, 'force-app/main/default/classes'))
    .filter((f) => f.endsWith('Test.cls'))
    .map((f) => f.slice(0, -'.cls'.length));

  runStep(
    {
      why: 'the connector bundle (static resource switchboardConnector)',
      argv: ['npm', 'run', 'build:connector'],
    },
    dryRun,
  );
  console.log(
    `# the deploy copy: ${copy} (${withNamespace ? `namespace ${namespace}` : 'no namespace'}, service URL ${url ?? 'not set: https://service-url.invalid'})`,
  );
  if (!dryRun) writeDeployCopy(ROOT, copy, { namespace: withNamespace, url });

  const steps: Step[] = [
    {
      why: 'a scratch org with Service Cloud Voice for Partner Telephony (feature quantity in the definition)',
      argv: [
        'sf',
        'org',
        'create',
        'scratch',
        '--definition-file',
        'config/project-scratch-def.json',
        '--alias',
        alias,
        '--duration-days',
        values['duration-days'] as string,
        '--wait',
        '15',
        ...(withNamespace ? [] : ['--no-namespace']),
        ...hub,
      ],
      cwd: copy,
    },
    {
      why: 'the package',
      argv: [
        'sf',
        'project',
        'deploy',
        'start',
        '--source-dir',
        'force-app',
        '--target-org',
        alias,
        '--wait',
        '30',
      ],
      cwd: copy,
    },
    {
      why: 'the admin permission set to the scratch org user (agents get Switchboard_Agent, supervisors Switchboard_Supervisor)',
      argv: ['sf', 'org', 'assign', 'permset', '--name', 'Switchboard_Admin', '--target-org', alias],
      cwd: copy,
    },
    {
      why: 'the Apex tests, in the org',
      argv: [
        'sf',
        'apex',
        'run',
        'test',
        '--class-names',
        tests.join(','),
        '--code-coverage',
        '--result-format',
        'human',
        '--wait',
        '30',
        '--target-org',
        alias,
      ],
      cwd: copy,
    },
  ];
  for (const step of steps) runStep(step, dryRun);

  console.log(`
Next (docs/install.md):
1. ${url ? `The service URL is ${url}.` : 'Set the service URL: Setup, Named Credentials, Switchboard and Switchboard Agent (URL), and the external credential Switchboard (token URL), or run again with --service-url.'}
2. Setup, Named Credentials, External Credentials, Switchboard, principal SwitchboardAccount: the account's client id and secret.
3. The contact center definition: npm run org:contact-center -- --service-url <url> --contact-center <CC…> --internal-name <name> --display-name <label>${withNamespace ? '' : ' --no-namespace'}
   then in the org (sf org open --target-org ${alias}): Setup, Contact Centers, Import, and the Partner Telephony wizard.
4. Each agent: Switchboard_Agent with Salesforce's Contact Center Agent permission set, and their Switchboard sign-in under their personal settings, External Credentials, Switchboard Agent.`);
} catch (e) {
  console.error(`org:deploy: ${(e as Error).message}`);
  process.exit(1);
}
