/**
 * Headless Chromium (the Debian package, driven by playwright-core) for the page and end-to-end tests.
 * One browser process; each agent gets its own context (own cookies and storage, like a separate
 * browser profile). Salesforce host names are mapped to 127.0.0.1 with `--host-resolver-rules`.
 */
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** The flags the machine needs (no sandbox as root, no background traffic to a closed network). */
export const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
  // The connector page is a third-party frame in the console: Chromium's third-party cookie phase-out
  // denies it storage, and a page refresh would then ask the agent to log in again (docs/emulator.md).
  '--disable-features=TrackingProtection3pcd',
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

/** `hostMap`: host name → `127.0.0.1:port` (e.g. the emulator's org domain); `args`: more flags. */
export async function launchChromium(
  hostMap: Record<string, string> = {},
  args: string[] = audioFlags(),
): Promise<Browser> {
  const rules = Object.entries(hostMap).map(([host, target]) => `MAP ${host} ${target}`);
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      ...CHROMIUM_FLAGS,
      ...args,
      ...(rules.length ? [`--host-resolver-rules=${rules.join(', ')}`, '--ignore-certificate-errors'] : []),
    ],
  });
}
