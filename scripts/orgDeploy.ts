/**
 * `npm run org:deploy -- [--alias <a>] [--target-dev-hub <hub>] [--service-url <url>] [--no-namespace]
 * [--duration-days <n>] [--dry-run]`: a scratch org with the package (docs/install.md): the connector
 * bundle, a scratch org from `config/project-scratch-def.json` (with its Partner Telephony feature
 * quantity), the deploy of the package with the installation's service URL, the permission sets, the
 * Apex tests in the org, the contact center definition (with `--contact-center`, `--internal-name`,
 * `--display-name`, and the account's client in SWITCHBOARD_CLIENT_ID / SWITCHBOARD_CLIENT_SECRET),
 * then what to do next (its import in Setup, which has no CLI command). `--no-namespace` deploys
 * the no-namespace variant into a scratch org without the Dev Hub's namespace. `--dry-run` prints
 * every command and runs none.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { readdirSync } from 'node:fs';
import { projectNamespace } from './package/checks.ts';
import { writeDefinition } from './package/contactCenterXml.ts';
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
    'contact-center': { type: 'string' },
    'internal-name': { type: 'string' },
    'display-name': { type: 'string' },
    'long-distance-prefix': { type: 'string', default: '' },
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
  // The contact center definition's needs, checked before anything runs.
  const contactCenter = values['contact-center'];
  const internalName = values['internal-name'];
  if (contactCenter) {
    if (!url) throw new Error('--contact-center needs --service-url (the definition carries it)');
    if (!internalName) throw new Error('--contact-center needs --internal-name');
    if (!dryRun && !(process.env.SWITCHBOARD_CLIENT_ID && process.env.SWITCHBOARD_CLIENT_SECRET)) {
      throw new Error(
        "--contact-center needs SWITCHBOARD_CLIENT_ID and SWITCHBOARD_CLIENT_SECRET (the account's client)",
      );
    }
  }
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
      why: 'the permission sets of an admin who also takes calls, to the scratch org user (supervisors: Switchboard_Supervisor)',
      argv: [
        'sf',
        'org',
        'assign',
        'permset',
        '--name',
        'Switchboard_Admin',
        '--name',
        'Switchboard_Agent',
        '--target-org',
        alias,
      ],
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

  // The contact center definition, when the contact center is named (else a step of what is next).
  let definition: string | null = null;
  if (contactCenter && url && internalName) {
    definition = join(ROOT, '.cache', `contact-center-${internalName}.xml`);
    console.log('# the contact center definition, with its active certificate from the service');
    await writeDefinition(
      ROOT,
      {
        serviceUrl: url,
        contactCenter,
        internalName,
        displayName: values['display-name'] ?? internalName,
        longDistancePrefix: values['long-distance-prefix'] ?? '',
        namespace,
        out: definition,
      },
      dryRun,
    );
  }
  const definitionStep = definition
    ? `Import ${definition}`
    : `The contact center definition: npm run org:contact-center -- --service-url <url> --contact-center <CC…> --internal-name <name> --display-name <label>${withNamespace ? '' : ' --no-namespace'} (or run again with --contact-center …), then import it`;

  console.log(`
Next (docs/install.md):
1. ${url ? `The service URL is ${url}.` : 'Set the service URL: Setup, Named Credentials, Switchboard and Switchboard Agent (URL), and the external credential Switchboard (token URL), or run again with --service-url.'}
2. Setup, Named Credentials, External Credentials, Switchboard, principal SwitchboardAccount: the account's client id and secret.
3. ${definitionStep} in the org (sf org open --target-org ${alias}): Setup, Contact Centers, Import; then the Partner Telephony wizard.
4. Your own Switchboard sign-in (and each agent's) under personal settings, External Credentials, Switchboard Agent; agents get Switchboard_Agent with Salesforce's Contact Center Agent permission set.`);
} catch (e) {
  console.error(`org:deploy: ${(e as Error).message}`);
  process.exit(1);
}
