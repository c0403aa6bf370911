/** Per-test setup shared by the call tests: database, service, tenant, simulator, agents. */
import { afterEach, beforeEach } from 'vitest';
import type { ContactCenterSettings } from '../src/domain/settings.ts';
import {
  AgentClient,
  ManualClock,
  Sim,
  createTenant,
  startService,
  testDatabase,
  type CallLike,
  type DatabaseHandle,
  type Running,
  type Tenant,
} from './harness.ts';

export interface Ctx {
  dbh: DatabaseHandle;
  run: Running;
  tenant: Tenant;
  sim: Sim;
  clock: ManualClock;
  /** Logs in the i-th agent of the tenant. */
  agent(i: number): Promise<AgentClient>;
  supervisor(): Promise<AgentClient>;
  /** Logs in `username` of `tenant` (another tenant of the same service, say). */
  login(tenant: Tenant, username: string): Promise<AgentClient>;
  /** Opens another socket with a session token, replaying from `lastSeq` when given. */
  connect(token: string, lastSeq?: number): Promise<AgentClient>;
  /** `c` goes available, an inbound call from `from` rings them and they accept it. */
  connectedCall(c: AgentClient, from?: string): Promise<{ callId: string; callerId: string; call: CallLike }>;
  /** Advances the clock and runs the timers that became due. */
  advance(ms: number): Promise<void>;
}

export function useService(
  options: { agents?: number; settings?: Partial<ContactCenterSettings>; numberSuffix?: number } = {},
): Ctx {
  const clients: AgentClient[] = [];
  const ctx = {} as Ctx;
  beforeEach(async () => {
    ctx.dbh = testDatabase();
    ctx.clock = new ManualClock();
    ctx.run = await startService(ctx.dbh.db, { clock: ctx.clock });
    ctx.tenant = await createTenant(ctx.dbh.db, {
      agents: options.agents ?? 3,
      settings: options.settings ?? {},
      numberSuffix: options.numberSuffix,
    });
    ctx.sim = new Sim(ctx.run);
    ctx.login = async (tenant, username) => {
      const c = await AgentClient.login(ctx.run, tenant, username);
      clients.push(c);
      return c;
    };
    ctx.agent = (i) => ctx.login(ctx.tenant, ctx.tenant.agents[i]!.username);
    ctx.supervisor = () => ctx.login(ctx.tenant, ctx.tenant.supervisor.username);
    ctx.connect = async (token, lastSeq) => {
      const c = await AgentClient.connect(ctx.run, token, lastSeq);
      clients.push(c);
      return c;
    };
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
    };
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    try {
      await ctx.run?.stop();
    } finally {
      // Even when the set-up failed half-way, the test's database (a PostgreSQL schema) goes away.
      await ctx.dbh?.destroy();
    }
  });
  return ctx;
}
