/**
 * `npm run org:contact-center -- --service-url <url> --contact-center <CC…> --internal-name <name>
 * --display-name <label> [--long-distance-prefix <p>] [--no-namespace] [--out <file>] [--dry-run]`:
 * writes the contact center definition to import in the Partner Telephony setup wizard
 * (docs/install.md). The certificate is the contact center's active one, fetched from the service
 * with the account's OAuth client, given in SWITCHBOARD_CLIENT_ID and SWITCHBOARD_CLIENT_SECRET.
 * `--dry-run` prints the requests and the file it would write, and sends nothing.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { projectNamespace } from './package/checks.ts';
import { writeDefinition } from './package/contactCenterXml.ts';
import { serviceUrl } from './package/deployCopy.ts';
import { ROOT } from './package/tools.ts';

const { values } = parseArgs({
  options: {
    'service-url': { type: 'string' },
    'contact-center': { type: 'string' },
    'internal-name': { type: 'string' },
    'display-name': { type: 'string' },
    'long-distance-prefix': { type: 'string', default: '' },
    'no-namespace': { type: 'boolean', default: false },
    out: { type: 'string' },
    'dry-run': { type: 'boolean', default: false },
  },
});

function required(name: 'service-url' | 'contact-center' | 'internal-name' | 'display-name'): string {
  const value = values[name];
  if (!value) {
    console.error(`org:contact-center: --${name} is required (docs/install.md)`);
    process.exit(2);
  }
  return value;
}

try {
  const url = serviceUrl(required('service-url'));
  const contactCenter = required('contact-center');
  const internalName = required('internal-name');
  const displayName = required('display-name');
  await writeDefinition(
    ROOT,
    {
      serviceUrl: url,
      contactCenter,
      internalName,
      displayName,
      longDistancePrefix: values['long-distance-prefix'] ?? '',
      namespace: values['no-namespace'] ? '' : projectNamespace(ROOT),
      out: values.out ?? join(ROOT, '.cache', `contact-center-${internalName}.xml`),
    },
    values['dry-run'] ?? false,
  );
} catch (e) {
  console.error(`org:contact-center: ${(e as Error).message}`);
  process.exit(1);
}
