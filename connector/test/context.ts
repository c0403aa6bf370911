/**
 * Per-test set-up of the connector tests: the real service in-process (real sockets, a real
 * database) with a tenant, the simulator, and connector pages played by Host.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, beforeEach } from 'vitest';
import { buildService } from '../../telephony/src/server.ts';
import type { ContactCenterSettings } from '../../telephony/src/domain/settings.ts';
import {
  createTenant,
  ManualClock,
  Sim,
  STATUS,
  TEST_PASSWORD,
  testDatabase,
  type DatabaseHandle,
  type Running,
  type Tenant,
} from '../../telephony/test/harness.ts';
import { bundleConnector } from '../bundle.ts';
import { Host, type HostOptions } from './host.ts';

export { STATUS, TEST_PASSWORD };

export const SALESFORCE_USER_ID = '005xx000001Sv6AAAS';

/** Omni-Channel's presence statuses, as the configuration carries them (chapter 12's example). */
export const PRESENCE_STATUSES = JSON.stringify({
  '0': { statusName: 'Offline', hasChannels: 'false', isOffline: 'true', statusId: '0' },
  [STATUS.available]: {
    statusName: 'Available',
    hasChannels: 'true',
    isOffline: 'false',
    statusId: STATUS.available,
  },
  [STATUS.away]: { statusName: 'Away', hasChannels: 'false', isOffline: 'false', statusId: STATUS.away },
  [STATUS.busy]: { statusName: 'Busy', hasChannels: 'false', isOffline: 'false', statusId: STATUS.busy },
});

/** The contact center configuration Salesforce sends for `tenant` (connector-URL mode by default). */
export function connectorConfig(
  tenant: Tenant,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    '/reqGeneralInfo/reqInternalName': tenant.apiName,
    '/reqGeneralInfo/reqDisplayName': 'Switchboard test',
    organizationId: tenant.orgId,
    userId: SALESFORCE_USER_ID,
    userName: 'agent@example.com',
    callCenterType: 'SCVBYOT',
    userPresenceStatuses: PRESENCE_STATUSES,
    // Call control without audio; softphone.test.ts turns the integrated softphone on.
    '/reqSwitchboard/reqIntegratedSoftphone': 'false',
    ...extra,
  };
}

/** The service on a given port (0: any), so that a test can stop it and start it again in place. */
export async function startServiceOn(
  dbh: DatabaseHandle,
  clock: ManualClock,
  port = 0,
  sessionTtlMs?: number,
) {
  // Recordings in a data folder of the test's own (the service's local store; signed links lead there).
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-connector-'));
  const service = await buildService({
    db: dbh.db,
    clock,
    recordings: { dataDir, sweepMs: 0 },
    startScheduler: false,
    schedulerPollMs: 20,
    ...(sessionTtlMs ? { sessionTtlMs } : {}),
  });
  await service.app.listen({ host: '127.0.0.1', port });
  const address = service.app.server.address();
  if (!address || typeof address === 'string') throw new Error('no address');
  const baseUrl = `http://127.0.0.1:${address.port}`;
  const run: Running = {
    service,
    baseUrl,
    wsUrl: `ws://127.0.0.1:${address.port}/agent/v1/socket`,
    stop: async () => {
      await service.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return { run, port: address.port };
}

export type PageOptions = Partial<HostOptions> & { config?: Record<string, unknown> };

export interface ConnectorCtx {
  dbh: DatabaseHandle;
  run: Running;
  port: number;
  tenant: Tenant;
  sim: Sim;
  clock: ManualClock;
  bundle: string;
  /** A connector page (Omni-Channel's iframe) that received SETUP_CONNECTOR. */
  open(options?: PageOptions): Host;
  /** A page of agent `i` (or the supervisor) logged in through the login form, CONNECTOR_READY received. */
  agent(i: number | 'supervisor', options?: PageOptions): Promise<Host>;
  /** The page's agent goes Available in Omni-Channel. */
  available(host: Host): Promise<void>;
  /** Stops the service (its sockets drop); `start` brings it back on the same port and database. */
  stop(): Promise<void>;
  start(): Promise<void>;
  advance(ms: number): Promise<void>;
}

export function useConnector(
  options: { agents?: number; settings?: Partial<ContactCenterSettings>; sessionTtlMs?: number } = {},
): ConnectorCtx {
  const ctx = {} as ConnectorCtx;
  const hosts: Host[] = [];
  let running = false;

  beforeAll(async () => {
    ctx.bundle = await bundleConnector();
  });

  beforeEach(async () => {
    ctx.dbh = testDatabase();
    ctx.clock = new ManualClock(Date.now());
    const started = await startServiceOn(ctx.dbh, ctx.clock, 0, options.sessionTtlMs);
    ctx.run = started.run;
    ctx.port = started.port;
    running = true;
    ctx.tenant = await createTenant(ctx.dbh.db, {
      agents: options.agents ?? 2,
      settings: options.settings ?? {},
    });
    ctx.sim = new Sim(ctx.run);
    ctx.open = (o = {}) => {
      const host = new Host(ctx.bundle, {
        url: o.url ?? `${ctx.run.baseUrl}/connector/`,
        storage: o.storage ?? {},
        local: o.local ?? {},
      });
      hosts.push(host);
      host.setup(o.config ?? connectorConfig(ctx.tenant));
      return host;
    };
    ctx.agent = async (i, o = {}) => {
      const host = ctx.open(o);
      await host.waitFor('SHOW_LOGIN');
      const from = host.mark();
      const username = i === 'supervisor' ? ctx.tenant.supervisor.username : ctx.tenant.agents[i]!.username;
      host.submitLogin(username, TEST_PASSWORD);
      await host.waitFor('LOGIN_RESULT', (p) => p.success === true, from);
      await host.waitForMessage('CONNECTOR_READY', from);
      return host;
    };
    ctx.available = async (host) => {
      await host.request(
        'SET_AGENT_STATUS',
        { agentStatus: 'Online', statusInfo: { statusId: STATUS.available, statusName: 'Available' } },
        'SET_AGENT_STATUS_RESULT',
      );
    };
    ctx.stop = async () => {
      await ctx.run.stop();
      running = false;
    };
    ctx.start = async () => {
      ctx.run = (await startServiceOn(ctx.dbh, ctx.clock, ctx.port, options.sessionTtlMs)).run;
      ctx.sim = new Sim(ctx.run);
      running = true;
    };
    ctx.advance = async (ms) => {
      ctx.clock.advance(ms);
      await ctx.run.service.scheduler.runDue();
    };
  });

  afterEach(async () => {
    for (const h of hosts.splice(0)) h.close();
    try {
      if (running) await ctx.run.stop();
    } finally {
      await ctx.dbh?.destroy();
    }
  });

  return ctx;
}
