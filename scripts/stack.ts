/**
 * The whole local system in one process (docs/emulator.md, "The local stack"): the contact center
 * service on its embedded database with the demo tenant, the emulated Salesforce telephony API, the
 * demo contact center connected to it (its certificate registered), and the emulated service
 * console that frames the service's connector page. `npm start` (scripts/dev.ts) and the end-to-end
 * tests (e2e/) start it.
 */
import { setPasswordHash } from '../telephony/src/engine/credentials.ts';
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../telephony/src/config.ts';
import { openDatabase, type Db } from '../telephony/src/db/database.ts';
import { createDemoTenant, DEMO_CONTACT_CENTER, DEMO_NUMBER, DEMO_ORG_ID } from '../telephony/src/devData.ts';
import { hashPassword } from '../telephony/src/engine/sessions.ts';
import { loadMasterKey } from '../telephony/src/salesforce/masterKey.ts';
import { buildService, type Service } from '../telephony/src/server.ts';
import { startTelephonyApiEmulator, type TelephonyApiEmulator } from '../emulator/src/telephonyApi/index.ts';
import { DEMO_WORKSPACE } from '../emulator/src/workspace/demoOrg.ts';
import { startWorkspace, type Workspace } from '../emulator/src/workspace/server.ts';

export interface StackOptions {
  /** Folder of the SQLite database, the development master key and the workspace certificate. */
  dataDir: string;
  /** `postgres://…` instead of SQLite. */
  databaseUrl?: string | null;
  /** 0 picks a free port. Defaults: service 8080, telephony API 8090, workspace 8443. */
  servicePort?: number;
  telephonyApiPort?: number;
  workspacePort?: number;
  /** Faster outbox polling than production's default, so records show at once. */
  outboxPollMs?: number;
  /** The embedded media plane (docs/media.md); default on. Off: calls carry no audio. */
  media?: boolean;
}

export interface DemoAgent {
  id: string;
  username: string;
  password: string;
  role: string;
  /** The Salesforce username the console is opened for (`?user=`). */
  salesforceUserName: string;
  salesforceUserId: string;
}

export interface Stack {
  serviceUrl: string;
  /** The demo org's admin API client, when this start created the demo tenant (its secret is stored hashed). */
  adminClient: { clientId: string; clientSecret: string } | null;
  simulatorUrl: string;
  service: Service;
  db: Db;
  telephonyApi: TelephonyApiEmulator;
  workspace: Workspace;
  contactCenterId: string;
  dialedNumber: string;
  agents: DemoAgent[];
  close(): Promise<void>;
}

/** Demo users keep their accounts across restarts; each start gives them fresh passwords (development only). */
async function demoUsers(
  service: Service,
  db: Db,
): Promise<{
  ccId: string;
  users: Omit<DemoAgent, 'salesforceUserName'>[];
  adminClient: Stack['adminClient'];
}> {
  const cc = await db
    .selectFrom('contact_centers')
    .select('id')
    .where('org_id', '=', DEMO_ORG_ID)
    .where('api_name', '=', DEMO_CONTACT_CENTER)
    .executeTakeFirst();
  if (!cc) {
    const demo = await createDemoTenant(service.engine);
    const rows = await db
      .selectFrom('users')
      .select(['id', 'salesforce_user_id'])
      .where('contact_center_id', '=', demo.contactCenterId)
      .execute();
    return {
      ccId: demo.contactCenterId,
      adminClient: { clientId: demo.adminClient.clientId, clientSecret: demo.adminClient.clientSecret },
      users: demo.users.map((u) => ({
        ...u,
        salesforceUserId: rows.find((r) => r.id === u.id)?.salesforce_user_id ?? '',
      })),
    };
  }
  const rows = await db
    .selectFrom('users')
    .selectAll()
    .where('contact_center_id', '=', cc.id)
    .orderBy('created_at')
    .execute();
  const users = [];
  for (const u of rows) {
    const password = randomBytes(9).toString('base64url');
    await setPasswordHash(db, u.id, await hashPassword(password));
    users.push({
      id: u.id,
      username: u.username,
      password,
      role: u.role,
      salesforceUserId: u.salesforce_user_id ?? '',
    });
  }
  return { ccId: cc.id, users, adminClient: null };
}

