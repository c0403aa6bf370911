import { describe, expect, it } from 'vitest';
import { useService } from './context.ts';

const ctx = useService({ agents: 3, settings: { ringTimeoutSeconds: 20 } });

describe('an inbound call', () => {
  it('rings the available agent, connects on accept, ends with after-call work until wrap-up', async () => {
    const ada = await ctx.agent(0);
    await ada.goAvailable();
    const callId = await ctx.sim.call('+14155551234', ctx.tenant.number);
    const started = await ada.waitFor('CALL_STARTED');
    expect(started.data.call).toMatchObject({
      callId,
      callType: 'Inbound',
      state: 'ringing',
      from: '+14155551234',
      to: ctx.tenant.number,
    });

    const accepted = await ada.request<{ call: { state: string } }>('acceptCall', { callId });
    expect(accepted.call.state).toBe('connected');
    await ada.waitFor('CALL_CONNECTED');
    expect((await ada.request<{ state: string }>('getAgentStatus')).state).toBe('on_call');

    ctx.clock.advance(95_000);
    await ada.request('endCall', { callId });
    const hangup = await ada.waitFor('HANGUP');
    expect(hangup.data.reason).toBe('ended');
    await ada.waitFor('AFTER_CALL_WORK_STARTED');
    expect((await ada.request<{ state: string }>('getAgentStatus')).state).toBe('after_call_work');

    // Infinite wrap-up: a second call waits while the only agent is in after-call work.
    const second = await ctx.sim.call('+14155551235', ctx.tenant.number);
    await ctx.advance(60_000);
    expect(ada.events.filter((e) => e.event === 'CALL_STARTED')).toHaveLength(1);

    const status = await ada.request<{ state: string }>('wrapUp', { callId, disposition: 'Resolved' });
    expect(status.state).toBe('available');
    const next = await ada.waitFor('CALL_STARTED', (e) => e.data.call?.callId === second);
    expect(next.data.call?.state).toBe('ringing');
    const detail = await ctx.sim.get<{ state: string; endReason: string }>(`/calls/${callId}`);
    expect(detail.body).toMatchObject({
      state: 'ended',
      endReason: 'agent_hangup',
      disposition: 'Resolved',
      agentInteractionMs: 95_000,
    });
  });
});
