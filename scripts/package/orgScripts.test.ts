/**
 * The org and package scripts with `--dry-run` (what can run without an org): every `sf` command
 * they would run, in order; bad input is refused with a clear message and writes nothing; the
 * deploy copy carries the installation's service URL.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { checkPackage } from './checks.ts';
import { SERVICE_URL_PLACEHOLDER, serviceUrl, writeDeployCopy } from './deployCopy.ts';
import { loadMetadataTypes } from './metadataTypes.ts';
import { ROOT } from './tools.ts';

const work = mkdtempSync(join(tmpdir(), 'switchboard-org-'));

function script(
  name: string,
  args: string[],
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts', name), ...args], {
      cwd: ROOT,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** The command lines printed (not the `#` comments), with the deploy copy's folder shown as `<copy>`. */
function commands(stdout: string): string[] {
  return stdout
    .split('\n')
    .filter((l) => /^(sf|npm|\(cd) /.test(l))
    .map((l) => l.replace(/^\(cd \S+ && (.*)\)$/, '<copy> $1'));
}

describe('org and package scripts, --dry-run', { concurrency: true }, () => {
  after(() => rmSync(work, { recursive: true, force: true }));

  it('org:deploy prints the build, the scratch org, the deploy, the permission set and the tests', async () => {
    const run = await script('orgDeploy.ts', [
      '--dry-run',
      '--alias',
      'sb1',
      '--target-dev-hub',
      'hub',
      '--service-url',
      'https://sb.acme.test',
    ]);
    assert.equal(run.status, 0, run.stderr);
    const lines = commands(run.stdout);
    assert.deepEqual(lines.slice(0, 4), [
      'npm run build:connector',
      '<copy> sf org create scratch --definition-file config/project-scratch-def.json --alias sb1 --duration-days 7 --wait 15 --target-dev-hub hub',
      '<copy> sf project deploy start --source-dir force-app --target-org sb1 --wait 30',
      '<copy> sf org assign permset --name Switchboard_Admin --name Switchboard_Agent --target-org sb1',
    ]);
    assert.match(
      lines[4] ?? '',
      /^<copy> sf apex run test --class-names (\w+Test,)+\w+Test --code-coverage .* --target-org sb1$/,
    );
    assert.equal(lines.length, 5);
    assert.match(run.stdout, /namespace switchboard, service URL https:\/\/sb\.acme\.test/);
    assert.match(run.stdout, /npm run org:contact-center -- --service-url/);
    const withCc = await script('orgDeploy.ts', [
      '--dry-run',
      '--service-url',
      'https://sb.acme.test',
      '--contact-center',
      'CC1',
      '--internal-name',
      'AcmeSupport',
    ]);
    assert.equal(withCc.status, 0, withCc.stderr);
    assert.match(
      withCc.stdout,
      /would send: GET https:\/\/sb\.acme\.test\/admin\/v1\/contact-centers\/CC1\/keys/,
    );
    assert.match(withCc.stdout, /reqVendorInfoApiName[^>]*>switchboard__Switchboard</);
    assert.match(withCc.stdout, /3\. Import \S+contact-center-AcmeSupport\.xml in the org/);
    assert.ok(!existsSync(join(ROOT, '.cache', 'deploy', 'sb1')), 'a dry run writes no deploy copy');
  });

  it('org:deploy --no-namespace asks for a scratch org without the namespace', async () => {
    const run = await script('orgDeploy.ts', ['--dry-run', '--no-namespace']);
    assert.equal(run.status, 0, run.stderr);
    assert.match(commands(run.stdout)[1] ?? '', / --no-namespace$/);
    assert.match(run.stdout, /no namespace, service URL not set/);
  });

  it('org:deploy refuses a service URL that is not https, and a duration over 30 days', async () => {
    const http = await script('orgDeploy.ts', ['--dry-run', '--service-url', 'http://sb.acme.test']);
    assert.equal(http.status, 1);
    assert.match(http.stderr, /--service-url http:\/\/sb\.acme\.test: must be https/);
    assert.equal(commands(http.stdout).length, 0, 'nothing runs');
    const days = await script('orgDeploy.ts', ['--dry-run', '--duration-days', '99']);
    assert.equal(days.status, 1);
    assert.match(days.stderr, /--duration-days must be a whole number of days, 1 to 30/);
    const noUrl = await script('orgDeploy.ts', ['--contact-center', 'CC1', '--internal-name', 'A']);
    assert.equal(noUrl.status, 1);
    assert.match(noUrl.stderr, /--contact-center needs --service-url/);
    assert.equal(commands(noUrl.stdout).length, 0, 'refused before anything runs');
    const noClient = await script('orgDeploy.ts', [
      '--service-url',
      'https://sb.acme.test',
      '--contact-center',
      'CC1',
      '--internal-name',
      'A',
    ]);
    assert.equal(noClient.status, 1);
    assert.match(noClient.stderr, /needs SWITCHBOARD_CLIENT_ID and SWITCHBOARD_CLIENT_SECRET/);
    assert.equal(commands(noClient.stdout).length, 0, 'refused before anything runs');
  });

  it('package:version prints create, version and promote', async () => {
    const run = await script('packageVersion.ts', [
      '--dry-run',
      '--create',
      '--promote',
      '--target-dev-hub',
      'hub',
    ]);
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(commands(run.stdout), [
      'npm run build:connector',
      'sf package create --name Switchboard --package-type Managed --path force-app --target-dev-hub hub',
      'sf package version create --package Switchboard --installation-key-bypass --code-coverage --wait 60 --json --target-dev-hub hub',
      "sf package version promote --package '<SubscriberPackageVersionId of the version above>' --no-prompt --target-dev-hub hub",
    ]);
    const plain = await script('packageVersion.ts', ['--dry-run']);
    assert.deepEqual(commands(plain.stdout), [
      'npm run build:connector',
      'sf package version create --package Switchboard --installation-key-bypass --code-coverage --wait 60 --json',
    ]);
  });

  it('org:contact-center prints its requests and the definition; refuses missing options', async () => {
    const out = join(work, 'cc.xml');
    const run = await script('orgContactCenter.ts', [
      '--dry-run',
      '--service-url',
      'https://sb.acme.test',
      '--contact-center',
      'CC1',
      '--internal-name',
      'AcmeSupport',
      '--display-name',
      'Acme Support',
      '--out',
      out,
    ]);
    assert.equal(run.status, 0, run.stderr);
    assert.match(
      run.stdout,
      /would send: GET https:\/\/sb\.acme\.test\/admin\/v1\/contact-centers\/CC1\/keys/,
    );
    assert.match(run.stdout, />switchboard__Switchboard</);
    assert.match(run.stdout, /name="reqErrorLabelNamespace"[^>]*>switchboard</);
    assert.ok(!existsSync(out), 'a dry run writes nothing');
    const noNamespace = await script('orgContactCenter.ts', [
      '--dry-run',
      '--no-namespace',
      '--service-url',
      'https://sb.acme.test',
      '--contact-center',
      'CC1',
      '--internal-name',
      'AcmeSupport',
      '--display-name',
      'Acme Support',
    ]);
    assert.match(noNamespace.stdout, /Developer Name">Switchboard</);
    assert.match(noNamespace.stdout, /name="reqErrorLabelNamespace"[^>]*>c</);
    const missing = await script('orgContactCenter.ts', [
      '--dry-run',
      '--service-url',
      'https://sb.acme.test',
    ]);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /--contact-center is required/);
    const secretless = await script('orgContactCenter.ts', [
      '--service-url',
      'https://sb.acme.test',
      '--contact-center',
      'CC1',
      '--internal-name',
      'A',
      '--display-name',
      'A',
      '--out',
      out,
    ]);
    assert.equal(secretless.status, 1);
    assert.match(secretless.stderr, /set SWITCHBOARD_CLIENT_ID and SWITCHBOARD_CLIENT_SECRET/);
    assert.ok(!existsSync(out), 'nothing written');
  });

  it('the deploy copy carries the service URL where the package ships its placeholder, and passes the checks', async () => {
    assert.equal(serviceUrl('https://sb.acme.test/'), 'https://sb.acme.test');
    assert.throws(() => serviceUrl('https://sb.acme.test/admin'), /without path/);
    const copy = join(work, 'deploy');
    writeDeployCopy(ROOT, copy, { namespace: true, url: 'https://sb.acme.test' });
    const base = join(copy, 'force-app/main/default');
    for (const file of [
      'namedCredentials/Switchboard.namedCredential-meta.xml',
      'namedCredentials/SwitchboardAgent.namedCredential-meta.xml',
      'externalCredentials/Switchboard.externalCredential-meta.xml',
    ]) {
      const text = readFileSync(join(base, file), 'utf8');
      assert.ok(!text.includes(SERVICE_URL_PLACEHOLDER), `${file} keeps the placeholder`);
      assert.ok(text.includes('https://sb.acme.test'), `${file} has the service URL`);
    }
    assert.deepEqual(checkPackage(copy, loadMetadataTypes()).errors, []);
  });
});
