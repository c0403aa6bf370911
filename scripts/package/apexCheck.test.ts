/**
 * The Java-based Apex checks catch what they are there for (`npm run test:package`): apex-ls on a
 * copy of the package with seeded mistakes, the stubs' citations, and PMD on a seeded security flaw.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { apexLsIssues, pmdIssues, STUB_DIR, stubCitationProblems } from './apexCheck.ts';
import { ROOT } from './tools.ts';

const CLASSES = 'force-app/main/default/classes';
let work: string;

/** A copy of the SFDX project (package, stubs, PMD ruleset, sfdx-project.json). */
function copy(): string {
  const dir = mkdtempSync(join(work, 'case-'));
  cpSync(join(ROOT, 'force-app'), join(dir, 'force-app'), { recursive: true });
  cpSync(join(ROOT, 'config'), join(dir, 'config'), { recursive: true });
  cpSync(join(ROOT, 'sfdx-project.json'), join(dir, 'sfdx-project.json'));
  return dir;
}

function edit(file: string, from: string, to: string): void {
  const text = readFileSync(file, 'utf8');
  assert.ok(text.includes(from), `the test's edit must change ${file}`);
  writeFileSync(file, text.replace(from, to));
}

function assertFinds(issues: string[], pattern: RegExp): void {
  assert.ok(
    issues.some((i) => pattern.test(i)),
    `expected a finding matching ${pattern}, got:\n${issues.join('\n')}`,
  );
}

describe('Apex checks that need Java', () => {
  before(() => {
    work = mkdtempSync(join(tmpdir(), 'switchboard-apex-'));
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it('apex-ls finds an unknown method, a wrong argument count and a wrong argument type', () => {
    const dir = copy();
    const integration = join(dir, CLASSES, 'SwitchboardIntegration.cls');
    // Unknown: the name the guide's prose suggests but no public source shows as a getter.
    edit(
      integration,
      '.connect(contactCenterInfo.getContactCenterId())',
      '.connect(contactCenterInfo.getScrt2Url())',
    );
    // Wrong count: PartnerResponse takes (success, errorMessage).
    edit(
      integration,
      'new service_cloud_voice.PartnerResponse(result.success, result.errorMessage)',
      'new service_cloud_voice.PartnerResponse(result.success, result.errorMessage, null)',
    );
    // Wrong type: KeyResponse's expiration is a Date.
    edit(
      integration,
      '            result.expirationDate\n        );',
      '            String.valueOf(result.expirationDate)\n        );',
    );
    const issues = apexLsIssues(dir);
    assertFinds(
      issues,
      /SwitchboardIntegration\.cls: .*'getScrt2Url' on 'service_cloud_voice\.ContactCenterInfo'/,
    );
    assertFinds(issues, /SwitchboardIntegration\.cls: .*No constructor defined with 3 arguments/);
    assertFinds(
      issues,
      /SwitchboardIntegration\.cls: .*Constructor not defined: service_cloud_voice\.KeyResponse\.<constructor>\(System\.Boolean,System\.String,System\.String,System\.String\)/,
    );
  });

  it('a stub member without a citation, or citing no public source, is refused', () => {
    const dir = copy();
    assert.deepEqual(stubCitationProblems(dir), []);
    const info = join(dir, STUB_DIR, 'ContactCenterInfo.cls');
    edit(
      info,
      '    global String getContactCenterId() {',
      '    global String getContactCenterId() {\n        return null;\n    }\n    global String getOrgId() {',
    );
    assertFinds(stubCitationProblems(dir), /ContactCenterInfo\.cls:\d+ .*getOrgId.*no "\/\/ source/);
    const key = join(dir, STUB_DIR, 'KeyResponse.cls');
    edit(key, '// source: quickstart', '// source: a forum post, not the quickstart');
    assertFinds(stubCitationProblems(dir), /KeyResponse\.cls:\d+ .*no "\/\/ source/);
  });

  it('PMD finds a seeded security flaw', () => {
    const dir = copy();
    writeFileSync(
      join(dir, CLASSES, 'SwitchboardSeeded.cls'),
      [
        'public without sharing class SwitchboardSeeded {',
        '    public static List<Contact> find(String name) {',
        "        return Database.query('SELECT Id FROM Contact WHERE LastName = \\'' + name + '\\'');",
        '    }',
        '    public static List<Contact> all() {',
        '        return [SELECT Id, LastName FROM Contact];',
        '    }',
        '}',
        '',
      ].join('\n'),
    );
    const issues = pmdIssues(dir);
    assertFinds(issues, /SwitchboardSeeded\.cls:\d+:\s+ApexSOQLInjection/);
    assertFinds(issues, /SwitchboardSeeded\.cls:\d+:\s+ApexCRUDViolation/);
  });
});
