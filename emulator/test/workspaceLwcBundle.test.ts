import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bundleWorkspaceLwc, lwcPlugin, WORKSPACE_COMPONENTS } from '../src/workspace/lwcBundle.ts';

describe("the console's bundle of the package's workspace LWCs", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lwc-bundle-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('compiles every workspace component with its template, and maps the static resource to the console', async () => {
    const code = await bundleWorkspaceLwc();
    for (const { name } of WORKSPACE_COMPONENTS) {
      const tag = `c-${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
      expect(code).toContain(tag);
    }
    expect(code).toContain('lightning-service-cloud-voice-toolkit-api');
    expect(code).toContain('/workspace/resource/switchboardChartJs');
    expect(code).not.toMatch(/from\s*["']lightning\//);
  }, 60_000);

  it('refuses a lightning/* module the emulator has no stand-in for, naming it', async () => {
    const esbuild = await import('esbuild');
    const entry = path.join(dir, 'entry.js');
    writeFileSync(entry, "import { showToast } from 'lightning/platformShowToastEvent';\nshowToast();\n");
    await expect(
      esbuild.build({
        entryPoints: [entry],
        bundle: true,
        write: false,
        logLevel: 'silent',
        plugins: [lwcPlugin()],
      }),
    ).rejects.toThrow(/lightning\/platformShowToastEvent: the emulator has no stand-in for it/);
  });
});
