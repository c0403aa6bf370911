/**
 * Per-test setup of the Salesforce sync tests: the service with the sync on a manual clock, the
 * telephony API emulator in-process on the same clock, a tenant connected to it, agents, simulator.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import type { ContactCenterSettings } from '../src/domain/settings.ts';
import type { SalesforceOptions } from '../src/salesforce/index.ts';
import {
  startTelephonyApiEmulator,
  type EmulatedVoiceCall,
  type TelephonyApiEmulator,
} from '../../emulator/src/telephonyApi/index.ts';
import {
  AgentClient,
  ManualClock,
  Sim,
  connectSalesforce,
  createTenant,
  eventually,
  startService,
  testDatabase,
  type CallLike,
  type DatabaseHandle,
  type Running,
  type Tenant,
} from './harness.ts';
import { mediaEngineOptions } from './mediaEngineUnderTest.ts';

export interface SfCtx {
  dbh: DatabaseHandle;
  clock: ManualClock;
  emulator: TelephonyApiEmulator;
  run: Running;
  tenant: Tenant;
  sim: Sim;
  masterKey: Buffer;
  /** The media plane's data folder (with `media: true`). */
  dataDir: string | null;
  /** The sync's log lines. */
  logs: string[];
  salesforceOptions: SalesforceOptions;
  agent(i: number): Promise<AgentClient>;
  supervisor(): Promise<AgentClient>;
  connectedCall(c: AgentClient, from?: string): Promise<{ callId: string; callerId: string; call: CallLike }>;
  /** Advances the clock, runs due timers, then sends what the outbox has due. */
  advance(ms: number): Promise<void>;
  /** Starts the service again on the same database (a restart). */
  restart(): Promise<void>;
  /** The emulator's record with this vendor call key, once it exists. */
  record(vendorCallKey: string, what?: (r: EmulatedVoiceCall) => boolean): Promise<EmulatedVoiceCall>;
}

export function useSalesforce(
  options: {
    agents?: number;
    settings?: Partial<ContactCenterSettings>;
    salesforce?: Partial<SalesforceOptions>;
    voiceCallRecordTypeId?: string;
    /** Runs the embedded media plane too, on a temporary data folder. */
    media?: boolean;
  } = {},
): SfCtx {
  const clients: AgentClient[] = [];
  const ctx = {} as SfCtx;
  beforeEach(async () => {
    ctx.dbh = testDatabase();
    ctx.clock = new ManualClock();
    ctx.logs = [];
    ctx.masterKey = randomBytes(32);
    ctx.emulator = await startTelephonyApiEmulator({ now: () => ctx.clock.now() });
    ctx.salesforceOptions = {
      masterKey: ctx.masterKey,
      createBackoffMs: 5,
      outboxPollMs: 50,
      // Most tests publish no recording: their final updates go at once. The recording wait's own
      // tests (salesforceFaults.test.ts) run with the service's default.
      recordingWaitMs: 0,
      log: (line) => ctx.logs.push(line),
      ...options.salesforce,
    };
    ctx.dataDir = options.media ? fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-media-')) : null;
    ctx.run = await startService(ctx.dbh.db, {
      clock: ctx.clock,
      salesforce: ctx.salesforceOptions,
      ...(ctx.dataDir
        ? { media: { dataDir: ctx.dataDir, sweepMs: 0, ...(await mediaEngineOptions()) } }
        : {}),
    });
    ctx.tenant = await createTenant(ctx.dbh.db, {
      agents: options.agents ?? 3,
      settings: options.settings ?? {},
    });
    await connectSalesforce(ctx.run, ctx.tenant, ctx.emulator, {
      ...(options.voiceCallRecordTypeId ? { voiceCallRecordTypeId: options.voiceCallRecordTypeId } : {}),
    });
    ctx.sim = new Sim(ctx.run);
    const login = async (username: string) => {
      const c = await AgentClient.login(ctx.run, ctx.tenant, username);
      clients.push(c);
      return c;
    };
    ctx.agent = (i) => login(ctx.tenant.agents[i]!.username);
    ctx.supervisor = () => login(ctx.tenant.supervisor.username);
    ctx.connectedCall = async (c, from = '+14155550123') => {
      await c.goAvailable();
      const callId = await ctx.sim.call(from, ctx.tenant.number);
      await c.waitFor('CALL_STARTED', (e) => e.data.call?.callId === callId);
      const { call } = await c.request<{ call: CallLike }>('acceptCall', { callId });
      await c.waitFor('CALL_CONNECTED', (e) => e.data.call?.callId === callId);
      return { callId, callerId: call.participants.find((p) => p.role === 'initial_caller')!.id, call };
    };
    ctx.advance = async (ms) => {
      ctx.clock.advance(ms);
      await ctx.run.service.scheduler.runDue();
      await ctx.run.service.salesforce!.worker.runDue();
    };
    ctx.restart = async () => {
      for (const c of clients.splice(0)) c.close();
      await ctx.run.stop();
      ctx.run = await startService(ctx.dbh.reopen(), { clock: ctx.clock, salesforce: ctx.salesforceOptions });
      ctx.sim = new Sim(ctx.run);
    };
    ctx.record = (key, what = () => true) =>
      eventually(
        () => ctx.emulator.voiceCalls().find((r) => r.vendorCallKey === key && what(r)),
        `the VoiceCall record ${key}`,
      );
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    try {
      await ctx.run?.stop();
      await ctx.emulator?.close();
    } finally {
      await ctx.dbh?.destroy();
      if (ctx.dataDir) fs.rmSync(ctx.dataDir, { recursive: true, force: true });
    }
  });
  return ctx;
}
