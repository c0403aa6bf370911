/**
 * The package checks catch what `sf project convert source` lets through: each test breaks one thing
 * in a copy of the real package and expects the check to say so (`npm run test:package`).
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { checkPackage } from './checks.ts';
import { loadMetadataTypes } from './metadataTypes.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const DEFAULT = 'force-app/main/default';
const types = loadMetadataTypes();
let work: string;

/** A fresh copy of the package, changed by `change`, checked. */
function check(change: (path: (rel: string) => string) => void): string[] {
  const dir = mkdtempSync(join(work, 'case-'));
  cpSync(join(ROOT, 'force-app'), join(dir, 'force-app'), { recursive: true });
  cpSync(join(ROOT, 'config'), join(dir, 'config'), { recursive: true });
  cpSync(join(ROOT, '.forceignore'), join(dir, '.forceignore'));
  cpSync(join(ROOT, 'sfdx-project.json'), join(dir, 'sfdx-project.json'));
  change((rel) => join(dir, rel));
  return checkPackage(dir, types).errors;
}

function edit(file: string, from: string | RegExp, to: string): void {
  const text = readFileSync(file, 'utf8');
  const changed = text.replace(from, to);
  assert.notEqual(changed, text, `the test's edit must change ${file}`);
  writeFileSync(file, changed);
}

const cvi = (p: (rel: string) => string) =>
  p(`${DEFAULT}/ConversationVendorInformation/Switchboard.ConversationVendorInformation-meta.xml`);

function assertFinds(errors: string[], pattern: RegExp): void {
  assert.ok(
    errors.some((e) => pattern.test(e)),
    `expected an error matching ${pattern}, got:\n${errors.join('\n')}`,
  );
}

