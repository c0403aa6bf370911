/**
 * The no-namespace variant (`npm run package:no-namespace`): no namespaced reference is left, and it
 * passes the package checks and apex-ls as a project without a namespace.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { apexLsIssues } from './apexCheck.ts';
import { checkPackage, projectNamespace } from './checks.ts';
import { loadMetadataTypes } from './metadataTypes.ts';
import { stripNamespace, writeWithoutNamespace } from './noNamespace.ts';
import { ROOT } from './tools.ts';

const work = mkdtempSync(join(tmpdir(), 'switchboard-nons-'));

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? walk(full) : [full];
  });
}

describe('the no-namespace variant', () => {
  after(() => rmSync(work, { recursive: true, force: true }));

  it('rewrites each form of reference, and nothing else', () => {
    assert.equal(
      stripNamespace('<bridgeComponent>switchboard:AuraBridge</bridgeComponent>', 'switchboard'),
      '<bridgeComponent>c:AuraBridge</bridgeComponent>',
    );
    assert.equal(
      stripNamespace('/apex/switchboard__switchboardConnectorPage', 'switchboard'),
      '/apex/switchboardConnectorPage',
    );
    assert.equal(
      stripNamespace("'@salesforce/apex/switchboard.SwitchboardPartnerSettings.load'", 'switchboard'),
      "'@salesforce/apex/SwitchboardPartnerSettings.load'",
    );
    assert.equal(
      stripNamespace('type="switchboard__SwitchboardMessageChannel__c"', 'switchboard'),
      'type="SwitchboardMessageChannel__c"',
    );
    assert.equal(
      stripNamespace('service_cloud_voice:messageBridge, Switchboard: the service', 'switchboard'),
      'service_cloud_voice:messageBridge, Switchboard: the service',
    );
  });

  it('leaves no namespaced reference and passes the package checks and apex-ls', () => {
    const out = join(work, 'project');
    const ns = writeWithoutNamespace(ROOT, out);
    assert.equal(ns, projectNamespace(ROOT));
    assert.equal(projectNamespace(out), '');
    for (const file of walk(join(out, 'force-app'))) {
      const text = readFileSync(file, 'utf8');
      assert.ok(!new RegExp(`\\b${ns}(__|:)\\w|apex/${ns}\\.`).test(text), `${file} still names ${ns}`);
    }
    assert.deepEqual(checkPackage(out, loadMetadataTypes()).errors, []);
    assert.deepEqual(apexLsIssues(out), []);
  });
});
