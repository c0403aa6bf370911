/** `npm run build:chart`: writes Chart.js into the package's static resource (scripts/package/chartResource.ts). */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHART_RESOURCE, chartMeta, installedChart } from './package/chartResource.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const { version, code } = installedChart(root);
writeFileSync(join(root, CHART_RESOURCE), code);
writeFileSync(join(root, CHART_RESOURCE.replace(/\.js$/, '.resource-meta.xml')), chartMeta(version));
console.log(`${CHART_RESOURCE}: Chart.js ${version}, ${Buffer.byteLength(code)} bytes`);
