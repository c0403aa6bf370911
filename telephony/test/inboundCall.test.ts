import { afterEach, beforeEach, describe, expect, it } from 'vitest';
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

let dbh: DatabaseHandle;
let run: Running;
let tenant: Tenant;
let sim: Sim;
let clock: ManualClock;
const clients: AgentClient[] = [];

async function agent(i: number): Promise<AgentClient> {
  const c = await AgentClient.login(run, tenant, tenant.agents[i]!.username);
  clients.push(c);
  return c;
}

beforeEach(async () => {
  dbh = testDatabase();
  clock = new ManualClock();
  run = await startService(dbh.db, { clock });
  tenant = await createTenant(dbh.db, { agents: 3, settings: { ringTimeoutSeconds: 20 } });
  sim = new Sim(run);
});

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await run.stop();
  await dbh.destroy();
});

describe('an inbound call', () => {
  it('rings the available agent, connects on accept, ends with after-call work until wrap-up', async () => {
    const ada = await agent(0);
    await ada.goAvailable();
    const callId = await sim.call('+14155551234', tenant.number);
    const started = await ada.waitFor('CALL_STARTED');
    expect(started.data.call).toMatchObject({
      callId,
      callType: 'Inbound',
      state: 'ringing',
      from: '+14155551234',
      to: tenant.number,
    });

    const accepted = await ada.request<{ call: { state: string } }>('acceptCall', { callId });
    expect(accepted.call.state).toBe('connected');
    await ada.waitFor('CALL_CONNECTED');
    expect((await ada.request<{ state: string }>('getAgentStatus')).state).toBe('on_call');

    clock.advance(95_000);
    await ada.request('endCall', { callId });
    const hangup = await ada.waitFor('HANGUP');
    expect(hangup.data.reason).toBe('ended');
    await ada.waitFor('AFTER_CALL_WORK_STARTED');
    expect((await ada.request<{ state: string }>('getAgentStatus')).state).toBe('after_call_work');

    // Infinite wrap-up: a second call waits while the only agent is in after-call work.
    const second = await sim.call('+14155551235', tenant.number);
    clock.advance(60_000);
    await run.service.scheduler.runDue();
    expect(ada.events.filter((e) => e.event === 'CALL_STARTED')).toHaveLength(1);

    const status = await ada.request<{ state: string }>('wrapUp', { callId, disposition: 'Resolved' });
    expect(status.state).toBe('available');
    const next = await ada.waitFor('CALL_STARTED', (e) => e.data.call?.callId === second);
    expect(next.data.call?.state).toBe('ringing');
    const detail = await sim.get<{ state: string; endReason: string }>(`/calls/${callId}`);
    expect(detail.body).toMatchObject({
      state: 'ended',
      endReason: 'agent_hangup',
      disposition: 'Resolved',
      agentInteractionMs: 95_000,
    });
  });
});
