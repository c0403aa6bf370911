/**
 * The emulated Salesforce service console (docs/emulator.md): an HTTPS server for
 * `https://<domain>.lightning.force.com` that serves the console page, which iframes the connector
 * and plays Omni-Channel's side of the scv-connector-base protocol. The page reads its configuration
 * and the VoiceCall records (from the telephony-API emulator's control API) from this server.
 */
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyInstance } from 'fastify';
import { pageScript } from '../../../shared/pageBundler.ts';
import { ensureCertificate } from './certificate.ts';
import {
  contactCenterConfig,
  GUIDE_PRESENCE_STATUSES,
  type ContactCenterDefinition,
  type OrgDefinition,
  type PresenceStatus,
  type WorkspaceUser,
} from './contactCenterConfig.ts';
import { loadPackageLabels } from './labels.ts';
import { bundleWorkspaceLwc, STATIC_RESOURCES } from './lwcBundle.ts';

const PAGE_ENTRY = fileURLToPath(new URL('./page/main.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SLDS_CSS = path.join(
  ROOT,
  'node_modules/@salesforce-ux/design-system/assets/styles/salesforce-lightning-design-system.min.css',
);
const PACKAGE_LABELS = path.join(ROOT, 'force-app/main/default/labels');

export interface WorkspaceOptions {
  host?: string;
  /** Default 8443; 0 picks a free port. */
  port?: number;
  org: OrgDefinition;
  contactCenter: ContactCenterDefinition;
  /** The connector page Omni-Channel frames (the ConversationVendorInfo's connector URL). */
  connectorUrl: string;
  users: WorkspaceUser[];
  presenceStatuses?: PresenceStatus[];
  /** How long Omni-Channel shows an offer ringing (the routing configuration's push timeout). */
  ringTimeoutSeconds?: number;
  /**
   * The Presence Configuration's "Update Status on Push Time-Out" and "Update Status on Decline"
   * (status ids; none by default): what Omni-Channel sets the agent to after a missed or failed offer,
   * and after a declined one (developer guide, "Handling Missed Calls and Call Errors").
   */
  statusOnPushTimeout?: string | null;
  statusOnDecline?: string | null;
  /** Extra custom labels (name → value), besides the package's. */
  labels?: Record<string, string>;
  /** The telephony-API emulator's origin: the VoiceCall records come from its control API. */
  telephonyApiUrl?: string | null;
  /** Where the certificate is kept (default: a folder in the system's temporary directory). */
  certDir?: string;
}

export interface Workspace {
  /**
   * `https://<domain>.lightning.force.com` (default port 443, as in Salesforce: the connector page's
   * `frame-ancestors https://*.force.com` only matches the default port). A browser reaches it with
   * `--host-resolver-rules=${resolverRule}` (or, on port 443, a hosts-file line).
   */
  readonly url: string;
  readonly port: number;
  readonly hostName: string;
  /** `MAP <host> 127.0.0.1:<port>`, for Chromium's `--host-resolver-rules`. */
  readonly resolverRule: string;
  /** The console for one user: `${url}/lightning/page/omnichannel?user=<userName>`. */
  consoleUrl(userName?: string): string;
  close(): Promise<void>;
}

export const CONSOLE_PATH = '/lightning/page/omnichannel';

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Service Console · Salesforce (emulated)</title>
<link rel="stylesheet" href="/workspace/assets/slds.css">
<link rel="stylesheet" href="/workspace/assets/workspace.css">
</head>
<body>
<script src="/workspace/assets/workspace.js"></script>
<script src="/workspace/assets/lwc.js"></script>
</body>
</html>
`;

export async function startWorkspace(options: WorkspaceOptions): Promise<Workspace> {
  const hostName = `${options.org.domain}.lightning.force.com`;
  const tls = ensureCertificate(
    options.certDir ?? path.join(os.tmpdir(), 'switchboard-workspace-cert'),
    options.org.domain,
  );
  const app: FastifyInstance = Fastify({ https: { key: tls.key, cert: tls.cert }, logger: false });
  const statuses = options.presenceStatuses ?? GUIDE_PRESENCE_STATUSES;
  const script = pageScript(PAGE_ENTRY);
  let lwcScript: Promise<string> | null = null;

  app.get('/', async (_req, reply) => reply.redirect(CONSOLE_PATH));
  app.get(CONSOLE_PATH, async (_req, reply) =>
    reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(PAGE),
  );
  app.get('/workspace/assets/workspace.js', async (_req, reply) => {
    try {
      return reply.type('application/javascript; charset=utf-8').send(await script());
    } catch (err) {
      console.error(err);
      return reply.code(500).send({ error: 'the console page did not build' });
    }
  });
  // The managed package's workspace LWCs, compiled on first request (a failed build is tried again).
  app.get('/workspace/assets/lwc.js', async (_req, reply) => {
    try {
      lwcScript ??= bundleWorkspaceLwc().catch((err: unknown) => {
        lwcScript = null;
        throw err;
      });
      return reply.type('application/javascript; charset=utf-8').send(await lwcScript);
    } catch (err) {
      console.error(err);
      return reply.code(500).send({ error: "the package's LWCs did not build" });
    }
  });
  // The package's static resources (`@salesforce/resourceUrl/<name>`): its JavaScript ones.
  app.get<{ Params: { name: string } }>('/workspace/resource/:name', async (req, reply) => {
    if (!/^\w+$/.test(req.params.name)) return reply.code(404).send({ error: 'no such static resource' });
    try {
      const code = await readFile(path.join(STATIC_RESOURCES, `${req.params.name}.js`));
      return reply
        .type('application/javascript; charset=utf-8')
        .header('cache-control', 'max-age=3600')
        .send(code);
    } catch {
      return reply.code(404).send({ error: 'no such static resource' });
    }
  });
  app.get('/workspace/assets/workspace.css', async (_req, reply) =>
    reply
      .type('text/css; charset=utf-8')
      .send(await readFile(new URL('./page/workspace.css', import.meta.url))),
  );
  app.get('/workspace/assets/slds.css', async (_req, reply) =>
    reply
      .type('text/css; charset=utf-8')
      .header('cache-control', 'max-age=3600')
      .send(await readFile(SLDS_CSS)),
  );

  app.get<{ Querystring: { user?: string } }>('/workspace/v1/config', async (req, reply) => {
    const wanted = req.query.user;
    const user = wanted
      ? options.users.find((u) => u.userName === wanted || u.userId === wanted)
      : options.users[0];
    if (!user) return reply.code(404).send({ error: `no user ${wanted ?? ''} in this org` });
    return {
      org: options.org,
      user,
      users: options.users.map((u) => ({ userName: u.userName, name: u.name })),
      contactCenter: {
        internalName: options.contactCenter.internalName,
        displayName: options.contactCenter.displayName,
      },
      connectorUrl: options.connectorUrl,
      connectorConfig: contactCenterConfig(
        options.org,
        options.contactCenter,
        user,
        statuses,
        options.telephonyApiUrl ?? '',
      ),
      presenceStatuses: statuses,
      ringTimeoutSeconds: options.ringTimeoutSeconds ?? 30,
      statusOnPushTimeout: options.statusOnPushTimeout ?? null,
      statusOnDecline: options.statusOnDecline ?? null,
      labels: { ...loadPackageLabels(PACKAGE_LABELS), ...(options.labels ?? {}) },
      hasVoiceCallRecords: Boolean(options.telephonyApiUrl),
    };
  });

  app.get('/workspace/v1/voiceCalls', async (_req, reply) => {
    if (!options.telephonyApiUrl) return { voiceCalls: [] };
    try {
      const res = await fetch(`${options.telephonyApiUrl}/emulator/v1/voiceCalls`);
      return reply
        .code(res.status)
        .type('application/json')
        .send(await res.text());
    } catch {
      return reply.code(502).send({ error: 'the telephony API emulator is unreachable' });
    }
  });

  await app.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 8443 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : (options.port ?? 8443);
  const url = `https://${hostName}`;
  return {
    url,
    port,
    hostName,
    resolverRule: `MAP ${hostName} 127.0.0.1:${port}`,
    consoleUrl: (userName) =>
      `${url}${CONSOLE_PATH}${userName ? `?user=${encodeURIComponent(userName)}` : ''}`,
    close: () => app.close(),
  };
}
