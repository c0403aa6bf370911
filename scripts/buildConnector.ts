/**
 * `npm run build:connector`: bundles the connector into the package's static resource (the service
 * serves the same file in connector-URL mode), prints its size and fails above the budget.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { BUDGET_GZIP_BYTES, bundleConnector, gzipSize, STATIC_RESOURCE } from '../connector/bundle.ts';

const META = `<?xml version="1.0" encoding="UTF-8"?>
<StaticResource xmlns="http://soap.sforce.com/2006/04/metadata">
    <cacheControl>Public</cacheControl>
    <contentType>application/javascript</contentType>
    <description>Switchboard connector for Service Cloud Voice (built by npm run build:connector)</description>
</StaticResource>
`;

const code = await bundleConnector();
const gzipped = gzipSize(code);
console.log(
  `switchboardConnector.js: ${Buffer.byteLength(code)} bytes minified, ${gzipped} bytes gzipped (budget ${BUDGET_GZIP_BYTES})`,
);
if (gzipped > BUDGET_GZIP_BYTES) {
  console.error('The connector bundle is over its size budget.');
  process.exit(1);
}
await mkdir(path.dirname(STATIC_RESOURCE), { recursive: true });
await writeFile(STATIC_RESOURCE, code);
await writeFile(`${STATIC_RESOURCE.replace(/\.js$/, '')}.resource-meta.xml`, META);