describe('package checks', () => {
  before(() => {
    work = mkdtempSync(join(tmpdir(), 'switchboard-package-'));
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it('the package as committed has no error', () => {
    assert.deepEqual(
      check(() => {}),
      [],
    );
  });

  it('finds malformed XML', () => {
    assertFinds(
      check((p) => edit(cvi(p), '</masterLabel>', '</masterLabl>')),
      /Switchboard\.ConversationVendorInformation-meta\.xml: not well-formed XML/,
    );
  });

  it('finds a field the type does not have', () => {
    assertFinds(
      check((p) =>
        edit(cvi(p), '<masterLabel>', '<enableVoiceChannel>true</enableVoiceChannel>\n    <masterLabel>'),
      ),
      /ConversationVendorInfo has no field "enableVoiceChannel"/,
    );
  });

  it('finds a value outside an enumeration, and a bad boolean', () => {
    const errors = check((p) => {
      edit(cvi(p), 'ServiceCloudVoicePartner', 'PartnerTelephony');
      edit(cvi(p), '<userSyncingSupported>true', '<userSyncingSupported>yes');
    });
    assertFinds(errors, /vendorType: "PartnerTelephony" is not one of/);
    assertFinds(errors, /userSyncingSupported: not a boolean/);
  });

  it('finds elements out of the Metadata API order and a missing required field', () => {
    const errors = check((p) => {
      const file = p(`${DEFAULT}/staticresources/switchboardLogo.resource-meta.xml`);
      edit(file, /\s*<cacheControl>Public<\/cacheControl>/, '');
      edit(file, '</contentType>', '</contentType>\n    <cacheControl>Public</cacheControl>');
      edit(p(`${DEFAULT}/pages/switchboardConnectorPage.page-meta.xml`), /\s*<label>[^<]*<\/label>/, '');
    });
    assertFinds(errors, /switchboardLogo\.resource-meta\.xml\/cacheControl: must come before contentType/);
    assertFinds(errors, /switchboardConnectorPage\.page-meta\.xml: ApexPage requires label/);
  });

  it('finds a file in the wrong folder or with the wrong root element', () => {
    const errors = check((p) => {
      cpSync(cvi(p), p(`${DEFAULT}/classes/Stray.ConversationVendorInformation-meta.xml`));
      edit(
        p(`${DEFAULT}/layouts/SwitchboardConfig__c-Switchboard Configuration Layout.layout-meta.xml`),
        /<(\/?)Layout\b/g,
        '<$1Page',
      );
    });
    assertFinds(
      errors,
      /Stray\.ConversationVendorInformation-meta\.xml: a ConversationVendorInfo is not in its folder/,
    );
    assertFinds(errors, /root element Page, expected Layout/);
  });

  it('finds a class without its meta file and a meta file without its class', () => {
    const errors = check((p) => {
      rmSync(p(`${DEFAULT}/classes/SwitchboardRouting.cls-meta.xml`));
      rmSync(p(`${DEFAULT}/classes/SwitchboardIntelligence.cls`));
    });
    assertFinds(errors, /SwitchboardRouting\.cls: no SwitchboardRouting\.cls-meta\.xml/);
    assertFinds(errors, /SwitchboardIntelligence\.cls-meta\.xml: no class for this meta file/);
  });

  it('finds an Apex syntax error and a reserved word used as a name', () => {
    const errors = check((p) => {
      edit(
        p(`${DEFAULT}/classes/SwitchboardRouting.cls`),
        'result.phoneNumbers = answer.phoneNumbers;',
        'result.phoneNumbers = new (answer.phoneNumbers;',
      );
      edit(
        p(`${DEFAULT}/classes/SwitchboardAdminApi.cls`),
        'public String destinationType;',
        'public String group;',
      );
    });
    assertFinds(errors, /SwitchboardRouting\.cls:\d+:\d+ /);
    assertFinds(errors, /SwitchboardAdminApi\.cls:\d+ "group" is a reserved word in Apex/);
  });

  it('finds a static resource without its meta file', () => {
    assertFinds(
      check((p) => rmSync(p(`${DEFAULT}/staticresources/switchboardLogo.resource-meta.xml`))),
      /switchboardLogo\.svg: no switchboardLogo\.resource-meta\.xml/,
    );
  });

  it('finds references to components that do not exist', () => {
    const errors = check((p) => {
      edit(cvi(p), '<integrationClass>SwitchboardIntegration', '<integrationClass>SwitchboardIntegrations');
      edit(cvi(p), 'switchboard:partnerSettings', 'switchboard:agentSettings');
      edit(
        p(`${DEFAULT}/permissionsets/Switchboard_Admin.permissionset-meta.xml`),
        'Switchboard-SwitchboardAccount',
        'Switchboard-Other',
      );
      edit(
        p(`${DEFAULT}/classes/SwitchboardAdminClient.cls`),
        'Label.Switchboard_Error_Unreachable',
        'Label.Switchboard_Error_Gone',
      );
      edit(
        p(`${DEFAULT}/lwc/partnerSettings/partnerSettings.js`),
        'SwitchboardPartnerSettings.save',
        'SwitchboardPartnerSettings.store',
      );
    });
    assertFinds(errors, /integrationClass SwitchboardIntegrations does not exist/);
    assertFinds(errors, /telephonySettingsComponent agentSettings does not exist/);
    assertFinds(errors, /external credential principal Switchboard-Other does not exist/);
    assertFinds(errors, /custom label Switchboard_Error_Gone does not exist/);
    assertFinds(errors, /AuraEnabled method SwitchboardPartnerSettings\.store does not exist/);
  });

  it('finds references without the namespace', () => {
    const errors = check((p) => {
      edit(cvi(p), 'switchboard:AuraBridge', 'c:AuraBridge');
      edit(cvi(p), '/apex/switchboard__switchboardConnectorPage', '/apex/switchboardConnectorPage');
      edit(
        p(`${DEFAULT}/aura/AuraBridge/AuraBridge.cmp`),
        'type="switchboard__SwitchboardMessageChannel__c"',
        'type="SwitchboardMessageChannel__c"',
      );
      edit(
        p(`${DEFAULT}/lwc/partnerSettings/partnerSettings.js`),
        "'@salesforce/apex/switchboard.SwitchboardPartnerSettings.load'",
        "'@salesforce/apex/SwitchboardPartnerSettings.load'",
      );
    });
    assertFinds(errors, /bridgeComponent c:AuraBridge must start with switchboard:/);
    assertFinds(errors, /connector page switchboardConnectorPage must start with switchboard__/);
    assertFinds(
      errors,
      /AuraBridge\.cmp: message channel SwitchboardMessageChannel must start with switchboard__/,
    );
    assertFinds(errors, /Apex method SwitchboardPartnerSettings\.load must start with switchboard\./);
  });

  it('finds a placeholder host anywhere in force-app', () => {
    assertFinds(
      check((p) =>
        edit(
          p(`${DEFAULT}/namedCredentials/Switchboard.namedCredential-meta.xml`),
          'https://service-url.invalid',
          'https://switchboard.example.com',
        ),
      ),
      /Switchboard\.namedCredential-meta\.xml: placeholder host example\.com/,
    );
  });

  it('requires the LWC tests to stay out of the package', () => {
    assertFinds(
      check((p) => edit(p('.forceignore'), '**/__tests__/**', '')),
      /\.forceignore: must list \*\*\/__tests__\/\*\*/,
    );
  });

  it("finds a contact center template without the guide's required items", () => {
    assertFinds(
      check((p) =>
        edit(p('config/contact-center.xml'), /\s*<item[^>]*name="reqLongDistPrefix"[^>]*>[^<]*<\/item>/, ''),
      ),
      /section reqHvcc has no item reqLongDistPrefix/,
    );
  });
});
