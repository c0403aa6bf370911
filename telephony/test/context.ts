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
  /** Advances the clock and runs the timers that became due. */
  advance(ms: number): Promise<void>;
}

export function useService(
  options: { agents?: number; settings?: Partial<ContactCenterSettings> } = {},
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
    });
    ctx.sim = new Sim(ctx.run);
    ctx.agent = async (i) => {
      const c = await AgentClient.login(ctx.run, ctx.tenant, ctx.tenant.agents[i]!.username);
      clients.push(c);
      return c;
    };
    ctx.supervisor = async () => {
      const c = await AgentClient.login(ctx.run, ctx.tenant, ctx.tenant.supervisor.username);
      clients.push(c);
      return c;
    };
    ctx.advance = async (ms) => {
      ctx.clock.advance(ms);
      await ctx.run.service.scheduler.runDue();
    };
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    await ctx.run.stop();
    await ctx.dbh.destroy();
  });
  return ctx;
}
