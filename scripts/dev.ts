/**
 * `npm start`: the newcomer's one command (after `npm install`). Starts the service with its
 * embedded database and demo data, the simulator, the emulated Salesforce telephony API and the
 * emulated service console (scripts/stack.ts); prints the URLs and the demo agents' credentials; and
 * where a Chromium or Chrome and a display are there, opens the console with the flags it needs.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { startStack } from './stack.ts';

const dataDir = path.resolve(process.env.DATA_DIR ?? 'data');
fs.mkdirSync(dataDir, { recursive: true });
const started = Date.now();
const stack = await startStack({
  dataDir,
  databaseUrl: process.env.DATABASE_URL ?? null,
  servicePort: Number(process.env.PORT ?? 8080),
  telephonyApiPort: Number(process.env.TELEPHONY_API_PORT ?? 8090),
  workspacePort: Number(process.env.WORKSPACE_PORT ?? 8443),
});

const BROWSERS = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];
const browserFlags = [
  `--host-resolver-rules=${stack.workspace.resolverRule}`,
  '--ignore-certificate-errors',
  // the softphone and the simulator's phone reach the service's media plane on 127.0.0.1
  '--allow-loopback-in-peer-connection',
];

function findBrowser(): string | null {
  if (process.env.BROWSER_PATH) return process.env.BROWSER_PATH;
  for (const dir of (process.env.PATH ?? '').split(path.delimiter))
    for (const name of BROWSERS) if (fs.existsSync(path.join(dir, name))) return path.join(dir, name);
  const mac = '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome';
  return fs.existsSync(mac) ? mac : null;
}

const agents = stack.agents.filter((a) => a.role === 'agent');
const supervisor = stack.agents.find((a) => a.role === 'supervisor');
const consoleUrls = [...agents.slice(0, 2), ...(supervisor ? [supervisor] : [])].map((a) =>
  stack.workspace.consoleUrl(a.salesforceUserName),
);
const line = '─'.repeat(78);
console.log(line);
console.log(`Switchboard is running (${((Date.now() - started) / 1000).toFixed(1)} s).`);
console.log('');
console.log(`  Voice Call Simulator   ${stack.simulatorUrl}`);
console.log(`  Service console        ${stack.workspace.consoleUrl(agents[0]?.salesforceUserName)}`);
console.log(`                         (emulated Salesforce; one tab per agent: ?user=<Salesforce username>)`);
console.log(`  Telephony API (SCV)    ${stack.telephonyApi.url}/emulator/records`);
console.log(`  Service                ${stack.serviceUrl}  (agent API, simulator API /sim/v1)`);
console.log('');
console.log('  Demo agents (log in inside the console’s telephony frame; fresh passwords at each start):');
for (const a of stack.agents)
  console.log(
    `    ${a.role.padEnd(10)} ${a.username.padEnd(6)} password ${a.password.padEnd(14)} console ?user=${a.salesforceUserName}`,
  );
if (stack.adminClient)
  console.log(
    `    admin API  client id ${stack.adminClient.clientId}  client secret ${stack.adminClient.clientSecret}  (shown once)`,
  );
else console.log('    admin API  clients: npm run admin (docs/admin-api.md)');
console.log('');
console.log(`  The console runs on ${stack.workspace.hostName}: open it in Chromium or Chrome with`);
console.log(`    ${browserFlags.join(' ')}`);
console.log('  (or see docs/emulator.md for the hosts-file alternative). Then: log in, choose Available,');
console.log(`  and press New Inbound Call in the simulator (dialed number ${stack.dialedNumber}).`);
console.log(line);

const browser = process.env.SWITCHBOARD_OPEN_BROWSER === '0' ? null : findBrowser();
const hasDisplay =
  process.platform === 'darwin' || Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
if (browser && hasDisplay) {
  const profile = path.join(dataDir, 'browser-profile');
  const child = spawn(
    browser,
    [
      `--user-data-dir=${profile}`,
      '--no-first-run',
      ...browserFlags,
      '--new-window',
      stack.simulatorUrl,
      ...consoleUrls,
    ],
    { stdio: 'ignore', detached: true },
  );
  child.on('error', () => console.log(`Could not open ${browser}; open the URLs above yourself.`));
  child.unref();
  console.log(
    `Opened ${path.basename(browser)} with the simulator and the consoles of ${consoleUrls.length} users.`,
  );
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void stack.close().then(() => process.exit(0));
  });
}
