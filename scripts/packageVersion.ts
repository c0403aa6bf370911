/**
 * `npm run package:version -- [--target-dev-hub <hub>] [--create] [--promote] [--dry-run]`: a version
 * of the managed package (docs/install.md): the connector bundle, the package itself the first time
 * (`--create`), the version (with code coverage, which a promoted version needs), and optionally its
 * promotion to released. The namespace of sfdx-project.json must be registered and linked to the
 * Dev Hub. `--dry-run` prints every command and runs none.
 */
import { parseArgs } from 'node:util';
import { projectNamespace } from './package/checks.ts';
import { runStep, type Step } from './package/commands.ts';
import { ROOT } from './package/tools.ts';

const PACKAGE = 'Switchboard';

const { values } = parseArgs({
  options: {
    'target-dev-hub': { type: 'string' },
    create: { type: 'boolean', default: false },
    promote: { type: 'boolean', default: false },
    'dry-run': { type: 'boolean', default: false },
  },
});

try {
  const dryRun = values['dry-run'] as boolean;
  const namespace = projectNamespace(ROOT);
  if (!namespace) throw new Error('sfdx-project.json has no namespace: a managed package needs one');
  const hub = values['target-dev-hub'] ? ['--target-dev-hub', values['target-dev-hub']] : [];
  console.log(`# managed package ${PACKAGE}, namespace ${namespace}`);
  runStep(
    {
      why: 'the connector bundle (static resource switchboardConnector)',
      argv: ['npm', 'run', 'build:connector'],
    },
    dryRun,
  );
  if (values.create) {
    runStep(
      {
        why: 'the package, once (it is recorded in sfdx-project.json)',
        argv: [
          'sf',
          'package',
          'create',
          '--name',
          PACKAGE,
          '--package-type',
          'Managed',
          '--path',
          'force-app',
          ...hub,
        ],
      },
      dryRun,
    );
  }
  const created = runStep(
    {
      why: 'a version, with code coverage (a promoted version needs 75 %)',
      argv: [
        'sf',
        'package',
        'version',
        'create',
        '--package',
        PACKAGE,
        '--installation-key-bypass',
        '--code-coverage',
        '--wait',
        '60',
        '--json',
        ...hub,
      ],
    },
    dryRun,
  );
  if (values.promote) {
    const version = dryRun
      ? '<SubscriberPackageVersionId of the version above>'
      : ((JSON.parse(created) as { result?: { SubscriberPackageVersionId?: string } }).result
          ?.SubscriberPackageVersionId ?? '');
    if (!version) throw new Error('sf package version create gave no SubscriberPackageVersionId');
    const promote: Step = {
      why: 'released: customers can install it',
      argv: ['sf', 'package', 'version', 'promote', '--package', version, '--no-prompt', ...hub],
    };
    runStep(promote, dryRun);
  }
} catch (e) {
  console.error(`package:version: ${(e as Error).message}`);
  process.exit(1);
}
