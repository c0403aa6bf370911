/**
 * The workspace on its own: `npx tsx emulator/src/workspace/main.ts` serves the console for the
 * demo org on https://myorg.lightning.force.com:8443 (CONNECTOR_URL, TELEPHONY_API_URL, WORKSPACE_PORT
 * override the defaults). `npm start` (scripts/dev.ts) starts it together with the service.
 */
import { DEMO_WORKSPACE } from './demoOrg.ts';
import { startWorkspace } from './server.ts';

const workspace = await startWorkspace({
  ...DEMO_WORKSPACE,
  port: Number(process.env.WORKSPACE_PORT ?? 8443),
  connectorUrl: process.env.CONNECTOR_URL ?? 'http://127.0.0.1:8080/connector/',
  telephonyApiUrl: process.env.TELEPHONY_API_URL ?? null,
});
console.log(`Service console (emulated Salesforce): ${workspace.consoleUrl()}`);
console.log(
  `  open it in Chromium with --host-resolver-rules="${workspace.resolverRule}" --ignore-certificate-errors (docs/emulator.md)`,
);
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => void workspace.close().then(() => process.exit(0)));
