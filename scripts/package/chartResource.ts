/**
 * Chart.js as the package's static resource `switchboardChartJs` (docs/package.md, "Charts"): the
 * library's own minified UMD build, copied unchanged from the exact version in package.json, with its
 * licence banner. The workspace's My stats component loads it with `lightning/platformResourceLoader`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const CHART_RESOURCE = 'force-app/main/default/staticresources/switchboardChartJs.js';
export const CHART_SOURCE = 'node_modules/chart.js/dist/chart.umd.min.js';

export function chartMeta(version: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<StaticResource xmlns="http://soap.sforce.com/2006/04/metadata">
    <cacheControl>Public</cacheControl>
    <contentType>application/javascript</contentType>
    <description>Chart.js ${version} (MIT), the charts of the Switchboard workspace (built by npm run build:chart)</description>
</StaticResource>
`;
}

/** The installed Chart.js: its version and its UMD build. */
export function installedChart(root: string): { version: string; code: string } {
  const pkg = JSON.parse(readFileSync(join(root, 'node_modules/chart.js/package.json'), 'utf8')) as {
    version: string;
  };
  return { version: pkg.version, code: readFileSync(join(root, CHART_SOURCE), 'utf8') };
}
