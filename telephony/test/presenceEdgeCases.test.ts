import { afterEach, beforeEach, expect, it } from 'vitest';
import {
  AgentClient,
  ManualClock,
  STATUS,
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
  tenant = await createTenant(dbh.db, { agents: 2, settings: { ringTimeoutSeconds: 20 } });
  sim = new Sim(run);
});

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await run.stop();
  await dbh.destroy();
});

it('a state enqueued while an offer rings applies when the offer is declined', async () => {
  const ada = await agent(0);
  await ada.goAvailable();
  const callId = await sim.call('+14155550001', tenant.number);
  await ada.waitFor('CALL_STARTED');
  await ada.request('setAgentStatus', { statusId: STATUS.away, enqueueNextState: true });
  await ada.request('declineCall', { callId });
  await ada.request('getAgentStatus');
  expect(await ada.request('getAgentStatus')).toMatchObject({
    state: 'busy',
    reason: 'Away',
    nextState: null,
  });
  expect(ada.events.filter((e) => e.event === 'CALL_STARTED')).toHaveLength(1);
});

it('a stale enqueued state does not hijack the end of a later call', async () => {
  const ada = await agent(0);
  const grace = await agent(1);
  await ada.goAvailable();
  clock.advance(1_000);
  await grace.goAvailable();
  const first = await sim.call('+14155550001', tenant.number);
  await ada.waitFor('CALL_STARTED');
  await ada.request('setAgentStatus', { statusId: STATUS.away, enqueueNextState: true });
  await ada.request('declineCall', { callId: first });
  await grace.waitFor('CALL_STARTED');
  // Ada picks Available again (without enqueueNextState), takes the next call, wraps up.
  await ada.goAvailable();
  const second = await sim.call('+14155550002', tenant.number);
  await ada.waitFor('CALL_STARTED', (e) => e.data.call?.callId === second);
  await ada.request('acceptCall', { callId: second });
  await ada.request('endCall', { callId: second });
  expect(await ada.request('wrapUp', { callId: second })).toMatchObject({ state: 'available' });
});

it('a break that ends during after-call work does not leave the agent on break for ever', async () => {
  const ada = await agent(0);
  await ada.goAvailable();
  const callId = await sim.call('+14155550001', tenant.number);
  await ada.waitFor('CALL_STARTED');
  await ada.request('acceptCall', { callId });
  await sim.post(`/agents/${ada.userId}/break`, { minutes: 5 });
  await run.service.scheduler.runDue();
  clock.advance(60_000);
  await ada.request('endCall', { callId });
  clock.advance(5 * 60_000);
  await run.service.scheduler.runDue(); // break_end runs while Ada is in after-call work
  expect(await ada.request('wrapUp', { callId })).toMatchObject({ state: 'available' });
});

it('a break scheduled for an offline (logged-out) agent does not make them available', async () => {
  const ada = await agent(0);
  await sim.post(`/agents/${ada.userId}/break`, { minutes: 5 });
  await run.service.scheduler.runDue();
  clock.advance(5 * 60_000);
  await run.service.scheduler.runDue();
  expect(await ada.request('getAgentStatus')).toMatchObject({ state: 'offline' });
});
