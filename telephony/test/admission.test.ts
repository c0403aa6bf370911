/**
 * Admission control (docs/scaling.md, "Overload"): a new inbound call is refused with 503 and
 * Retry-After while the contact center's commands back up, and the refusal changes nothing; calls
 * already taken go on.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { AdmissionLimits } from '../src/engine/admission.ts';
import {
  AgentClient,
  Sim,
  createTenant,
  eventually,
  startService,
  testDatabase,
  type DatabaseHandle,
  type Running,
} from './harness.ts';

const opened: Array<{ dbh: DatabaseHandle; run: Running; clients: AgentClient[] }> = [];

async function setUp(admission: Partial<AdmissionLimits> | undefined) {
  const dbh = testDatabase();
  const run = await startService(dbh.db, admission ? { admission } : {});
  const entry = { dbh, run, clients: [] as AgentClient[] };
  opened.push(entry);
  const tenant = await createTenant(dbh.db, { agents: 2 });
  const agent = await AgentClient.login(run, tenant, tenant.agents[0]!.username);
  entry.clients.push(agent);
  await agent.goAvailable();
  return { dbh, run, tenant, agent, sim: new Sim(run) };
}

afterEach(async () => {
  for (const { dbh, run, clients } of opened.splice(0)) {
    for (const c of clients) c.close();
    try {
      await run.stop();
    } finally {
      await dbh.destroy();
    }
  }
});

const callsOf = async (dbh: DatabaseHandle, ccId: string) =>
  (await dbh.db.selectFrom('calls').select('id').where('contact_center_id', '=', ccId).execute()).length;

describe('admission of inbound calls', () => {
  it('refuses a new call with 503 and Retry-After when the node takes no more calls, changing nothing', async () => {
    const { dbh, run, tenant, agent } = await setUp({ maxWaiting: 0, retryAfterSeconds: 3 });
    const eventsBefore = agent.events.length;
    const res = await fetch(`${run.baseUrl}/sim/v1/calls`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ from: '+14155550123', to: tenant.number }),
    });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('3');
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('UNAVAILABLE');
    expect(body.error.message).toMatch(/overloaded.*retry after 3 s/);
    expect(await callsOf(dbh, tenant.ccId)).toBe(0);
    expect((await agent.request<{ state: string }>('getAgentStatus')).state).toBe('available');
    expect(agent.events.slice(eventsBefore).map((e) => e.event)).toEqual([]);
  });

  it('takes calls while the contact center keeps up', async () => {
    const { dbh, tenant, agent, sim } = await setUp(undefined);
    const callId = await sim.call('+14155550123', tenant.number);
    await agent.waitFor('CALL_STARTED', (e) => e.data.call?.callId === callId);
    expect(await callsOf(dbh, tenant.ccId)).toBe(1);
  });

  it("refuses while the contact center's commands back up, only for that contact center, and admits again once they ran", async () => {
    const { dbh, run, tenant, sim } = await setUp({ maxWaiting: 2, maxWaitMs: 60_000 });
    const other = await createTenant(dbh.db, { agents: 1 });
    const { engine, admission } = run.service;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    // One command runs (held at the gate), then two wait behind it: the backlog is at the limit.
    const held = [
      engine.command(tenant.ccId, () => gate),
      engine.command(tenant.ccId, async () => undefined),
    ];
    await new Promise((resolve) => setImmediate(resolve));
    expect(engine.backlog(tenant.ccId).waiting).toBe(1);
    expect(admission.inboundCall(tenant.ccId)).toEqual({ admitted: true });
    held.push(engine.command(tenant.ccId, async () => undefined));
    expect(engine.backlog(tenant.ccId).waiting).toBe(2);
    const refused = admission.inboundCall(tenant.ccId);
    expect(refused).toMatchObject({ admitted: false, retryAfterSeconds: 1 });
    expect(admission.inboundCall(other.ccId)).toEqual({ admitted: true });
    release();
    await Promise.all(held);
    expect(engine.backlog(tenant.ccId)).toEqual({ waiting: 0, oldestWaitMs: 0 });
    expect(admission.inboundCall(tenant.ccId)).toEqual({ admitted: true });
    await sim.call('+14155550124', tenant.number);
    expect(await callsOf(dbh, tenant.ccId)).toBe(1);
  });

  it('refuses when the oldest waiting command has waited longer than the limit', async () => {
    const { run, tenant } = await setUp({ maxWaiting: 1000, maxWaitMs: 500 });
    const { engine, admission } = run.service;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const held = [
      engine.command(tenant.ccId, () => gate),
      engine.command(tenant.ccId, async () => undefined),
    ];
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(engine.backlog(tenant.ccId).oldestWaitMs).toBeGreaterThan(500);
    expect(admission.inboundCall(tenant.ccId)).toMatchObject({ admitted: false });
    release();
    await Promise.all(held);
    expect(admission.inboundCall(tenant.ccId)).toEqual({ admitted: true });
    // A call that itself waited longer than the limit before the check (queued in front of it).
    expect(admission.inboundCall(tenant.ccId, 501)).toMatchObject({ admitted: false });
    expect(admission.inboundCall(tenant.ccId, 499)).toEqual({ admitted: true });
  });

  it('refuses while the event loop runs late, and admits again once it keeps time', async () => {
    const { run, tenant } = await setUp({ maxWaitMs: 200 });
    const { admission } = run.service;
    // Hold the event loop for longer than a sampling window (1 s): the next window reports the delay.
    const until = performance.now() + 1100;
    while (performance.now() < until);
    const refused = await eventually(() => {
      const decision = admission.inboundCall(tenant.ccId);
      return decision.admitted ? undefined : decision;
    }, 'a refusal for the late event loop');
    expect(refused.reason).toMatch(/event loop ran \d+ ms late/);
    expect(refused.retryAfterSeconds).toBe(1);
    await eventually(() => admission.inboundCall(tenant.ccId).admitted, 'admission again');
  });
});