export async function startStack(options: StackOptions): Promise<Stack> {
  const config = loadConfig({ ...process.env, DATA_DIR: options.dataDir });
  const master = loadMasterKey({ value: config.masterKey, development: true, dataDir: options.dataDir });
  const { db } = openDatabase({
    databaseUrl: options.databaseUrl ?? undefined,
    sqlitePath: `${options.dataDir}/switchboard.db`,
  });
  const telephonyApi = await startTelephonyApiEmulator({ port: options.telephonyApiPort ?? 8090 });
  const service = await buildService({
    db,
    sessionTtlMs: config.sessionTtlMs,
    simulatorToken: null,
    schedulerPollMs: 100,
    salesforce: {
      masterKey: master.key,
      ...config.salesforce,
      outboxPollMs: options.outboxPollMs ?? 200,
      outboxBackoffCapMs: 5000,
      log: () => undefined,
    },
    admin: { production: false, publicUrl: config.publicUrl },
    // One machine runs the service, the emulated Salesforce and the browsers: their load would trip
    // the production overload signals (250 ms, docs/scaling.md "Overload"); the demo keeps taking calls.
    admission: { maxWaitMs: 30_000 },
    ...(options.media === false ? {} : { media: { dataDir: options.dataDir, publicUrl: config.publicUrl } }),
  });
  await service.app.listen({ host: '127.0.0.1', port: options.servicePort ?? 8080 });
  const address = service.app.server.address();
  const servicePort = typeof address === 'object' && address ? address.port : 8080;
  const serviceUrl = `http://127.0.0.1:${servicePort}`;

  const { ccId, users, adminClient } = await demoUsers(service, db);
  await db
    .updateTable('contact_centers')
    .set({ scrt_url: telephonyApi.url })
    .where('id', '=', ccId)
    .execute();
  const key = await service.salesforce!.connect(ccId);
  telephonyApi.registerContactCenter({
    orgId: DEMO_ORG_ID,
    callCenterApiName: DEMO_CONTACT_CENTER,
    keys: [key.certificatePem],
  });
  // The demo org's Omni-Channel flows: each routes to its fallback queue, answered as the queue's
  // CallCenterRoutingMap ExternalId (our queue id); the service sends no fallbackQueue (issue 12).
  const flows = await db
    .selectFrom('flows')
    .select(['dev_name', 'fallback_queue_id'])
    .where('contact_center_id', '=', ccId)
    .execute();
  // And its phone channels: a number that rings a queue has that queue as the channel's fallback.
  const numbers = await db
    .selectFrom('phone_numbers')
    .select(['number', 'target_id'])
    .where('contact_center_id', '=', ccId)
    .where('target_type', '=', 'queue')
    .execute();
  telephonyApi.setFlowRules([
    ...numbers.map((n) => ({
      dialedNumber: n.number,
      route: { type: 'queue' as const, queueId: n.target_id },
    })),
    ...flows.map((f) => ({
      flowDevName: f.dev_name,
      route: { type: 'queue' as const, queueId: f.fallback_queue_id },
    })),
  ]);

  const workspace = await startWorkspace({
    ...DEMO_WORKSPACE,
    contactCenter: { ...DEMO_WORKSPACE.contactCenter, certificate: key.certificatePem },
    port: options.workspacePort ?? 8443,
    connectorUrl: `${serviceUrl}/connector/`,
    telephonyApiUrl: telephonyApi.url,
    certDir: options.dataDir,
  });
  const agents = users.map((u) => ({
    ...u,
    salesforceUserName:
      DEMO_WORKSPACE.users.find((w) => w.userId === u.salesforceUserId)?.userName ?? u.username,
  }));
  return {
    serviceUrl,
    adminClient,
    simulatorUrl: `${serviceUrl}/simulator/`,
    service,
    db,
    telephonyApi,
    workspace,
    contactCenterId: ccId,
    dialedNumber: DEMO_NUMBER,
    agents,
    async close() {
      await workspace.close();
      await service.close();
      await telephonyApi.close();
      await db.destroy();
    },
  };
}
