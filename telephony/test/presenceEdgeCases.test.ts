import { expect, it } from 'vitest';
import { useService } from './context.ts';
import { STATUS } from './harness.ts';

const ctx = useService({ agents: 2, settings: { ringTimeoutSeconds: 20 } });

it('a state enqueued while an offer rings applies when the offer is declined', async () => {
  const ada = await ctx.agent(0);
  await ada.goAvailable();
  const callId = await ctx.sim.call('+14155550001', ctx.tenant.number);
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
  const ada = await ctx.agent(0);
  const grace = await ctx.agent(1);
  await ada.goAvailable();
  ctx.clock.advance(1_000);
  await grace.goAvailable();
  const first = await ctx.sim.call('+14155550001', ctx.tenant.number);
  await ada.waitFor('CALL_STARTED');
  await ada.request('setAgentStatus', { statusId: STATUS.away, enqueueNextState: true });
  await ada.request('declineCall', { callId: first });
  await grace.waitFor('CALL_STARTED');
  // Ada picks Available again (without enqueueNextState), takes the next call, wraps up.
  await ada.goAvailable();
  const second = await ctx.sim.call('+14155550002', ctx.tenant.number);
  await ada.waitFor('CALL_STARTED', (e) => e.data.call?.callId === second);
  await ada.request('acceptCall', { callId: second });
  await ada.request('endCall', { callId: second });
  expect(await ada.request('wrapUp', { callId: second })).toMatchObject({ state: 'available' });
});

it('a break that ends during after-call work does not leave the agent on break for ever', async () => {
  const ada = await ctx.agent(0);
  const { callId } = await ctx.connectedCall(ada, '+14155550001');
  await ctx.sim.post(`/agents/${ada.userId}/break`, { minutes: 5 });
  await ctx.run.service.scheduler.runDue();
  ctx.clock.advance(60_000);
  await ada.request('endCall', { callId });
  await ctx.advance(5 * 60_000); // break_end runs while Ada is in after-call work
  expect(await ada.request('wrapUp', { callId })).toMatchObject({ state: 'available' });
});

it('a break scheduled for an offline (logged-out) agent does not make them available', async () => {
  const ada = await ctx.agent(0);
  await ctx.sim.post(`/agents/${ada.userId}/break`, { minutes: 5 });
  await ctx.run.service.scheduler.runDue();
  await ctx.advance(5 * 60_000);
  expect(await ada.request('getAgentStatus')).toMatchObject({ state: 'offline' });
});
