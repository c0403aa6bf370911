/**
 * `npm run bench:newcomer` (in a fresh clone, after `npm install`): times the README's newcomer path.
 * Runs `npm start` on a fresh data folder, then, as a person would in Chromium, logs in as the demo
 * agent `ada` in the emulated console, goes Available, presses New Inbound Call on the simulator page,
 * and prints how long after `npm start` the URLs were printed and the call rang.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { launchChromium } from '../e2e/browser.ts';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-newcomer-'));
const started = Date.now();
const child = spawn('npm', ['start'], {
  env: { ...process.env, DATA_DIR: dataDir, SWITCHBOARD_OPEN_BROWSER: '0' },
  detached: true,
});
let out = '';
await new Promise<void>((resolve, reject) => {
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
    if (out.includes('press New Inbound Call')) resolve(); // the end of what npm start prints
  });
  child.on('exit', (code) => reject(new Error(`npm start exited (${code}):\n${out}`)));
});
const printedAfter = Date.now() - started;
const password = /agent\s+ada\s+password (\S+)/.exec(out)?.[1] ?? '';
const rule = /--host-resolver-rules=(MAP \S+ \S+)/.exec(out)?.[1] ?? '';
const simulatorUrl = /Voice Call Simulator\s+(\S+)/.exec(out)?.[1] ?? '';
const consoleUrl = /Service console\s+(\S+)/.exec(out)?.[1] ?? '';
const browser = await launchChromium({
  args: [`--host-resolver-rules=${rule}`, '--ignore-certificate-errors'],
});
try {
  const page = await (await browser.newContext()).newPage();
  await page.goto(consoleUrl);
  const form = page.frameLocator('[data-testid=connector-frame]').locator('form.sb-login');
  await form.locator('input[name=username]').fill('ada');
  await form.locator('input[name=password]').fill(password);
  await form.locator('button').first().click();
  await page.getByTestId('connector-state').getByText('ready', { exact: true }).waitFor();
  await page.getByTestId('presence-select').selectOption({ label: 'Available' });
  const simulator = await (await browser.newContext()).newPage();
  await simulator.goto(simulatorUrl);
  await simulator.getByTestId('connection').filter({ hasText: 'connected' }).waitFor();
  await simulator.getByTestId('new-inbound-call').click();
  await page.getByTestId('incoming').waitFor();
  const rangAfter = Date.now() - started;
  console.log(
    `npm start printed the URLs after ${(printedAfter / 1000).toFixed(1)} s; the call rang in the console ${(rangAfter / 1000).toFixed(1)} s after npm start`,
  );
} finally {
  await browser.close();
  process.kill(-(child.pid as number), 'SIGTERM');
  fs.rmSync(dataDir, { recursive: true, force: true });
}
