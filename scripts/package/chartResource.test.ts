import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CHART_RESOURCE, chartMeta, installedChart } from './chartResource.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

test('the packaged Chart.js is the installed version, unchanged (npm run build:chart after an upgrade)', () => {
  const { version, code } = installedChart(root);
  assert.equal(readFileSync(join(root, CHART_RESOURCE), 'utf8'), code);
  assert.equal(
    readFileSync(join(root, CHART_RESOURCE.replace(/\.js$/, '.resource-meta.xml')), 'utf8'),
    chartMeta(version),
  );
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    devDependencies: Record<string, string>;
  };
  assert.equal(pkg.devDependencies['chart.js'], version, 'chart.js is pinned to the exact version packaged');
});
