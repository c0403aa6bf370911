/**
 * Headless Chromium (the Debian package) for the page and end-to-end tests, launched the way a user
 * starts it and driven over the DevTools protocol (playwright-core's `connectOverCDP`). Playwright's
 * own launcher is not used: it adds flags of its own, among them one that turns off third-party
 * storage partitioning, so its Chromium treats the connector's cross-site frame unlike an agent's
 * browser (docs/emulator.md, "Third-party storage"). One browser process; each agent gets its own
 * context (own cookies and storage, like a separate browser profile). Salesforce host names are
 * mapped to 127.0.0.1 with `--host-resolver-rules`.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** The flags the machine needs (no sandbox as root, no background traffic to a closed network). */
export const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--no-default-browser-check',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/**
 * Audio for the softphone and the simulator's phones: WebRTC on loopback, autoplay, a microphone that
 * is always shared (`--use-fake-ui-for-media-stream`) and, with `wav`, whose sound is that file.
 */
export function audioFlags(wav?: string): string[] {
  return [
    '--allow-loopback-in-peer-connection',
    '--autoplay-policy=no-user-gesture-required',
    '--use-fake-ui-for-media-stream',
    '--use-fake-device-for-media-stream',
    ...(wav ? [`--use-file-for-fake-audio-capture=${wav}`] : []),
  ];
}

export interface LaunchOptions {
  /** Host name → `127.0.0.1:port` (e.g. the emulator's org domain). */
  hostMap?: Record<string, string>;
  /** More flags for this launch; by default `audioFlags()` (a fake microphone, WebRTC on loopback). */
  args?: readonly string[];
  /**
   * The profile's preferences (Chromium's `Default/Preferences` JSON) before start: a user's
   * settings, e.g. `{ profile: { cookie_controls_mode: 1 } }` to block third-party cookies.
   */
  preferences?: Record<string, unknown>;
}

const DEVTOOLS = /DevTools listening on (ws:\/\/\S+)/;

/** Starts Chromium with a fresh profile and connects over CDP; closing the Browser ends the process. */
export async function launchChromium(options: LaunchOptions = {}): Promise<Browser> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-chromium-'));
  if (options.preferences) {
    fs.mkdirSync(path.join(profile, 'Default'));
    fs.writeFileSync(path.join(profile, 'Default', 'Preferences'), JSON.stringify(options.preferences));
  }
  const rules = Object.entries(options.hostMap ?? {}).map(([host, target]) => `MAP ${host} ${target}`);
  const child = spawn(
    CHROMIUM,
    [
      '--headless=new',
      '--remote-debugging-port=0',
      `--user-data-dir=${profile}`,
      ...CHROMIUM_FLAGS,
      ...(rules.length ? [`--host-resolver-rules=${rules.join(', ')}`, '--ignore-certificate-errors'] : []),
      ...(options.args ?? audioFlags()),
      'about:blank',
    ],
    // Its own process group: Chromium's helper processes (crashpad, utilities) go with it.
    { stdio: ['ignore', 'ignore', 'pipe'], detached: true },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let cleaned: Promise<void> | undefined;
  const cleanUp = () =>
    (cleaned ??= (async () => {
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
      clearTimeout(timer);
      // Helpers still writing to the profile after the browser exited would make its removal fail.
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // the group is already gone
      }
      fs.rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
    })());
  try {
    const endpoint = await new Promise<string>((resolve, reject) => {
      let seen = '';
      const timer = setTimeout(() => reject(new Error(`Chromium did not start: ${seen}`)), 30_000);
      child.stderr.on('data', (chunk: Buffer) => {
        seen += chunk.toString();
        const match = DEVTOOLS.exec(seen);
        if (match) {
          clearTimeout(timer);
          resolve(match[1] as string);
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`Chromium exited (${code}): ${seen}`));
      });
    });
    child.stderr.removeAllListeners('data');
    child.stderr.resume();
    const browser = await chromium.connectOverCDP(endpoint);
    // Closing a browser connected over CDP only disconnects: Chromium is asked to close (as its
    // window would be), then the process and its profile go.
    browser.once('disconnected', () => void cleanUp());
    const disconnect = browser.close.bind(browser);
    browser.close = async (o) => {
      const session = await browser.newBrowserCDPSession().catch(() => null);
      await session?.send('Browser.close').catch(() => undefined);
      await disconnect(o).catch(() => undefined);
      await cleanUp();
    };
    return browser;
  } catch (err) {
    await cleanUp();
    throw err;
  }
}
