/**
 * Real audio through the service's media plane: callers as plain RTP phones, agents' softphones as
 * WebRTC peers on the station endpoint; what each party hears is checked by tone detection.
 */
import { describe, expect, it } from 'vitest';
import { useMediaService, until } from './mediaContext.ts';

const CALLER = 600;
const AGENT = 1000;

describe('media: a two-party call', () => {
  const ctx = useMediaService();

  it('the caller hears queue music while waiting, then caller and agent hear each other', async () => {
    const a = await ctx.agent(0);
    const { phone: agentPhone, stationId } = await ctx.station(a, AGENT);
    await a.goAvailable();
    const callId = await ctx.sim.call('+14155550123', ctx.tenant.number);
    const detail = await ctx.sim.get<{ participants: Array<{ id: string; role: string }> }>(
      `/calls/${callId}`,
    );
    const callerId = detail.body.participants.find((p) => p.role === 'initial_caller')!.id;
    const caller = await ctx.party(callId, callerId, CALLER);
    // Queue music (C major notes), no agent.
    await until(
      () => caller.hears(523.25, 0.2) || caller.hears(659.25, 0.2) || caller.hears(783.99, 0.2),
      'queue music',
    );
    expect(caller.hearsNo(AGENT)).toBe(true);
    await a.waitFor('CALL_STARTED');
    await a.request('acceptCall', { callId });
    await until(() => caller.hears(AGENT, 0.8), 'the caller to hear the agent');
    await until(() => agentPhone.hears(CALLER, 0.8), 'the agent to hear the caller');
    expect(agentPhone.hearsNo(AGENT)).toBe(true);
    await a.request('endCall', { callId });
    // The station lives across calls: only it remains, until it hangs up.
    await ctx.expectReleased(1);
    expect(await ctx.hangUpStation(a, stationId)).toBe(204);
    await ctx.expectReleased(0);
  });
});
